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

/**
 * A scheduler's runs with the test playing the executors (ADR 0010): it starts runs through the
 * API, reads the watches the scheduler writes and the faults it requests, answers with run events
 * on the run-events topic and with lifecycle events through an {@link ExecutorStandIn}. Closing it
 * closes its clients, not the scheduler.
 */
final class RunHarness implements AutoCloseable {
  /** The account the experiments name; {@link #runNow} moves each run to an account of its own. */
  static final String ACCOUNT = "111111111111";

  private static final URI EXECUTOR = URI.create("/faultline/executor-service");

  /** A run started for a new tenant, and its operator's API client. */
  record Started(String tenant, Http op, String runId) {
    String path() {
      return "/api/v1/tenants/" + tenant + "/runs/" + runId;
    }
  }

  private final SchedulerInstance app;
  private final Duration wait;
  private final TopicTap<FaultRequested> requests;
  private final TopicTap<RunEvent> runEvents;
  private final RunWatchTap watches;
  private final ExecutorStandIn executor;
  private final KafkaProducer<String, byte[]> producer;

  /**
   * @param wait how long each await waits for the scheduler
   */
  RunHarness(SchedulerInstance app, Duration wait) {
    this.app = app;
    this.wait = wait;
    this.requests = new TopicTap<>(Topics.FAULT_REQUESTS);
    this.runEvents = new TopicTap<>(Topics.RUN_EVENTS);
    this.watches = new RunWatchTap();
    this.executor = new ExecutorStandIn();
    this.producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
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

  ExecutorStandIn executor() {
    return executor;
  }

  TopicTap<RunEvent> runEvents() {
    return runEvents;
  }

  RunWatchTap watches() {
    return watches;
  }

  /** A new tenant with the account registered, the experiment saved, and a run started. */
  Started runNow(Map<String, Object> experiment) {
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

  JsonNode run(Started s) {
    return s.op().get(s.path()).body();
  }

  JsonNode awaitStatus(Started s, String status) {
    await()
        .atMost(wait)
        .untilAsserted(() -> assertThat(run(s).path("status").asText()).isEqualTo(status));
    return run(s);
  }

  /** Waits for the watch the scheduler writes in {@code phase}, and returns it. */
  RunWatch awaitWatch(Started s, WatchPhase phase) {
    return await()
        .atMost(wait)
        .until(
            () -> watches.latest(s.tenant(), s.runId()).orElse(null),
            w -> w != null && w.phase() == phase);
  }

  void awaitTombstone(Started s) {
    await()
        .atMost(wait)
        .untilAsserted(
            () -> {
              List<Optional<RunWatch>> written = watches.of(s.tenant(), s.runId());
              assertThat(written).isNotEmpty();
              assertThat(written.getLast()).isEmpty();
            });
  }

  List<FaultRequested> requestsOf(Started s) {
    return requests.read(r -> r.runId() != null && r.runId().value().equals(s.runId()));
  }

  List<FaultRequested> awaitRequests(Started s, int count) {
    return await().atMost(wait).until(() -> requestsOf(s), found -> found.size() == count);
  }

  /** Nothing more is requested for the run for a while. */
  void assertRequestsStay(Started s, int count) {
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(10))
        .until(() -> requestsOf(s).size() == count);
  }

  RunEvent awaitVerdict(Started s) {
    return await()
        .atMost(wait)
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

  /** A result (held, failed, breach) for the watch's revision {@code revision}. */
  void result(Started s, RunEventKind kind, RunWatch watch, long revision, String probe) {
    ProbeReading reading =
        kind == RunEventKind.STOP_CONDITION_BREACHED || probe != null
            ? ProbeReading.ofState(false, "ALARM")
            : null;
    publish(event(s, kind, probe, reading, watch, revision));
  }

  void result(Started s, RunEventKind kind, RunWatch watch) {
    result(s, kind, watch, watch.revision(), null);
  }

  void reading(Started s, RunWatch watch, String probe, boolean ok) {
    publish(
        event(
            s,
            RunEventKind.PROBE_READING,
            probe,
            new ProbeReading(ok, null, null, ok ? 200 : 503, 12L, ok ? null : "status 503"),
            watch,
            watch.revision()));
  }

  private static RunEvent event(
      Started s,
      RunEventKind kind,
      String probe,
      ProbeReading reading,
      RunWatch watch,
      long revision) {
    return new RunEvent(
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
        null);
  }

  /** Publishes a run event as the watching executor would, once the broker has it. */
  void publish(RunEvent event) {
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

  @Override
  public void close() {
    requests.close();
    runEvents.close();
    watches.close();
    executor.close();
    producer.close();
  }
}
