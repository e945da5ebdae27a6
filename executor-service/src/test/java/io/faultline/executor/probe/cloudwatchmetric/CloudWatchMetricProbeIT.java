package io.faultline.executor.probe.cloudwatchmetric;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.probe.CloudWatchMetricSettings;
import io.faultline.events.probe.Comparison;
import io.faultline.events.probe.MetricStatistic;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.guard.TenantAccounts;
import io.faultline.executor.probe.ProbeAccounts;
import io.faultline.executor.probe.ProbeContext;
import io.faultline.executor.probe.ProbeRegistry;
import io.faultline.local.CloudWatchJsonBridge;
import io.faultline.testsupport.MotoServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;

/**
 * The cloudwatch-metric probe against moto: metrics put with PutMetricData in a tenant's account,
 * read with GetMetricData through the tenant's assumed role, as the executor does.
 */
class CloudWatchMetricProbeIT {
  private static final TenantId TENANT = TenantId.of("acme");
  private static final ProbeContext CONTEXT =
      new ProbeContext(TENANT, RunId.of("run-1"), ExperimentId.of("exp-1"));

  private CloudWatchJsonBridge bridge;
  private AwsAccountConnector connector;
  private CloudWatchMetricProbe probe;
  private String account;

  @BeforeEach
  void connect() {
    MotoAccounts.init();
    account = MotoAccounts.freshAccount();
    // moto does not route the SDK's CBOR protocol for CloudWatch; the bridge turns it into JSON.
    bridge = new CloudWatchJsonBridge(MotoServer.shared().endpoint());
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(bridge.endpoint())
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            new RequestRecorder());
    TenantAccounts accounts = new TenantAccounts();
    accounts.put(
        TENANT,
        List.of(
            new RegisteredAccount(
                AccountId.of(account),
                MotoAccounts.roleArn(account),
                "ext-acme-secret",
                List.of(AwsRegion.of(MotoAccounts.REGION)),
                null,
                null)));
    probe =
        new CloudWatchMetricProbe(
            connector, new ProbeAccounts(accounts, Clock.systemUTC()), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    connector.close();
    bridge.close();
  }

  private void put(String metric, double value, Instant at) {
    try (CloudWatchClient cloudWatch =
        CloudWatchClient.builder()
            .endpointOverride(bridge.endpoint())
            .region(Region.of(MotoAccounts.REGION))
            .credentialsProvider(MotoAccounts.credentials(account))
            .build()) {
      cloudWatch.putMetricData(
          b ->
              b.namespace("Acme/Api")
                  .metricData(
                      MetricDatum.builder()
                          .metricName(metric)
                          .dimensions(Dimension.builder().name("Service").value("api").build())
                          .value(value)
                          .timestamp(at)
                          .build()));
    }
  }

  private ProbeDefinition errors(String metric, String inAccount, Comparison comparison) {
    return ProbeDefinition.of(
        "errors",
        new CloudWatchMetricSettings(
            "Acme/Api",
            metric,
            Map.of("Service", "api"),
            MetricStatistic.MAXIMUM,
            60,
            comparison,
            5,
            AccountId.of(inAccount),
            AwsRegion.of(MotoAccounts.REGION)));
  }

  @Test
  void theLatestDatapointWithinTheThresholdIsOk() {
    Instant now = Instant.now();
    put("Errors", 9, now.minusSeconds(150));
    put("Errors", 2, now.minusSeconds(20));

    ProbeReading reading = probe.read(errors("Errors", account, Comparison.LESS_THAN), CONTEXT);

    assertThat(reading.ok()).isTrue();
    assertThat(reading.value()).isEqualTo(2.0);
    assertThat(reading.error()).isNull();
    assertThat(reading.latencyMs()).isNotNull();
  }

  @Test
  void theLatestDatapointOutsideTheThresholdFails() {
    Instant now = Instant.now();
    put("Errors", 1, now.minusSeconds(150));
    put("Errors", 12, now.minusSeconds(20));

    ProbeReading reading = probe.read(errors("Errors", account, Comparison.LESS_THAN), CONTEXT);

    assertThat(reading.ok()).isFalse();
    assertThat(reading.value()).isEqualTo(12.0);
    assertThat(reading.error()).isEqualTo("healthy when value < 5.0");
  }

  @Test
  void noDatapointIsAFailingReading() {
    ProbeReading reading =
        probe.read(errors("NeverWritten", account, Comparison.LESS_THAN), CONTEXT);

    assertThat(reading.ok()).isFalse();
    assertThat(reading.value()).isNull();
    assertThat(reading.error()).isEqualTo("no datapoint");
  }

  @Test
  void readsOnlyTheTenantsOwnAccount() {
    // The metric exists, but in an account the tenant did not register: nothing is read there.
    put("Errors", 1, Instant.now().minusSeconds(20));
    String other = MotoAccounts.freshAccount();

    ProbeReading reading =
        new ProbeRegistry(List.of(probe))
            .read(errors("Errors", other, Comparison.LESS_THAN), CONTEXT);

    assertThat(reading.ok()).isFalse();
    assertThat(reading.error()).contains("account " + other + " is not registered");
  }
}
