package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.PROTECTED_INSTANCE;
import static io.faultline.policy.PolicyExamples.httpResetByTag;
import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.claims.TargetsGranted;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.policy.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admission topology on a real broker with exactly_once_v2. */
class AdmissionStreamsIT {
  static final String A = "111111111111";

  Broker broker = Broker.unique("streams-it");
  String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  String appId = "policy-it-" + UUID.randomUUID();
  AdmissionPipeline pipeline;

  @BeforeEach
  void start() throws Exception {
    pipeline = pipeline(broker, appId, Duration.ofMillis(500));
    pipeline.start();
  }

  @AfterEach
  void stop() {
    pipeline.close(Duration.ofSeconds(10));
  }

  @Test
  void decidesOnARealBrokerOncePerFaultAndReleasesOnTerminalEvents() {
    broker.send(Topics.TENANT_POLICIES, policy(tenant, A));
    broker.awaitConsumed(StreamsSettings.intakeApplicationId(appId), Topics.TENANT_POLICIES);
    try (KafkaProducer<String, byte[]> producer = broker.producer()) {
      producer.send(
          broker.record(
              Topics.FAULT_REQUESTS, processKill(tenant, "f-1", A, "i-00000000000000001")));
      producer.send(
          broker.record(
              Topics.FAULT_REQUESTS, processKill(tenant, "f-1", A, "i-00000000000000001")));
      producer.send(
          broker.record(Topics.FAULT_REQUESTS, processKill(tenant, "f-2", A, PROTECTED_INSTANCE)));
      producer.send(
          broker.record(
              Topics.FAULT_REQUESTS, processKill(tenant, "f-3", A, "i-00000000000000001")));
      producer.send(
          new ProducerRecord<>(
              broker.topic(Topics.FAULT_REQUESTS),
              tenant,
              "garbage".getBytes(StandardCharsets.UTF_8)));
    }

    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
      consumer.subscribe(
          List.of(
              broker.topic(Topics.FAULT_LIFECYCLE),
              broker.topic(Topics.FAULT_APPROVALS),
              broker.topic(Topics.DEAD_LETTERS)));
      List<ConsumerRecord<String, byte[]>> records =
          Broker.pollUntil(consumer, r -> r.size() >= 5, Duration.ofSeconds(60));
      List<FaultLifecycleEvent> decisions = lifecycle(records);
      assertThat(decisions)
          .extracting(e -> e.faultId().value() + ":" + e.stage())
          .containsExactly("f-1:APPROVED", "f-2:REJECTED", "f-3:REJECTED");
      assertThat(decisions.get(1).rules())
          .anySatisfy(r -> assertThat(r.code()).isEqualTo(RuleCode.PROTECTED_TARGET));
      assertThat(decisions.get(2).rules())
          .anySatisfy(r -> assertThat(r.code()).isEqualTo(RuleCode.TARGET_BUSY));
      List<FaultApproved> approvals =
          records.stream()
              .filter(r -> r.topic().equals(broker.topic(Topics.FAULT_APPROVALS)))
              .map(
                  r ->
                      EventCodec.standard()
                          .decode(Topics.FAULT_APPROVALS, r.key(), r.headers(), r.value())
                          .data())
              .toList();
      assertThat(approvals).extracting(a -> a.faultId().value()).containsExactly("f-1");
      assertThat(records)
          .filteredOn(r -> r.topic().equals(broker.topic(Topics.DEAD_LETTERS)))
          .singleElement()
          .satisfies(r -> assertThat(r.headers().lastHeader("faultline.error.reason")).isNotNull());

      broker.send(
          Topics.FAULT_LIFECYCLE,
          AdmissionDriver.executorEvent(tenant, "f-1", LifecycleStage.COMPLETED, 6, Instant.now()));
      broker.send(Topics.FAULT_REQUESTS, processKill(tenant, "f-4", A, "i-00000000000000001"));
      List<ConsumerRecord<String, byte[]>> more =
          Broker.pollUntil(
              consumer,
              r -> lifecycle(r).stream().anyMatch(e -> e.faultId().value().equals("f-4")),
              Duration.ofSeconds(60));
      assertThat(lifecycle(more))
          .filteredOn(e -> e.faultId().value().equals("f-4"))
          .singleElement()
          .satisfies(e -> assertThat(e.stage()).isEqualTo(LifecycleStage.APPROVED));
    }
  }

  /**
   * Target claims over the real broker: the overlap is refused, and each claim → grant round trip
   * (intake's and admission's exactly-once commits) is timed — the claim's share of request → first
   * SendCommand (issue 16, P2), printed as one line.
   */
  @Test
  void grantsTargetClaimsOnARealBrokerAndTimesTheRoundTrip() {
    broker.send(Topics.TENANT_POLICIES, policy(tenant, A));
    broker.awaitConsumed(StreamsSettings.intakeApplicationId(appId), Topics.TENANT_POLICIES);
    broker.send(Topics.FAULT_REQUESTS, httpResetByTag(tenant, "f-a", A, "team:checkout", 10));
    broker.send(Topics.FAULT_REQUESTS, httpResetByTag(tenant, "f-b", A, "tier:web", 10));
    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer();
        KafkaProducer<String, byte[]> producer = broker.producer()) {
      consumer.subscribe(
          List.of(broker.topic(Topics.FAULT_APPROVALS), broker.topic(Topics.TARGET_GRANTS)));
      Broker.pollUntil(consumer, r -> r.size() >= 2, Duration.ofSeconds(60));

      assertThat(claim(consumer, producer, "f-a", "c-a", I1, I2).granted()).containsExactly(I1, I2);
      TargetsGranted second = claim(consumer, producer, "f-b", "c-b", I2, I3);
      assertThat(second.granted()).containsExactly(I3);
      assertThat(second.busy()).containsExactly(I2);

      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long started = System.nanoTime();
        assertThat(claim(consumer, producer, "f-a", "c-a-" + i, I1, I2).granted())
            .containsExactly(I1, I2);
        millis.add(Duration.ofNanos(System.nanoTime() - started).toMillis());
      }
      Collections.sort(millis);
      System.out.printf(
          "target claim -> grant round trip over the broker, 20 claims: p50 %d ms, max %d ms%n",
          millis.get(millis.size() / 2), millis.getLast());
    }
  }

  static final String I1 = "i-0000000000000001a";
  static final String I2 = "i-0000000000000002a";
  static final String I3 = "i-0000000000000003a";

  private TargetsGranted claim(
      KafkaConsumer<String, byte[]> consumer,
      KafkaProducer<String, byte[]> producer,
      String fault,
      String claimId,
      String... instances) {
    producer.send(
        broker.record(
            Topics.TARGET_CLAIMS,
            new TargetsClaimed(
                TenantId.of(tenant),
                FaultId.of(fault),
                AccountId.of(A),
                AwsRegion.of("eu-west-1"),
                claimId,
                "executor-1",
                List.of(instances),
                Instant.now())));
    producer.flush();
    List<ConsumerRecord<String, byte[]>> records =
        Broker.pollUntil(
            consumer,
            r ->
                r.stream()
                    .anyMatch(x -> grant(x).filter(g -> g.claimId().equals(claimId)).isPresent()),
            Duration.ofSeconds(60));
    return records.stream()
        .map(this::grant)
        .flatMap(java.util.Optional::stream)
        .filter(g -> g.claimId().equals(claimId))
        .findFirst()
        .orElseThrow();
  }

  private java.util.Optional<TargetsGranted> grant(ConsumerRecord<String, byte[]> record) {
    if (!record.topic().equals(broker.topic(Topics.TARGET_GRANTS))) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        EventCodec.standard()
            .decode(Topics.TARGET_GRANTS, record.key(), record.headers(), record.value())
            .data());
  }

  @Test
  void deletesTheAdmissionLogRecordsAdmissionHasCommittedPast() {
    broker.send(Topics.TENANT_POLICIES, policy(tenant, A));
    broker.send(Topics.FAULT_REQUESTS, processKill(tenant, "f-1", A, "i-00000000000000001"));
    TopicPartition admissionLog =
        new TopicPartition(
            broker.prefix + AdmissionSettings.ADMISSION_LOG,
            AdmissionLog.partitionOf(tenant, AdmissionSettings.DEFAULT_ADMISSION_PARTITIONS));
    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
      // Two commands (the policy, the request) were written; once admission commits past them,
      // the purge moves the log's start offset to admission's committed offset.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> consumer.beginningOffsets(List.of(admissionLog)).get(admissionLog) >= 2);
      assertThat(consumer.endOffsets(List.of(admissionLog)).get(admissionLog))
          .isGreaterThanOrEqualTo(
              consumer.beginningOffsets(List.of(admissionLog)).get(admissionLog));
    }
  }

  @Test
  void refusesToStartOnAnAdmissionLogWithOtherPartitionsThanTheRequestsTopic() throws Exception {
    Broker other = Broker.unique("streams-it-split");
    io.faultline.testsupport.TestKafka.createTopics(
        List.of(
            new org.apache.kafka.clients.admin.NewTopic(
                other.prefix + AdmissionSettings.ADMISSION_LOG, 2, (short) 1)));
    AdmissionPipeline split = pipeline(other, "policy-split", null);
    try {
      assertThatThrownBy(split::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(
              "has 2 partitions; admission needs exactly 12, as many as the requests topic");
    } finally {
      split.close(Duration.ofSeconds(5));
    }
  }

  /** Intake and admission on {@code broker}'s namespace, one intake thread, a fresh state dir. */
  private static AdmissionPipeline pipeline(Broker broker, String appId, Duration purgeInterval)
      throws java.io.IOException {
    String state = Files.createTempDirectory("policy-it").toString();
    return new AdmissionPipeline(
        new AdmissionSettings(100, Duration.ofMinutes(5), Duration.ofSeconds(1), broker.prefix),
        AdmissionTelemetry.none(),
        KafkaClients.plaintext(broker.bootstrap()),
        StreamsSettings.intake(appId, 1, state, 1),
        StreamsSettings.admission(appId, state, 1),
        purgeInterval);
  }

  private List<FaultLifecycleEvent> lifecycle(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream()
        .filter(r -> r.topic().equals(broker.topic(Topics.FAULT_LIFECYCLE)))
        .map(
            r ->
                EventCodec.standard()
                    .decode(Topics.FAULT_LIFECYCLE, r.key(), r.headers(), r.value())
                    .data())
        .filter(e -> e.producer().equals("policy-service"))
        .toList();
  }
}
