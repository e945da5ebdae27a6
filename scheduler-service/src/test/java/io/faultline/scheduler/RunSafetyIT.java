package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.ExecutorStandIn;
import io.faultline.events.TopicTap;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.Verdict;
import io.faultline.events.probe.WatchPhase;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.TestKafka;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The safety loop of a run (ADR 0010) against the shared instance on the real broker: the test
 * plays the executors — it reads the watches the scheduler writes and answers with run events on
 * the run-events topic (readings, steady-state, bake and final results, breaches), and with
 * lifecycle events for the faults the scheduler requests.
 */
@ExtendWith(SharedScheduler.class)
class RunSafetyIT {
  private static final String ACCOUNT = "111111111111";
  private static final URI EXECUTOR = URI.create("/faultline/executor-service");

  private static SchedulerInstance app;
  private static TopicTap<FaultRequested> requests;
  private static TopicTap<RunEvent> runEvents;
  private static RunWatchTap watches;
  private static ExecutorStandIn executor;
  private static KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
    requests = new TopicTap<>(Topics.FAULT_REQUESTS);
    runEvents = new TopicTap<>(Topics.RUN_EVENTS);
    watches = new RunWatchTap();
    executor = new ExecutorStandIn();
    producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void stop() {
    requests.close();
    runEvents.close();
    watches.close();
    executor.close();
    producer.close();
  }

  private record Started(String tenant, Http op, String runId) {
    String path() {
      return "/api/v1/tenants/" + tenant + "/runs/" + runId;
    }
  }

  static Map<String, Object> http(String name) {
    return Map.of("name", name, "type", "http", "url", "http://10.0.0.5:8080/health");
  }

  static Map<String, Object> alarm(String name) {
    return Map.of(
        "name",
        name,
        "type",
        "cloudwatch-alarm",
        "alarmName",
        "checkout-5xx",
        "accountId",
        ACCOUNT,
        "region",
        "eu-west-1");
  }

  /** A process kill in one account, over {@code waves} waves, with the given probes and bake. */
  static Map<String, Object> experiment(
      List<Map<String, Object>> steadyState,
      List<Map<String, Object>> stopConditions,
      int bakeSeconds,
      int waves) {
    Map<String, Object> body = new HashMap<>(ApiFixtures.processKill(ACCOUNT));
    body.put("steadyState", steadyState);
    body.put("stopConditions", stopConditions);
    body.put("bakeSeconds", bakeSeconds);
    List<Map<String, Object>> list = new ArrayList<>();
    for (int i = 1; i <= waves; i++) {
      list.add(Map.of("name", "wave " + i));
    }
    body.put("waves", list);
    return body;
  }

  /** A new tenant with the account registered, the experiment saved, and a run started. */
  private static Started runNow(Map<String, Object> experiment) {
    String tenant = SharedScheduler.newTenant();
    // An AWS account belongs to one tenant (ADR 0007 §7): each tenant here gets its own, put in
    // place of ACCOUNT wherever the experiment names it (targets, CloudWatch probes).
    String account = ApiFixtures.freshAccountId();
    assertThat(
            app.http(tenant, "admin")
                .put(
                    "/api/v1/tenants/" + tenant + "/accounts/" + account,
                    ApiFixtures.account(account))
                .status())
        .isEqualTo(201);
    String own = ApiFixtures.inAccount(experiment, ACCOUNT, account);
    Http op = app.http(tenant, "operator");
    Http.Response saved = op.post("/api/v1/tenants/" + tenant + "/experiments", own);
    assertThat(saved.status()).as(saved.raw()).isEqualTo(201);
    String exp = saved.body().path("experimentId").asText();
    String runId =
        op.post("/api/v1/tenants/" + tenant + "/experiments/" + exp + "/runs", null)
            .body()
            .path("runId")
            .asText();
    return new Started(tenant, op, runId);
  }

  private static JsonNode run(Started s) {
    return s.op().get(s.path()).body();
  }

