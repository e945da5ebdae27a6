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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

/**
 * Watches no executor answers: an instance of its own gives a steady-state check, bake or final
 * check 6 s without a probe reading ({@code faultline.scheduler.probes.reading-timeout}), then ends
 * the run with a reason saying so instead of waiting forever. The test plays the executors only
 * where a run must get past a phase.
 */
class UnansweredWatchIT {
  private static final String ACCOUNT = "111111111111";
  private static final URI EXECUTOR = URI.create("/faultline/executor-service");
  private static final String SILENCE = "no probe reading arrived within 6s";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static SchedulerInstance app;
  private static TopicTap<FaultRequested> requests;
  private static TopicTap<RunEvent> runEvents;
  private static RunWatchTap watches;
  private static ExecutorStandIn executor;
  private static KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void start() {
    app =
        SchedulerInstance.start(
            "sched-unanswered-" + UUID.randomUUID(),
            Clock.systemUTC(),
            Map.of("faultline.scheduler.probes.reading-timeout", "6s"));
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
    app.close();
  }

  private record Started(String tenant, Http op, String runId) {
    String path() {
      return "/api/v1/tenants/" + tenant + "/runs/" + runId;
    }
  }

  @Test
  void anUnansweredSteadyStateRefusesTheRunSayingNoReadingArrived() {
    Started s =
        runNow(RunSafetyIT.experiment(List.of(RunSafetyIT.http("api-ok")), List.of(), 0, 2));
    awaitWatch(s, WatchPhase.STEADY_STATE);

    JsonNode run = awaitStatus(s, "REFUSED");
    assertThat(run.path("stopReason").asText())
        .startsWith("NOT_STEADY: steady state unanswered: " + SILENCE);
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("verdictReason").asText())
        .contains("refused before any fault")
        .contains(SILENCE);
    assertThat(run.path("waves").path(0).path("status").asText()).isEqualTo("CANCELLED");
    awaitTombstone(s);
    assertThat(awaitVerdict(s).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(requestsOf(s)).isEmpty();
  }

  @Test
  void anUnansweredFinalCheckEndsTheRunInconclusive() {
    Started s =
        runNow(RunSafetyIT.experiment(List.of(RunSafetyIT.http("api-ok")), List.of(), 0, 1));
    result(s, RunEventKind.STEADY_STATE_HELD, awaitWatch(s, WatchPhase.STEADY_STATE));
    executor.complete(awaitRequests(s, 1).getFirst());
    awaitWatch(s, WatchPhase.FINAL_CHECK);

    JsonNode run = awaitStatus(s, "COMPLETED");
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("verdictReason").asText())
        .isEqualTo(
            "the final check was unanswered: "
                + SILENCE
                + " (is any executor evaluating run"
                + " watches?)");
    awaitTombstone(s);
    RunEvent verdict = awaitVerdict(s);
    assertThat(verdict.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(verdict.detail()).startsWith("the final check was unanswered");
  }

  @Test
  void aBakeWaitsWhileReadingsArriveAndFailsTheRunOnceTheyStop() {
    Started s =
        runNow(RunSafetyIT.experiment(List.of(RunSafetyIT.http("api-ok")), List.of(), 120, 2));
    result(s, RunEventKind.STEADY_STATE_HELD, awaitWatch(s, WatchPhase.STEADY_STATE));
    executor.complete(awaitRequests(s, 1).getFirst());
    RunWatch baking = awaitWatch(s, WatchPhase.BAKING);

    // Readings every second for twice the limit: the bake is being evaluated, the run waits.
    Instant until = Instant.now().plusSeconds(12);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              reading(s, baking);
              assertThat(run(s).path("status").asText()).isEqualTo("RUNNING");
              return Instant.now().isAfter(until);
            });

    JsonNode run = awaitStatus(s, "FAILED");
    assertThat(run.path("stopReason").asText())
        .startsWith("BAKE_UNANSWERED: wave 1 (wave 1) could not be promoted: " + SILENCE);
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("waves").path(0).path("status").asText()).isEqualTo("FAILED");
    assertThat(run.path("waves").path(1).path("status").asText()).isEqualTo("CANCELLED");
    awaitTombstone(s);
    assertThat(requestsOf(s)).hasSize(1);
  }

  /** A new tenant with the account registered, the experiment saved, and a run started. */
  private static Started runNow(Map<String, Object> experiment) {
    String tenant = SharedScheduler.newTenant();
    // An AWS account belongs to one tenant (ADR 0007 §7): each tenant here registers its own.
    String account = ApiFixtures.freshAccountId();
    assertThat(
            app.http(tenant, "admin")
                .put(
                    "/api/v1/tenants/" + tenant + "/accounts/" + account,
                    ApiFixtures.account(account))
                .status())
        .isEqualTo(201);
    Http op = app.http(tenant, "operator");
    Http.Response saved =
        op.post(
            "/api/v1/tenants/" + tenant + "/experiments",
            ApiFixtures.inAccount(experiment, ACCOUNT, account));
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
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(run(s).path("status").asText()).isEqualTo(status));
    return run(s);
  }

  private static RunWatch awaitWatch(Started s, WatchPhase phase) {
    return await()
        .atMost(WAIT)
        .until(
            () -> watches.latest(s.tenant(), s.runId()).orElse(null),
            w -> w != null && w.phase() == phase);
  }

  private static void awaitTombstone(Started s) {
    await()
        .atMost(WAIT)
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
    return await().atMost(WAIT).until(() -> requestsOf(s), found -> found.size() == count);
  }

  private static RunEvent awaitVerdict(Started s) {
    return await()
        .atMost(WAIT)
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

  private static void result(Started s, RunEventKind kind, RunWatch watch) {
    publish(event(s, kind, null, watch));
  }

  private static void reading(Started s, RunWatch watch) {
    publish(
        event(
            s,
            RunEventKind.PROBE_READING,
            new ProbeReading(true, null, null, 200, 12L, null),
            watch));
  }

  private static RunEvent event(
      Started s, RunEventKind kind, ProbeReading reading, RunWatch watch) {
    return new RunEvent(
        "ev-" + UUID.randomUUID(),
        TenantId.of(s.tenant()),
        RunId.of(s.runId()),
        kind,
        reading == null ? null : "api-ok",
        reading,
        watch.phase(),
        watch.wave(),
        watch.revision(),
        Instant.now(),
        null,
        null);
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
}
