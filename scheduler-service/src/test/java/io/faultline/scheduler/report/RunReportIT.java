package io.faultline.scheduler.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.request.FaultRequested;
import io.faultline.scheduler.Http;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import io.faultline.scheduler.state.StateJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The report endpoint on the shared scheduler and the real broker: the JSON report of a run played
 * through with real lifecycle events, the HTML variant chosen by {@code Accept}, and the tenant and
 * role rules of the run endpoints.
 */
@ExtendWith(SharedScheduler.class)
class RunReportIT {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static SchedulerInstance app;
  private static ReportRuns runs;
  private static ReportRuns.Played played;
  private static String base;

  @BeforeAll
  static void playARun() throws Exception {
    app = SharedScheduler.get();
    runs = new ReportRuns(app);
    played = runs.playFailedRun();
    base = ReportRuns.baseUrl(app);
  }

  @AfterAll
  static void stop() {
    runs.close();
  }

  @Test
  void reportsTheRunAsJson() {
    Http.Response answer = app.http(played.tenant(), "viewer").get(played.path());
    assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
    assertThat(answer.contentType()).startsWith("application/json");
    JsonNode report = answer.body();
    assertThat(report.path("runId").asText()).isEqualTo(played.runId());
    assertThat(report.path("status").asText()).isEqualTo("FAILED");
    assertThat(report.path("experimentName").asText()).isEqualTo(ReportRuns.HOSTILE_NAME);
    assertThat(report.path("hypothesis").asText()).isEqualTo(ReportRuns.HOSTILE_HYPOTHESIS);
    assertThat(report.path("stopReason").asText()).contains("FAILED");
    // A run without probes that failed for a fault's own reasons: inconclusive, no readings.
    assertThat(report.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(report.path("verdictReason").asText()).isNotBlank();
    assertThat(report.path("readings").size()).isZero();

    JsonNode faults = report.path("faults");
    assertThat(faults.size()).isEqualTo(4);
    List<String> outcomes = new ArrayList<>();
    faults.forEach(f -> outcomes.add(f.path("wave").asInt() + ":" + f.path("outcome").asText()));
    assertThat(outcomes)
        .containsExactlyInAnyOrder("0:COMPLETED", "0:COMPLETED", "1:COMPLETED", "1:FAILED");
    for (JsonNode f : faults) {
      assertThat(f.path("targets").size()).as(f.toString()).isEqualTo(1);
      assertThat(f.path("targets").path(0).asText()).startsWith("i-0");
      assertThat(f.path("targetSummary").path("total").asInt()).isEqualTo(1);
      assertThat(f.path("endedAt").isTextual()).isTrue();
      assertThat(f.path("waveName").asText()).isIn("canary", "all");
    }
    JsonNode failed = first(faults, f -> f.path("outcome").asText().equals("FAILED"));
    assertThat(failed.path("reason").asText()).isEqualTo("INJECT");
    assertThat(failed.path("detail").asText()).startsWith("SSM command failed on i-0");
    assertThat(failed.has("injectedAt")).isFalse();

    assertThat(report.path("timeline").size()).isEqualTo(3 * 6 + 4);
    assertThat(report.path("waves").path(0).path("status").asText()).isEqualTo("COMPLETED");
    assertThat(report.path("waves").path(1).path("status").asText()).isEqualTo("FAILED");
  }

  @Test
  void namesTheTraceOfTheRunRequestAndOfEveryFault() {
    JsonNode traces = app.http(played.tenant(), "viewer").get(played.path()).body().path("traces");
    // The caller's trace continues into every fault request, so one trace spans the run.
    assertThat(traces.size()).isEqualTo(1);
    assertThat(traces.path(0).path("traceId").asText()).isEqualTo(ReportRuns.CALLER_TRACE);
    assertThat(traces.path(0).path("runRequest").asBoolean()).isTrue();
    List<String> faults = new ArrayList<>();
    traces.path(0).path("faultIds").forEach(f -> faults.add(f.asText()));
    assertThat(faults)
        .containsExactlyInAnyOrderElementsOf(
            played.faults().stream().map(FaultRequested::faultId).map(Object::toString).toList());
  }

  @Test
  void servesTheSameReportAsASelfContainedPageForAcceptTextHtml() throws Exception {
    String token = ReportRuns.viewerToken(app, played.tenant());
    HttpResponse<String> page = get(played.path(), token, "text/html");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValue(HtmlReport.CONTENT_SECURITY_POLICY);
    assertThat(page.body())
        .startsWith("<!DOCTYPE html>")
        .contains("Run report: Checkout &lt;img src=x onerror=&quot;document.title=&#39;pwned")
        .doesNotContain("<img")
        .doesNotContain("<script")
        .contains("<svg");
    // A browser's Accept picks the page; none, */* or JSON pick JSON.
    String browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    assertThat(get(played.path(), token, browser).body()).startsWith("<!DOCTYPE html>");
    for (String accept : new String[] {null, "*/*", "application/json"}) {
      HttpResponse<String> json = get(played.path(), token, accept);
      assertThat(json.headers().firstValue("Content-Type"))
          .as("Accept %s", accept)
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
      assertThat(StateJson.mapper().readTree(json.body()).path("runId").asText())
          .isEqualTo(played.runId());
    }
  }

  @Test
  void documentsBothRepresentationsInTheOpenApiDocument() {
    JsonNode get =
        app.anonymous()
            .get("/v3/api-docs")
            .body()
            .path("paths")
            .path("/api/v1/tenants/{tenantId}/runs/{runId}/report")
            .path("get");
    JsonNode content = get.path("responses").path("200").path("content");
    assertThat(content.has("application/json")).as(get.toString()).isTrue();
    assertThat(content.has("text/html")).as(get.toString()).isTrue();
    assertThat(get.path("responses").path("404").path("content").has("application/problem+json"))
        .isTrue();
  }

  @Test
  void refusesOtherTenantsAnonymousCallersAndUnknownRuns() throws Exception {
    String other = SharedScheduler.newTenant();
    Http.Response foreign = app.http(other, "admin").get(played.path());
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.contentType()).startsWith("application/problem+json");
    assertThat(app.anonymous().get(played.path()).status()).isEqualTo(401);

    String missing = "/api/v1/tenants/" + played.tenant() + "/runs/run-nope/report";
    Http.Response notFound = app.http(played.tenant(), "viewer").get(missing);
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.body().path("detail").asText()).startsWith("no run run-nope");
    HttpResponse<String> htmlNotFound =
        get(missing, ReportRuns.viewerToken(app, played.tenant()), "text/html");
    assertThat(htmlNotFound.statusCode()).isEqualTo(404);
    assertThat(htmlNotFound.body()).doesNotContain("<!DOCTYPE html>");
  }

  private static HttpResponse<String> get(String path, String token, String accept)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token);
    if (accept != null) {
      request.header("Accept", accept);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode first(JsonNode array, java.util.function.Predicate<JsonNode> test) {
    for (JsonNode node : array) {
      if (test.test(node)) {
        return node;
      }
    }
    throw new AssertionError("none matches in " + array);
  }
}
