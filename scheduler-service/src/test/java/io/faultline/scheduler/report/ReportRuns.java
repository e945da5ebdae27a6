package io.faultline.scheduler.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.ExecutorStandIn;
import io.faultline.events.TopicTap;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.Http;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Runs for the report tests on the shared scheduler and the real broker: an experiment of two waves
 * over two accounts, started by a traced "run now", whose faults the test plays through with real
 * lifecycle events (targets, SSM command ids and the fault's trace id) — the canary wave completes,
 * one fault of the second wave fails.
 */
final class ReportRuns implements AutoCloseable {
  static final String HOSTILE_NAME = "Checkout <img src=x onerror=\"document.title='pwned'\">";
  static final String HOSTILE_HYPOTHESIS =
      "Checkout p99 stays < 300 ms <script>document.title='pwned'</script>";
  static final String CALLER_TRACE = "5a5a0c7d1e2f3a4b5c6d7e8f90a1b2c3";

  private final SchedulerInstance app;
  private final TopicTap<FaultRequested> requests = new TopicTap<>(Topics.FAULT_REQUESTS);
  private final ExecutorStandIn executor = new ExecutorStandIn();

  /** A run the test played through. */
  record Played(String tenant, String runId, List<FaultRequested> faults) {
    String path() {
      return "/api/v1/tenants/" + tenant + "/runs/" + runId + "/report";
    }
  }

  ReportRuns(SchedulerInstance app) {
    this.app = app;
  }

  static Map<String, Object> experiment() {
    return Map.of(
        "name",
        HOSTILE_NAME,
        "faultType",
        "ec2-process-kill",
        "parameters",
        Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:checkout"),
        "hypothesis",
        HOSTILE_HYPOTHESIS,
        "targets",
        List.of(
            Map.of("accountId", "111111111111", "region", "eu-west-1"),
            Map.of("accountId", "222222222222", "region", "eu-west-1")),
        "waves",
        List.of(
            Map.of("name", "canary", "parameters", Map.of("INSTANCE_AFFECTED_PERC", 0)),
            Map.of("name", "all", "parameters", Map.of("INSTANCE_AFFECTED_PERC", 100))));
  }

  /** Starts a run and plays it to its end: FAILED, at the second wave. */
  Played playFailedRun() {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    Http.Response created = op.post("/api/v1/tenants/" + tenant + "/experiments", experiment());
    assertThat(created.status()).as(created.raw()).isEqualTo(201);
    String exp = created.body().path("experimentId").asText();
    Http.Response started =
        op.traced("00-" + CALLER_TRACE + "-1a2b3c4d5e6f7a8b-01")
            .post("/api/v1/tenants/" + tenant + "/experiments/" + exp + "/runs", null);
    assertThat(started.status()).as(started.raw()).isEqualTo(202);
    String runId = started.body().path("runId").asText();

    List<FaultlineEvent<FaultRequested>> canary = awaitRequests(runId, 2);
    canary.forEach(r -> play(r, false));
    List<FaultlineEvent<FaultRequested>> all = awaitRequests(runId, 4).subList(2, 4);
    play(all.get(0), false);
    play(all.get(1), true);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        op.get("/api/v1/tenants/" + tenant + "/runs/" + runId)
                            .body()
                            .path("status")
                            .asText())
                    .isEqualTo("FAILED"));
    List<FaultRequested> faults =
        awaitRequests(runId, 4).stream().map(FaultlineEvent::data).toList();
    return new Played(tenant, runId, faults);
  }

  /** The trace id the fault's lifecycle events carry: the one of its request's traceparent. */
  static String traceIdOf(FaultlineEvent<FaultRequested> request) {
    return request.traceparent().split("-")[1];
  }

  private List<FaultlineEvent<FaultRequested>> awaitRequests(String runId, int count) {
    List<FaultlineEvent<FaultRequested>> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              found.clear();
              found.addAll(
                  requests.envelopes(r -> r.runId() != null && r.runId().value().equals(runId)));
              assertThat(found).hasSize(count);
            });
    return found;
  }

  /** APPROVED … COMPLETED, or APPROVED … FAILED (inject) with the target's failure. */
  private void play(FaultlineEvent<FaultRequested> envelope, boolean fail) {
    FaultRequested request = envelope.data();
    String trace = traceIdOf(envelope);
    String host = "i-0" + request.accountId().value().substring(0, 3) + "0abc12345def";
    String command = "cmd-" + request.faultId().value().hashCode();
    send(envelope, LifecycleStage.APPROVED, 1, null, null, List.of(), trace);
    send(envelope, LifecycleStage.STARTED, 2, null, null, List.of(), trace);
    send(
        envelope,
        LifecycleStage.TARGETS_RESOLVED,
        3,
        null,
        null,
        List.of(new TargetOutcome(host, "ec2-instance", TargetStatus.RESOLVED, null, null)),
        trace);
    if (fail) {
      send(
          envelope,
          LifecycleStage.FAILED,
          4,
          FailureReason.INJECT,
          "SSM command failed on " + host,
          List.of(
              new TargetOutcome(
                  host, "ec2-instance", TargetStatus.INJECT_FAILED, command, "exit 1")),
          trace);
      return;
    }
    send(
        envelope,
        LifecycleStage.INJECTED,
        4,
        null,
        null,
        List.of(new TargetOutcome(host, "ec2-instance", TargetStatus.INJECTED, command, null)),
        trace);
    send(envelope, LifecycleStage.ROLLING_BACK, 5, null, null, List.of(), trace);
    send(
        envelope,
        LifecycleStage.COMPLETED,
        6,
        null,
        null,
        List.of(new TargetOutcome(host, "ec2-instance", TargetStatus.ROLLED_BACK, command, null)),
        trace);
  }

  private void send(
      FaultlineEvent<FaultRequested> envelope,
      LifecycleStage stage,
      long sequence,
      FailureReason reason,
      String detail,
      List<TargetOutcome> targets,
      String traceId) {
    FaultRequested r = envelope.data();
    FaultLifecycleEvent event =
        new FaultLifecycleEvent(
            r.faultId(),
            r.tenantId(),
            r.experimentId(),
            r.runId(),
            r.faultType(),
            r.accountId(),
            r.region(),
            stage,
            sequence,
            Instant.now(),
            stage.producer(),
            r.dryRun(),
            r.parameters().asMap(),
            targets,
            targets.stream().map(TargetOutcome::ssmCommandId).filter(c -> c != null).toList(),
            null,
            reason,
            detail,
            List.of(),
            traceId);
    try {
      executor.send(event).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The instance's base URL. The test helpers keep its port to themselves; the URI of the event
   * stream they open names it.
   */
  static String baseUrl(SchedulerInstance app) throws Exception {
    HttpResponse<InputStream> stream = app.openEventStream(SharedScheduler.newTenant());
    try (InputStream body = stream.body()) {
      URI uri = stream.uri();
      return uri.getScheme() + "://" + uri.getAuthority();
    }
  }

  /** A viewer's token, minted by the instance's local-mode token endpoint (loopback only). */
  static String viewerToken(SchedulerInstance app, String tenant) {
    Http.Response minted =
        app.anonymous()
            .post(
                "/dev/tokens",
                Map.of("subject", "report-reader", "tenantId", tenant, "roles", List.of("viewer")));
    assertThat(minted.status()).as(minted.raw()).isEqualTo(200);
    return minted.body().path("token").asText();
  }

  @Override
  public void close() {
    requests.close();
    executor.close();
  }
}
