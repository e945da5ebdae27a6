package io.faultline.events.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProbeCatalogueTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ProbeCatalogue catalogue = ProbeCatalogue.standard();

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static final String ALARM =
      "'name':'errors','type':'cloudwatch-alarm','alarmName':'api-5xx',"
          + "'accountId':'123456789012','region':'eu-west-1'";
  private static final String METRIC =
      "'name':'latency','type':'cloudwatch-metric','namespace':'AWS/ApplicationELB',"
          + "'metricName':'TargetResponseTime','statistic':'Average','periodSeconds':60,"
          + "'comparison':'<','threshold':0.5,'accountId':'123456789012','region':'eu-west-1'";
  private static final String HTTP = "'name':'api-ok','type':'http','url':'http://10.0.0.5/health'";
  private static final String PROMQL =
      "'name':'error-rate','type':'promql','endpoint':'http://prometheus:9090',"
          + "'query':'sum(rate(http_errors_total[1m]))','comparison':'<','threshold':1";

  @Test
  void readsACloudWatchAlarmProbeWithDefaults() {
    ProbeDefinition probe = catalogue.validate(json("{" + ALARM + "}"));

    assertThat(probe.name()).isEqualTo("errors");
    assertThat(probe.type()).isEqualTo(ProbeType.CLOUDWATCH_ALARM);
    assertThat(probe.intervalSeconds()).isEqualTo(10);
    assertThat(probe.tolerance()).isZero();
    assertThat(probe.settingsAs(CloudWatchAlarmSettings.class))
        .isEqualTo(
            new CloudWatchAlarmSettings(
                "api-5xx", AccountId.of("123456789012"), AwsRegion.of("eu-west-1")));
  }

  @Test
  void readsAnHttpProbeWithItsDefaults() {
    HttpSettings http =
        catalogue
            .validate(json("{" + HTTP + ",'maxLatencyMs':500,'intervalSeconds':5}"))
            .settingsAs(HttpSettings.class);

    assertThat(http.url()).isEqualTo(URI.create("http://10.0.0.5/health"));
    assertThat(http.method()).isEqualTo(HttpProbeMethod.GET);
    assertThat(http.expectStatus()).isEqualTo(200);
    assertThat(http.timeoutMs()).isEqualTo(5000);
    assertThat(http.maxLatencyMs()).isEqualTo(500);
    assertThat(http.bodyMatches()).isNull();
  }

  @Test
  void readsMetricAndPromQlProbes() {
    CloudWatchMetricSettings metric =
        catalogue
            .validate(json("{" + METRIC + ",'dimensions':{'LoadBalancer':'app/web/1'}}"))
            .settingsAs(CloudWatchMetricSettings.class);
    assertThat(metric.statistic()).isEqualTo(MetricStatistic.AVERAGE);
    assertThat(metric.comparison()).isEqualTo(Comparison.LESS_THAN);
    assertThat(metric.comparison().holds(0.2, metric.threshold())).isTrue();
    assertThat(metric.dimensions()).containsEntry("LoadBalancer", "app/web/1");

    PromQlSettings promql =
        catalogue.validate(json("{" + PROMQL + "}")).settingsAs(PromQlSettings.class);
    assertThat(promql.threshold()).isEqualTo(1.0);
    assertThat(promql.endpoint().getHost()).isEqualTo("prometheus");
  }

  @Test
  void canonicalJsonReadsBackToTheSameProbe() {
    for (String probe :
        new String[] {ALARM, METRIC, HTTP + ",'bodyMatches':'\\\\bup\\\\b'", PROMQL}) {
      ProbeDefinition first = catalogue.validate(json("{" + probe + "}"));
      ProbeDefinition again = catalogue.validate(first.toJson());
      assertThat(again).isEqualTo(first);
      assertThat(again.toJson()).isEqualTo(first.toJson());
    }
  }

  static Stream<Arguments> brokenProbes() {
    return Stream.of(
        Arguments.of("{'name':'x'}", "$.type", "required"),
        Arguments.of("{'name':'x','type':'smtp'}", "$.type", "knownProbeType"),
        Arguments.of("{" + ALARM.replace("'errors'", "'Errors!'") + "}", "$.name", "pattern"),
        Arguments.of("{" + ALARM + ",'intervalSeconds':0}", "$.intervalSeconds", "minimum"),
        Arguments.of("{" + ALARM + ",'intervalSeconds':3601}", "$.intervalSeconds", "maximum"),
        Arguments.of("{" + ALARM + ",'tolerance':101}", "$.tolerance", "maximum"),
        Arguments.of("{" + ALARM + ",'tolerance':-1}", "$.tolerance", "minimum"),
        Arguments.of("{" + ALARM + ",'colour':'red'}", "$.colour", "additionalProperties"),
        Arguments.of(
            "{" + ALARM.replace(",'alarmName':'api-5xx'", "") + "}", "$.alarmName", "required"),
        Arguments.of("{" + ALARM.replace("123456789012", "1234") + "}", "$.accountId", "pattern"),
        Arguments.of("{" + ALARM.replace("eu-west-1", "Europe") + "}", "$.region", "pattern"),
        Arguments.of("{" + METRIC.replace("'Average'", "'Median'") + "}", "$.statistic", "enum"),
        Arguments.of("{" + METRIC.replace(":60,", ":90,") + "}", "$.periodSeconds", "multipleOf"),
        Arguments.of("{" + METRIC.replace(":60,", ":30,") + "}", "$.periodSeconds", "minimum"),
        Arguments.of("{" + METRIC.replace("'<'", "'=='") + "}", "$.comparison", "enum"),
        Arguments.of("{" + METRIC.replace("0.5", "'low'") + "}", "$.threshold", "type"),
        Arguments.of(
            "{"
                + METRIC
                + ",'dimensions':{'a':'1','b':'2','c':'3','d':'4','e':'5','f':'6',"
                + "'g':'7','h':'8','i':'9','j':'10','k':'11'}}",
            "$.dimensions",
            "maxProperties"),
        Arguments.of("{" + METRIC + ",'dimensions':{'a':1}}", "$.dimensions.a", "type"),
        Arguments.of("{" + HTTP.replace("http://", "ftp://") + "}", "$.url", "pattern"),
        Arguments.of("{" + HTTP.replace("http://10.0.0.5", "http://") + "}", "$.url", "url"),
        Arguments.of(
            "{" + HTTP.replace("http://10.0.0.5", "http://bob:secret@10.0.0.5") + "}",
            "$.url",
            "noCredentials"),
        Arguments.of("{" + HTTP + ",'method':'POST'}", "$.method", "enum"),
        Arguments.of("{" + HTTP + ",'expectStatus':99}", "$.expectStatus", "minimum"),
        Arguments.of("{" + HTTP + ",'timeoutMs':5001}", "$.timeoutMs", "maximum"),
        Arguments.of("{" + HTTP + ",'bodyMatches':'(unclosed'}", "$.bodyMatches", "regex"),
        Arguments.of(
            "{" + HTTP + ",'bodyMatches':'" + "a".repeat(201) + "'}", "$.bodyMatches", "maxLength"),
        Arguments.of(
            "{" + HTTP + ",'maxLatencyMs':900,'timeoutMs':500}", "$.maxLatencyMs", "withinTimeout"),
        Arguments.of(
            "{" + PROMQL.replace("http://prometheus:9090", "file:///etc") + "}",
            "$.endpoint",
            "pattern"),
        Arguments.of(
            "{"
                + PROMQL.replace("'sum(rate(http_errors_total[1m]))'", "'" + "x".repeat(1001) + "'")
                + "}",
            "$.query",
            "maxLength"),
        Arguments.of("{" + PROMQL.replace(",'threshold':1", "") + "}", "$.threshold", "required"));
  }

  @ParameterizedTest(name = "{1} [{2}]")
  @MethodSource("brokenProbes")
  void everyRuleNamesItsField(String probe, String path, String rule) {
    assertThatThrownBy(() -> catalogue.validate(json(probe)))
        .isInstanceOfSatisfying(
            ContractViolationException.class,
            e -> {
              assertThat(e.violations())
                  .as("violations of %s", probe)
                  .anyMatch(v -> v.path().equals(path) && v.rule().equals(rule));
              assertThat(e.violations())
                  .extracting(Violation::path)
                  .allMatch(p -> p.startsWith("$."));
            });
  }

  @Test
  void reportsEveryBrokenRuleAtOnce() {
    assertThatThrownBy(
            () ->
                catalogue.validate(
                    json("{" + HTTP + ",'method':'PUT','timeoutMs':0,'intervalSeconds':0}")))
        .isInstanceOfSatisfying(
            ContractViolationException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::path)
                    .contains("$.method", "$.timeoutMs", "$.intervalSeconds"));
  }

  @Test
  void aMapFromARestLayerIsValidatedTheSameWay() {
    assertThatThrownBy(() -> catalogue.validate(Map.of("name", "x", "type", "http")))
        .isInstanceOfSatisfying(
            ContractViolationException.class, e -> assertThat(e.has("$.url", "required")).isTrue());
    assertThatThrownBy(() -> catalogue.validate(json("[1]")))
        .isInstanceOfSatisfying(
            ContractViolationException.class, e -> assertThat(e.has("$", "type")).isTrue());
  }

  @Test
  void comparisonsStateTheHealthyCase() {
    assertThat(Comparison.ofSymbol("<=").holds(1, 1)).isTrue();
    assertThat(Comparison.ofSymbol("<").holds(1, 1)).isFalse();
    assertThat(Comparison.ofSymbol(">").holds(2, 1)).isTrue();
    assertThat(Comparison.ofSymbol(">=").holds(0, 1)).isFalse();
  }
}
