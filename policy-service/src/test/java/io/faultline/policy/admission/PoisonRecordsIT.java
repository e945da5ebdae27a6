package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static io.faultline.policy.PolicyExamples.withConcurrency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.client.ConsumerGroupProgress;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.policy.kafka.KafkaClients;
import io.faultline.testsupport.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Promise 8 on a real broker: poison on every topic the service reads never stops a consumer and
 * never blinds a halt. For each topic, a set of records the service cannot read goes first; then,
 * on the same partitions, the tenants' policies, a halt, requests and an executor's terminal event
 * must all still take effect, every poison record is counted once in {@code
 * faultline.poison.records}, and no stream thread died.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonRecordsIT {
  static final byte[] GARBAGE_KEY = {(byte) 0xff, (byte) 0xfe, 0};
  static final AtomicInteger INSTANCES = new AtomicInteger();

  /** Every topic the service reads. */
  enum Input {
    REQUESTS,
    POLICIES,
    CONTROLS,
    LIFECYCLE,
    HEARTBEATS,
    ADMISSION_LOG
  }

  Broker broker = Broker.unique("poison-it");
  String appId = "policy-poison-" + UUID.randomUUID();
  AdmissionTelemetry telemetry =
      new AdmissionTelemetry(OpenTelemetry.noop(), new SimpleMeterRegistry());
  AdmissionPipeline pipeline;
  KafkaProducer<byte[], byte[]> producer;

  @BeforeAll
  void start() throws Exception {
    KafkaClients clients = KafkaClients.plaintext(broker.bootstrap());
    String state = Files.createTempDirectory("policy-poison").toString();
    pipeline =
        new AdmissionPipeline(
            new AdmissionSettings(100, Duration.ofMinutes(5), Duration.ofSeconds(1), broker.prefix),
            telemetry,
            clients,
            StreamsSettings.intake(appId, 1, state, 1),
            StreamsSettings.admission(appId, state, 1),
            null);
    pipeline.start();
    // Room for records larger than the topics' event limit (still within the broker's).
    producer =
        clients.producer(
            Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20, ProducerConfig.ACKS_CONFIG, "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  void stop() {
    producer.close();
    pipeline.close(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @EnumSource(Input.class)
  void poisonIsCountedAndSkippedWhileHaltsPoliciesRequestsAndReleasesStillWork(Input input)
      throws Exception {
    String run = input.name().toLowerCase(Locale.ROOT).replace('_', '-');
    String halted = "halted-" + run;
    String other = "other-" + run;
    String haltedAccount = "2000000000" + String.format("%02d", input.ordinal());
    String otherAccount = "3000000000" + String.format("%02d", input.ordinal());
    String topic = topicOf(input);

    List<ProducerRecord<byte[], byte[]>> poison = poison(input, topic, halted, other);
    for (ProducerRecord<byte[], byte[]> record : poison) {
      producer.send(record).get();
    }

    // Behind the poison, on the same partitions (same keys): policies, a halt, requests.
    broker.send(Topics.TENANT_POLICIES, policy(halted, haltedAccount));
    broker.send(Topics.TENANT_POLICIES, withConcurrency(policy(other, otherAccount), 1, 1));
    broker.send(Topics.FAULT_CONTROLS, halt(halted));
    awaitIntakeConsumed(Topics.TENANT_POLICIES);
    awaitIntakeConsumed(Topics.FAULT_CONTROLS);
    broker.send(
        Topics.FAULT_REQUESTS, processKill(halted, halted + "-f", haltedAccount, instance()));
    broker.send(Topics.FAULT_REQUESTS, processKill(other, other + "-f1", otherAccount, instance()));

    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
      consumer.subscribe(List.of(broker.topic(Topics.FAULT_LIFECYCLE)));
      List<FaultLifecycleEvent> decisions = new ArrayList<>();
      awaitDecisions(consumer, decisions, 2, halted, other);
      assertThat(decisionOf(decisions, halted, halted + "-f"))
          .satisfies(e -> assertThat(e.stage()).isEqualTo(LifecycleStage.REJECTED))
          .satisfies(
              e ->
                  assertThat(e.rules())
                      .anySatisfy(r -> assertThat(r.code()).isEqualTo(RuleCode.TENANT_HALTED)));
      assertThat(decisionOf(decisions, other, other + "-f1").stage())
          .isEqualTo(LifecycleStage.APPROVED);

      // The executor ends f-1: with at most one active fault, f-2 is approved only if the
      // lifecycle reader released f-1's lease.
      broker.send(
          Topics.FAULT_LIFECYCLE,
          AdmissionDriver.executorEvent(
              other, other + "-f1", LifecycleStage.COMPLETED, 6, Instant.now()));
      awaitIntakeConsumed(Topics.FAULT_LIFECYCLE);
      broker.send(
          Topics.FAULT_REQUESTS, processKill(other, other + "-f2", otherAccount, instance()));
      awaitDecisions(consumer, decisions, 3, halted, other);
      assertThat(decisionOf(decisions, other, other + "-f2").stage())
          .isEqualTo(LifecycleStage.APPROVED);
    }

    // Every reader got past its poison, and each poison record was counted once.
    awaitConsumed(input == Input.ADMISSION_LOG ? appId : intakeGroup(), topic, partitions(input));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(telemetry.poison().count(topic)).isEqualTo(poison.size()));
    if (input == Input.REQUESTS) {
      assertDeadLettered(topic, 4);
    }
    assertThat(pipeline.threadFailures()).isZero();
    assertThat(pipeline.up()).isTrue();
    assertThat(telemetry.liveness().states())
        .containsEntry(AdmissionPipeline.INTAKE, "running")
        .containsEntry(AdmissionPipeline.ADMISSION, "running");
  }

  /**
   * What each topic must survive. Catalogue topics: a header without a value (as {@code kcat -H
   * content-type} sends it), no headers at all, a value that is not JSON, a value over the topic's
   * event limit, a well-formed event of another family, an empty value, a key that is not UTF-8.
   * The admission log (internal, no headers read): what intake never writes.
   */
  private List<ProducerRecord<byte[], byte[]>> poison(
      Input input, String topic, String halted, String other) {
    if (input == Input.ADMISSION_LOG) {
      // Keyed by tenant, as intake writes: the poison sits on the partition of the checks behind
      // it.
      byte[] key = other.getBytes(StandardCharsets.UTF_8);
      Headers nullHeader = new RecordHeaders(new Header[] {new RecordHeader("content-type", null)});
      return List.of(
          new ProducerRecord<>(topic, null, key, utf8("{\"kind\":\"halt\""), nullHeader),
          new ProducerRecord<>(topic, key, utf8("not json")),
          new ProducerRecord<>(topic, key, new byte[0]),
          new ProducerRecord<>(topic, key, null),
          new ProducerRecord<>(topic, key, utf8("{\"kind\":\"launch\",\"scope\":\"platform\"}")),
          new ProducerRecord<>(topic, key, utf8("{\"kind\":\"decide\"}")),
          new ProducerRecord<>(
              topic,
              key,
              EventCodec.standard()
                  .toJson(processKill(other, "f-log", "300000000000", "i-0000000000000fff"))),
          new ProducerRecord<>(
              topic, GARBAGE_KEY, utf8("{\"kind\":\"halt\",\"scope\":null,\"halted\":true}")));
    }
    // A valid event the topic carries: if any variant below were accepted as it, the checks after
    // the poison would fail (a halt of the tenant that must be approved, a foreign policy).
    ProducerRecord<String, byte[]> valid =
        switch (input) {
          case REQUESTS ->
              encode(
                  Topics.FAULT_REQUESTS,
                  processKill(halted, "f-poison", "200000000000", "i-0000000000000eee"));
          case POLICIES -> encode(Topics.TENANT_POLICIES, policy(other, "999999999999"));
          case CONTROLS -> encode(Topics.FAULT_CONTROLS, halt(other));
          case LIFECYCLE ->
              encode(
                  Topics.FAULT_LIFECYCLE,
                  AdmissionDriver.executorEvent(
                      other, other + "-f1", LifecycleStage.COMPLETED, 2, Instant.now()));
          case HEARTBEATS ->
              encode(
                  Topics.EXECUTOR_HEARTBEATS,
                  new ExecutorHeartbeat(
                      "ex-poison",
                      Instant.now(),
                      1,
                      1,
                      List.of(
                          new ExecutorHeartbeat.RunningFault(
                              TenantId.of(other), FaultId.of(other + "-f1"), null, 0, "HOLDING"))));
          case ADMISSION_LOG -> throw new IllegalStateException();
        };
    ProducerRecord<String, byte[]> otherFamily =
        input == Input.REQUESTS || input == Input.CONTROLS
            ? encode(Topics.TENANT_POLICIES, policy(halted, "200000000000"))
            : encode(
                Topics.FAULT_REQUESTS,
                processKill(halted, "f-family", "200000000000", "i-0000000000000ddd"));
    byte[] key = utf8(valid.key());
    Headers headers = valid.headers();
    Headers nullHeader = new RecordHeaders(headers.toArray());
    nullHeader.add(new RecordHeader("content-type", null));
    Headers nullType = new RecordHeaders(headers.toArray());
    nullType.add(new RecordHeader("ce_type", null));
    byte[] oversized = new byte[topicFor(input).maxEventBytes() + 1];
    Arrays.fill(oversized, (byte) 'x');
    return List.of(
        new ProducerRecord<>(topic, null, key, valid.value(), nullHeader),
        new ProducerRecord<>(topic, null, key, valid.value(), nullType),
        new ProducerRecord<>(topic, key, valid.value()),
        new ProducerRecord<>(topic, null, key, utf8("{\"tenantId\": "), headers),
        new ProducerRecord<>(topic, null, key, oversized, headers),
        new ProducerRecord<>(
            topic, null, utf8(otherFamily.key()), otherFamily.value(), otherFamily.headers()),
        new ProducerRecord<>(topic, null, key, new byte[0], headers),
        new ProducerRecord<>(topic, null, GARBAGE_KEY, valid.value(), headers));
  }

  private String topicOf(Input input) {
    return input == Input.ADMISSION_LOG
        ? broker.prefix + AdmissionSettings.ADMISSION_LOG
        : broker.topic(topicFor(input));
  }

  private static Topic<?> topicFor(Input input) {
    return switch (input) {
      case REQUESTS -> Topics.FAULT_REQUESTS;
      case POLICIES -> Topics.TENANT_POLICIES;
      case CONTROLS -> Topics.FAULT_CONTROLS;
      case HEARTBEATS -> Topics.EXECUTOR_HEARTBEATS;
      case LIFECYCLE, ADMISSION_LOG -> Topics.FAULT_LIFECYCLE;
    };
  }

  private static int partitions(Input input) {
    return input == Input.ADMISSION_LOG
        ? AdmissionSettings.DEFAULT_ADMISSION_PARTITIONS
        : topicFor(input).partitions();
  }

  private <T> ProducerRecord<String, byte[]> encode(Topic<T> topic, T data) {
    return EventCodec.standard().encode(topic, FaultlineEvent.of(Broker.TEST_SOURCE, data));
  }

  private static FaultControl halt(String tenant) {
    return new FaultControl(
        UUID.randomUUID().toString(),
        ControlAction.HALT_TENANT,
        TenantId.of(tenant),
        null,
        null,
        "poison test",
        "user:test",
        Instant.now());
  }

  private static String instance() {
    return String.format("i-%017x", 0xa00 + INSTANCES.incrementAndGet());
  }

  private String intakeGroup() {
    return StreamsSettings.intakeApplicationId(appId);
  }

  private void awaitIntakeConsumed(Topic<?> topic) {
    awaitConsumed(intakeGroup(), broker.topic(topic), topic.partitions());
  }

  /** Waits until {@code group} has committed past everything now on {@code topic}. */
  private static void awaitConsumed(String group, String topic, int partitions) {
    try (Admin admin = TestKafka.admin()) {
      Map<TopicPartition, Long> ends = ConsumerGroupProgress.endOffsets(admin, topic, partitions);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ConsumerGroupProgress.hasCommittedUpTo(admin, group, ends));
    }
  }

  private void awaitDecisions(
      KafkaConsumer<String, byte[]> consumer,
      List<FaultLifecycleEvent> decisions,
      int count,
      String... tenants) {
    List<String> wanted = List.of(tenants);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                // The lifecycle topic also holds this test's poison, keyed by the same tenants.
                decision(r)
                    .filter(e -> wanted.contains(e.tenantId().value()))
                    .filter(e -> e.faultId().value().matches(".*-f(1|2)?"))
                    .ifPresent(decisions::add);
              }
              return decisions.size() >= count;
            });
  }

  private static Optional<FaultLifecycleEvent> decision(ConsumerRecord<String, byte[]> record) {
    try {
      FaultLifecycleEvent event =
          EventCodec.standard()
              .decode(Topics.FAULT_LIFECYCLE, record.key(), record.headers(), record.value())
              .data();
      return Optional.of(event).filter(e -> e.producer().equals(AdmissionTopology.PRODUCER));
    } catch (ContractViolationException e) {
      return Optional.empty();
    }
  }

  private static FaultLifecycleEvent decisionOf(
      List<FaultLifecycleEvent> decisions, String tenant, String faultId) {
    return decisions.stream()
        .filter(e -> e.tenantId().value().equals(tenant) && e.faultId().value().equals(faultId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no decision for " + tenant + "/" + faultId));
  }

  /** Requests nothing could be read from are on the dead-letter topic, with their offsets. */
  private void assertDeadLettered(String topic, int expected) {
    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
      consumer.subscribe(List.of(broker.topic(Topics.DEAD_LETTERS)));
      List<ConsumerRecord<String, byte[]>> letters =
          Broker.pollUntil(consumer, r -> r.size() >= expected, Duration.ofSeconds(30));
      assertThat(letters)
          .hasSize(expected)
          .allSatisfy(
              r -> {
                assertThat(
                        new String(
                            r.headers().lastHeader("faultline.error.topic").value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo(topic);
                assertThat(r.headers().lastHeader("faultline.error.offset")).isNotNull();
              });
    }
  }

  private static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }
}