  private static JsonNode awaitStatus(Started s, String status) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(run(s).path("status").asText()).isEqualTo(status));
    return run(s);
  }

  /** Waits for the watch the scheduler writes in {@code phase}, and returns it. */
  private static RunWatch awaitWatch(Started s, WatchPhase phase) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> watches.latest(s.tenant(), s.runId()).orElse(null),
            w -> w != null && w.phase() == phase);
  }

  private static void awaitTombstone(Started s) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              List<Optional<RunWatch>> written = watches.of(s.tenant(), s.runId());
              assertThat(written).isNotEmpty();
              assertThat(written.getLast()).isEmpty();
            });
  }

  private static List<FaultRequested> requestsOf(Started s) {
    return requests.read(r -> r.runId() != null && r.runId().value().equals(s.runId()));
  }

  private static List<FaultRequested> awaitRequests(Started s, int count) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> requestsOf(s), found -> found.size() == count);
  }

  /** Nothing more is requested for the run for a while. */
  private static void assertRequestsStay(Started s, int count) {
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(10))
        .until(() -> requestsOf(s).size() == count);
  }

  private static RunEvent awaitVerdict(Started s) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                runEvents
                    .read(
                        e ->
                            e.kind() == RunEventKind.VERDICT && e.runId().value().equals(s.runId()))
                    .stream()
                    .findFirst()
                    .orElse(null),
            e -> e != null);
  }

  /** Publishes a run event as the watching executor would, once the broker has it. */
  private static void publish(RunEvent event) {
    ProducerRecord<String, byte[]> record =
        EventCodec.standard()
            .encode(Topics.RUN_EVENTS, FaultlineEvent.of(event.eventId(), EXECUTOR, event, null));
    try {
      producer.send(record).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A result (held, failed, breach) for the watch's revision {@code revision}. */
  private static void result(
      Started s, RunEventKind kind, RunWatch watch, long revision, String probe) {
    ProbeReading reading =
        kind == RunEventKind.STOP_CONDITION_BREACHED || probe != null
            ? ProbeReading.ofState(false, "ALARM")
            : null;
    publish(
        new RunEvent(
            "ev-" + UUID.randomUUID(),
            TenantId.of(s.tenant()),
            RunId.of(s.runId()),
            kind,
            probe,
            reading,
            watch.phase(),
            watch.wave(),
            revision,
            Instant.now(),
            null,
            null));
  }

  private static void result(Started s, RunEventKind kind, RunWatch watch) {
    result(s, kind, watch, watch.revision(), null);
  }

  private static void reading(Started s, RunWatch watch, String probe, boolean ok) {
    publish(
        new RunEvent(
            "ev-" + UUID.randomUUID(),
            TenantId.of(s.tenant()),
            RunId.of(s.runId()),
            RunEventKind.PROBE_READING,
            probe,
            new ProbeReading(ok, null, null, ok ? 200 : 503, 12L, ok ? null : "status 503"),
            watch.phase(),
            watch.wave(),
            watch.revision(),
            Instant.now(),
            null,
            null));
  }

  @Test
  void aSteadyStateThatDoesNotHoldRefusesTheRunBeforeAnyFault() {
    Started s = runNow(experiment(List.of(http("api-ok")), List.of(), 0, 2));
    RunWatch watch = awaitWatch(s, WatchPhase.STEADY_STATE);
    assertThat(watch.revision()).isEqualTo(1);
    assertThat(watch.steadyState()).extracting(p -> p.name()).containsExactly("api-ok");
    assertThat(run(s).path("watch").path("phase").asText()).isEqualTo("STEADY_STATE");

    result(s, RunEventKind.STEADY_STATE_FAILED, watch, 1, "api-ok");

    JsonNode run = awaitStatus(s, "REFUSED");
    assertThat(run.path("stopReason").asText()).startsWith("NOT_STEADY: probe api-ok");
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("verdictReason").asText()).contains("refused before any fault");
    assertThat(run.path("watch").isMissingNode()).isTrue();
    assertThat(run.path("waves").path(0).path("status").asText()).isEqualTo("CANCELLED");
    assertThat(run.path("faults").path(0).path("stage").asText()).isEqualTo("PLANNED");
    awaitTombstone(s);
    assertThat(awaitVerdict(s).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertRequestsStay(s, 0);
  }

  @Test
  void aSteadyStateThatHoldsThroughBakesAndTheFinalCheckHoldsTheHypothesis() {
    Started s = runNow(experiment(List.of(alarm("checkout-ok")), List.of(http("api-ok")), 30, 2));
    RunWatch steady = awaitWatch(s, WatchPhase.STEADY_STATE);
    assertThat(steady.stopConditions()).extracting(p -> p.name()).containsExactly("api-ok");

    // A result for a revision the scheduler has not written (or an older one) changes nothing.
    result(s, RunEventKind.STEADY_STATE_HELD, steady, 0, null);
    result(s, RunEventKind.STEADY_STATE_HELD, steady, 7, null);
    assertRequestsStay(s, 0);

    result(s, RunEventKind.STEADY_STATE_HELD, steady);
    FaultRequested first = awaitRequests(s, 1).getFirst();
    RunWatch running = awaitWatch(s, WatchPhase.RUNNING);
    assertThat(running.wave()).isZero();
    assertThat(running.revision()).isEqualTo(2);
    reading(s, running, "api-ok", true);
    reading(s, running, "api-ok", false);

    executor.complete(first);
    RunWatch baking = awaitWatch(s, WatchPhase.BAKING);
    assertThat(baking.revision()).isEqualTo(3);
    assertThat(baking.wave()).isZero();
    assertThat(baking.bakeUntil()).isAfter(baking.updatedAt().plusSeconds(29));
    // The steady-state result of a phase that is over does not bake the wave.
    result(s, RunEventKind.BAKE_HELD, baking, 2, null);
    assertRequestsStay(s, 1);

    result(s, RunEventKind.BAKE_HELD, baking);
    FaultRequested second = awaitRequests(s, 2).get(1);
    assertThat(awaitWatch(s, WatchPhase.RUNNING).wave()).isEqualTo(1);
    executor.complete(second);
    RunWatch lastBake = awaitWatch(s, WatchPhase.BAKING);
    assertThat(lastBake.wave()).isEqualTo(1);
    result(s, RunEventKind.BAKE_HELD, lastBake);
    RunWatch finalCheck = awaitWatch(s, WatchPhase.FINAL_CHECK);
    assertThat(finalCheck.revision()).isEqualTo(6);
    assertThat(run(s).path("status").asText()).isEqualTo("RUNNING");

    result(s, RunEventKind.FINAL_STEADY_STATE_HELD, finalCheck);
    JsonNode run = awaitStatus(s, "COMPLETED");
    assertThat(run.path("verdict").asText()).isEqualTo("HYPOTHESIS_HELD");
    assertThat(run.path("readings")).hasSize(2);
    JsonNode failing = run.path("readings").path(1);
    assertThat(failing.path("probe").asText()).isEqualTo("api-ok");
    assertThat(failing.path("ok").asBoolean()).isFalse();
    assertThat(failing.path("status").asInt()).isEqualTo(503);
    assertThat(failing.path("error").asText()).isEqualTo("status 503");
    assertThat(failing.path("phase").asText()).isEqualTo("RUNNING");
    assertThat(failing.path("wave").asInt()).isZero();
    awaitTombstone(s);
    RunEvent verdict = awaitVerdict(s);
    assertThat(verdict.verdict()).isEqualTo(Verdict.HYPOTHESIS_HELD);
    assertThat(verdict.detail()).isEqualTo(run.path("verdictReason").asText());
    assertThat(runEvents.envelopes(e -> e.eventId().equals(verdict.eventId())).getFirst().source())
        .hasToString("/faultline/scheduler-service");
  }

  @Test
  void aStopConditionBreachEndsTheRunAbortedAndRefutedWithoutFurtherWaves() {
    Started s = runNow(experiment(List.of(), List.of(alarm("checkout-5xx")), 0, 2));
    RunWatch running = awaitWatch(s, WatchPhase.RUNNING);
    assertThat(running.revision()).isEqualTo(1);
    FaultRequested first = awaitRequests(s, 1).getFirst();

    result(s, RunEventKind.STOP_CONDITION_BREACHED, running, 1, "checkout-5xx");
    JsonNode run = awaitStatus(s, "ABORTED");
    assertThat(run.path("verdict").asText()).isEqualTo("HYPOTHESIS_REFUTED");
    assertThat(run.path("stopReason").asText())
        .startsWith("STOP_CONDITION: probe checkout-5xx breached")
        .contains("state=ALARM");
    assertThat(run.path("waves").path(1).path("status").asText()).isEqualTo("CANCELLED");
    awaitTombstone(s);
    assertThat(awaitVerdict(s).verdict()).isEqualTo(Verdict.HYPOTHESIS_REFUTED);

    // The executors roll the fault back; its end does not start the next wave.
    executor.complete(first);
    assertRequestsStay(s, 1);
  }

  @Test
  void aFailedBakeStopsThePromotion() {
    Started s = runNow(experiment(List.of(), List.of(http("api-ok")), 60, 2));
    FaultRequested first = awaitRequests(s, 1).getFirst();
    executor.complete(first);
    RunWatch baking = awaitWatch(s, WatchPhase.BAKING);

    result(s, RunEventKind.BAKE_FAILED, baking, baking.revision(), "api-ok");
    JsonNode run = awaitStatus(s, "FAILED");
    assertThat(run.path("stopReason").asText()).startsWith("BAKE_FAILED: wave 1 (wave 1)");
    assertThat(run.path("verdict").asText()).isEqualTo("HYPOTHESIS_REFUTED");
    assertThat(run.path("waves").path(0).path("status").asText()).isEqualTo("FAILED");
    assertThat(run.path("waves").path(1).path("status").asText()).isEqualTo("CANCELLED");
    awaitTombstone(s);
    assertRequestsStay(s, 1);
  }

  @Test
  void anOperatorAbortIsInconclusive() {
    Started s = runNow(experiment(List.of(), List.of(http("api-ok")), 0, 1));
    awaitRequests(s, 1);
    awaitWatch(s, WatchPhase.RUNNING);
    assertThat(s.op().post(s.path() + "/abort", Map.of("reason", "pager went off")).status())
        .isEqualTo(202);
    JsonNode run = awaitStatus(s, "ABORTED");
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("verdictReason").asText()).contains("pager went off");
    awaitTombstone(s);
    assertThat(awaitVerdict(s).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void aRunWithoutSteadyStateEndsInconclusive() {
    Started s = runNow(ApiFixtures.processKill(ACCOUNT));
    executor.complete(awaitRequests(s, 1).getFirst());
    JsonNode run = awaitStatus(s, "COMPLETED");
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("verdictReason").asText())
        .isEqualTo("no steady-state probe: nothing tested the hypothesis");
    assertThat(watches.of(s.tenant(), s.runId())).isEmpty();
    assertThat(awaitVerdict(s).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void theTenantsEventStreamCarriesRunEventsNamedByTheirType() throws Exception {
    String tenant = SharedScheduler.newTenant();
    List<String> lines = app.eventStream(tenant);
    Started other = new Started(SharedScheduler.newTenant(), null, "run-sse-theirs");
    Started mine = new Started(tenant, null, "run-sse-mine");
    RunWatch watch =
        new RunWatch(
            TenantId.of(tenant),
            RunId.of("run-sse-mine"),
            io.faultline.events.ids.ExperimentId.of("e-sse"),
            List.of(),
            List.of(),
            WatchPhase.RUNNING,
            0,
            null,
            1,
            Instant.now());
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              reading(other, watch, "their-probe", true);
              reading(mine, watch, "my-probe", false);
              assertThat(lines).anyMatch(l -> l.equals("event:io.faultline.run.v1"));
              assertThat(lines)
                  .anyMatch(
                      l ->
                          l.startsWith("data:")
                              && l.contains("\"kind\":\"PROBE_READING\"")
                              && l.contains("my-probe"));
            });
    assertThat(lines).noneMatch(l -> l.contains("their-probe"));
  }
}
