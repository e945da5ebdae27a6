package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.ExecutorStandIn;
import io.faultline.events.Fixtures;
import io.faultline.events.TopicTap;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.engine.SchedulerProperties;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.state.Target;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.faultline.testsupport.TestKafka;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Promise 8 for the scheduler: poison on every topic it reads (its commands topic, read by the
 * engine; the lifecycle topic, read by the engine and the live event stream) is counted and
 * skipped, and everything after it on the same partitions still works — API writes, a run's
 * timeline, Server-Sent Events, halts.
 */
@ExtendWith(SharedScheduler.class)
class PoisonRecordsIT {
  private static SchedulerInstance app;
  private static TopicTap<FaultRequested> requests;
  private static TopicTap<FaultControl> controls;
  private static ExecutorStandIn executor;
  private static KafkaProducer<String, byte[]> hostile;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
    requests = new TopicTap<>(Topics.FAULT_REQUESTS);
    controls = new TopicTap<>(Topics.FAULT_CONTROLS);
    executor = new ExecutorStandIn();
    // A producer that writes whatever it is given, oversized records included.
    hostile =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                4 * 1024 * 1024),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void stop() {
    requests.close();
    controls.close();
    executor.close();
    hostile.close();
  }

  @Test
  void skipsPoisonOnEveryTopicItReadsAndKeepsRunningHaltingAndStreaming() throws Exception {
    String tenant = SharedScheduler.newTenant();
    String commandsTopic = app.context.getBean(SchedulerProperties.class).commandsTopic();
    String lifecycleTopic = Topics.FAULT_LIFECYCLE.name();
    double commandsBefore = poisonCount(commandsTopic);
    double lifecycleBefore = poisonCount(lifecycleTopic);
    List<String> sse = app.eventStream(tenant);

    int keyedLifecyclePoison = publishLifecyclePoison(tenant);
    // Without a key: no subscriber's tenant, so only the engine reads (and counts) it.
    send(lifecycleTopic, null, "not json".getBytes(StandardCharsets.UTF_8));
    int commandPoison = publishCommandPoison(commandsTopic, tenant);

    // Commands after the poison, on the same partition (tenant key): the API's writes apply.
    Http op = app.http(tenant, "operator");
    Http.Response created =
        op.post(
            "/api/v1/tenants/" + tenant + "/experiments", ApiFixtures.processKill("111111111111"));
    assertThat(created.status()).isEqualTo(201);
    String exp = created.body().path("experimentId").asText();
    String runId =
        op.post("/api/v1/tenants/" + tenant + "/experiments/" + exp + "/runs", null)
            .body()
            .path("runId")
            .asText();
    List<FaultRequested> requested = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              requested.clear();
              requested.addAll(requests.read(r -> r.runId().value().equals(runId)));
              assertThat(requested).hasSize(1);
            });

    // Lifecycle events after the poison, on the same partition: the run's timeline follows them.
    executor.complete(requested.getFirst());
    String path = "/api/v1/tenants/" + tenant + "/runs/" + runId;
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(op.get(path).body().path("status").asText()).isEqualTo("COMPLETED"));
    List<String> stages = new ArrayList<>();
    for (JsonNode entry : op.get(path).body().path("timeline")) {
      stages.add(entry.path("stage").asText());
    }
    assertThat(stages)
        .containsExactly("APPROVED", "STARTED", "INJECTED", "ROLLING_BACK", "COMPLETED");

    // The live stream delivered them, and none of the poison.
    String faultId = requested.getFirst().faultId().value();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(sse)
                    .contains("event:COMPLETED", "id:" + faultId + ":5")
                    .anyMatch(l -> l.startsWith("data:") && l.contains(faultId)));
    assertThat(sse).noneMatch(l -> l.contains("f-poison"));

    // A halt still reaches the controls topic.
    assertThat(
            app.http(tenant, "admin")
                .post("/api/v1/tenants/" + tenant + "/halt", Map.of("reason", "poison drill"))
                .status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(controls.read(c -> c.key().equals("tenant/" + tenant)))
                    .extracting(FaultControl::action)
                    .containsExactly(ControlAction.HALT_TENANT));

    // The engine counted every poison record of both topics; the live stream, reading the
    // subscribed tenant's records, counted those of the lifecycle topic once more, and so did the
    // tenant fan-out (its own Streams application, which may finish a moment later).
    assertThat(poisonCount(commandsTopic) - commandsBefore).isEqualTo(commandPoison);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(poisonCount(lifecycleTopic) - lifecycleBefore)
                    .isEqualTo(
                        (keyedLifecyclePoison + 1)
                            + keyedLifecyclePoison
                            + (keyedLifecyclePoison + 1)));
    // The command hidden behind a null-valued header was not applied.
    assertThat(op.get("/api/v1/tenants/" + tenant + "/runs/run-poison").status()).isEqualTo(404);
  }

  /** Poison on the lifecycle topic keyed by the tenant; returns how many records. */
  private static int publishLifecyclePoison(String tenant) {
    ProducerRecord<String, byte[]> valid = lifecycleEvent(tenant, "f-poison-valid");
    List<ProducerRecord<String, byte[]>> poison = new ArrayList<>();
    // kcat -H content-type (no '='): a null-valued header on an otherwise valid event.
    ProducerRecord<String, byte[]> nullHeader = lifecycleEvent(tenant, "f-poison-null-header");
    poison.add(
        record(
            Topics.FAULT_LIFECYCLE.name(),
            tenant,
            nullHeader.value(),
            with(nullHeader.headers().toArray(), new RecordHeader("content-type", (byte[]) null))));
    // A valid event's data without any header.
    poison.add(record(Topics.FAULT_LIFECYCLE.name(), tenant, valid.value(), new Header[0]));
    poison.add(
        record(
            Topics.FAULT_LIFECYCLE.name(),
            tenant,
            "{\"f-poison\": ".getBytes(StandardCharsets.UTF_8),
            valid.headers().toArray()));
    poison.add(
        record(
            Topics.FAULT_LIFECYCLE.name(),
            tenant,
            oversized(Topics.FAULT_LIFECYCLE.maxEventBytes()),
            valid.headers().toArray()));
    poison.add(
        record(Topics.FAULT_LIFECYCLE.name(), tenant, new byte[0], valid.headers().toArray()));
    poison.add(record(Topics.FAULT_LIFECYCLE.name(), tenant, null, valid.headers().toArray()));
    // The right envelope of another family: a halt, published on the lifecycle topic.
    FaultControl halt =
        new FaultControl(
            "ctl-f-poison",
            ControlAction.HALT_TENANT,
            io.faultline.events.ids.TenantId.of(tenant),
            null,
            null,
            "f-poison",
            "user:mallory",
            Instant.now());
    ProducerRecord<String, byte[]> control =
        EventCodec.standard()
            .encode(
                Topics.FAULT_CONTROLS, FaultlineEvent.of(URI.create("/faultline/mallory"), halt));
    poison.add(
        record(
            Topics.FAULT_LIFECYCLE.name(), tenant, control.value(), control.headers().toArray()));
    poison.forEach(PoisonRecordsIT::send);
    return poison.size();
  }

  /** Poison on the scheduler's commands topic keyed by the tenant; returns how many records. */
  private static int publishCommandPoison(String topic, String tenant) {
    SchedulerCommand hidden =
        SchedulerCommand.of(
                "c-poison", CommandKind.START_RUN, tenant, "run-poison", Instant.now(), "mallory")
            .withExperiment(
                new Experiment(
                    tenant,
                    "e-poison",
                    "hidden",
                    "ec2-process-kill",
                    Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:web"),
                    "f-poison",
                    List.of(),
                    List.of(new Target("111111111111", "eu-west-1")),
                    List.of(),
                    Instant.now(),
                    "mallory",
                    "c-poison"));
    ProducerRecord<String, byte[]> lifecycle = lifecycleEvent(tenant, "f-poison-command");
    List<ProducerRecord<String, byte[]>> poison =
        List.of(
            record(
                topic,
                tenant,
                StateJson.write(hidden),
                new Header[] {new RecordHeader("content-type", (byte[]) null)}),
            record(topic, tenant, "not json".getBytes(StandardCharsets.UTF_8), new Header[0]),
            record(topic, tenant, new byte[0], new Header[0]),
            record(topic, tenant, null, new Header[0]),
            record(
                topic, tenant, oversized(Topics.SCHEDULER_COMMANDS.maxEventBytes()), new Header[0]),
            // A lifecycle event (right envelope, wrong family) on the commands topic.
            record(topic, tenant, lifecycle.value(), lifecycle.headers().toArray()));
    poison.forEach(PoisonRecordsIT::send);
    return poison.size();
  }

  private static ProducerRecord<String, byte[]> lifecycleEvent(String tenant, String faultId) {
    return ExecutorStandIn.record(
        ExecutorStandIn.event(
            Fixtures.aProcessKillRequest(tenant, faultId), LifecycleStage.APPROVED, 1, null));
  }

  /** A JSON-looking value one byte over the topic's event limit. */
  private static byte[] oversized(int maxEventBytes) {
    byte[] value = new byte[maxEventBytes + 1];
    Arrays.fill(value, (byte) ' ');
    value[0] = '{';
    value[value.length - 1] = '}';
    return value;
  }

  private static Header[] with(Header[] headers, Header extra) {
    Header[] all = Arrays.copyOf(headers, headers.length + 1);
    all[headers.length] = extra;
    return all;
  }

  private static ProducerRecord<String, byte[]> record(
      String topic, String key, byte[] value, Header[] headers) {
    return new ProducerRecord<>(topic, null, key, value, Arrays.asList(headers));
  }

  private static void send(String topic, String key, byte[] value) {
    send(new ProducerRecord<>(topic, key, value));
  }

  private static void send(ProducerRecord<String, byte[]> record) {
    try {
      hostile.send(record).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the broker refused a poison record", e.getCause());
    }
  }

  private static double poisonCount(String topic) {
    Counter counter =
        app.context
            .getBean(MeterRegistry.class)
            .find(PoisonRecords.METRIC)
            .tags("topic", topic, "service", "scheduler-service")
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
