package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.events.client.ConsumerGroupProgress;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.policy.kafka.KafkaClients;
import io.faultline.testsupport.TestKafka;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.StreamsResetter;
import org.apache.kafka.tools.TopicCommand;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's upgrade from one admission partition to twelve (ADR 0012), run with the Kafka tools
 * its three commands name ({@code kafka-topics.sh}, {@code kafka-streams-application-reset.sh},
 * {@code kafka-consumer-groups.sh} are these classes' launchers), on a real broker left as the
 * one-partition version leaves it: a one-partition admission log and admission changelogs, intake's
 * group committed past a policy and a request.
 */
class UpgradeDrainIT {
  static final String A = "111111111111";
  static final String B = "222222222222";

  /** The stores of the one-partition version; each had a one-partition changelog. */
  static final List<String> OLD_STORES =
      List.of(
          AdmissionTopology.POLICIES_STORE,
          AdmissionTopology.HALTS_STORE,
          AdmissionTopology.DECISIONS_STORE,
          AdmissionTopology.LEASES_STORE,
          AdmissionTopology.COOLDOWNS_STORE);

  Broker broker = Broker.unique("drain-it");
  String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  String appId = "faultline-policy-" + UUID.randomUUID().toString().substring(0, 8);
  List<AdmissionPipeline> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(p -> p.close(Duration.ofSeconds(10)));
    Exit.resetExitProcedure();
  }

  @Test
  void theDocumentedDrainMovesAOnePartitionPlatformToTwelveAdmissionPartitions() throws Exception {
    String admissionLog = broker.prefix + AdmissionSettings.ADMISSION_LOG;
    List<NewTopic> oldLayout = new ArrayList<>();
    oldLayout.add(new NewTopic(admissionLog, 1, (short) 1));
    OLD_STORES.forEach(
        store -> oldLayout.add(new NewTopic(appId + "-" + store + "-changelog", 1, (short) 1)));
    TestKafka.createTopics(oldLayout);
    // Before the drain: a tenant's policy, one request and the drain's platform halt, all read by
    // the old intake.
    broker.send(Topics.TENANT_POLICIES, policy(tenant, A));
    broker.send(Topics.FAULT_REQUESTS, processKill(tenant, "f-before", A, "i-00000000000000001"));
    broker.send(Topics.FAULT_CONTROLS, platform(ControlAction.HALT_PLATFORM));
    commitEnds(
        StreamsSettings.intakeApplicationId(appId),
        Map.of(
            broker.topic(Topics.TENANT_POLICIES), Topics.TENANT_POLICIES.partitions(),
            broker.topic(Topics.FAULT_CONTROLS), Topics.FAULT_CONTROLS.partitions(),
            broker.topic(Topics.FAULT_REQUESTS), Topics.FAULT_REQUESTS.partitions()));
    commitEnds(appId, Map.of(admissionLog, 1));

    AdmissionPipeline refused = pipeline();
    assertThatThrownBy(refused::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has 1 partitions; admission needs exactly 12")
        .hasMessageContaining("drain the platform");

    // The README's three commands, each as its launcher runs it.
    assertThat(
            tool(
                () ->
                    TopicCommand.main(
                        "--bootstrap-server",
                        TestKafka.bootstrapServers(),
                        "--delete",
                        "--topic",
                        admissionLog)))
        .isZero();
    try (Admin admin = TestKafka.admin()) {
      // Deleting is asynchronous: the operator deploys once the topic is gone.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !admin.listTopics().names().get().contains(admissionLog));
    }
    assertThat(
            new StreamsResetter()
                .execute(
                    new String[] {
                      "--bootstrap-server", TestKafka.bootstrapServers(), "--application-id", appId
                    }))
        .isZero();
    assertThat(
            tool(
                () ->
                    ConsumerGroupCommand.main(
                        new String[] {
                          "--bootstrap-server",
                          TestKafka.bootstrapServers(),
                          "--group",
                          StreamsSettings.intakeApplicationId(appId),
                          "--reset-offsets",
                          "--to-earliest",
                          "--topic",
                          broker.topic(Topics.TENANT_POLICIES),
                          "--topic",
                          broker.topic(Topics.FAULT_CONTROLS),
                          "--execute"
                        })))
        .isZero();
    // Published by another platform while the service is down: read after the reset together
    // with the policy and the halt read again, in no fixed order.
    broker.send(Topics.FAULT_REQUESTS, processKill(tenant, "f-waiting", A, "i-00000000000000003"));

    AdmissionPipeline upgraded = pipeline();
    upgraded.start();
    try (Admin admin = TestKafka.admin()) {
      assertThat(
              admin
                  .describeTopics(List.of(admissionLog))
                  .allTopicNames()
                  .get()
                  .get(admissionLog)
                  .partitions())
          .hasSize(Topics.FAULT_REQUESTS.partitions());
    }
    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
      consumer.subscribe(List.of(broker.topic(Topics.FAULT_LIFECYCLE)));
      List<FaultLifecycleEvent> decisions = new ArrayList<>();
      // start-halted: whichever the waiting request met first (its policy, the halt, neither), its
      // partition started on empty stores and counted the platform as halted.
      decisions.addAll(awaitDecision(consumer, "f-waiting"));
      assertThat(decisions).singleElement().satisfies(UpgradeDrainIT::refusedAsHalted);

      // As the operator does before resuming: intake has read every policy again (its group's lag
      // on the policies topic is 0), else a request could be refused UNKNOWN_TENANT.
      awaitCaughtUp(
          StreamsSettings.intakeApplicationId(appId),
          broker.topic(Topics.TENANT_POLICIES),
          Topics.TENANT_POLICIES.partitions());
      broker.send(Topics.FAULT_CONTROLS, platform(ControlAction.RESUME_PLATFORM));
      broker.awaitConsumed(StreamsSettings.intakeApplicationId(appId), Topics.FAULT_CONTROLS);
      // The policy read again decides a new request; the request read before the upgrade is not
      // decided again.
      broker.send(Topics.FAULT_REQUESTS, processKill(tenant, "f-after", A, "i-00000000000000002"));
      decisions.addAll(awaitDecision(consumer, "f-after"));

      // Restarted on empty local state, admission restores its stores: no partition is fresh
      // again, not even one none of whose tenants had acted (it held only the start mark).
      upgraded.close(Duration.ofSeconds(10));
      pipeline().start();
      broker.send(
          Topics.FAULT_REQUESTS, processKill(tenant, "f-restarted", A, "i-00000000000000004"));
      decisions.addAll(awaitDecision(consumer, "f-restarted"));
      String newcomer = tenantOnAnotherPartition();
      broker.send(Topics.TENANT_POLICIES, policy(newcomer, B));
      broker.awaitConsumed(StreamsSettings.intakeApplicationId(appId), Topics.TENANT_POLICIES);
      broker.send(
          Topics.FAULT_REQUESTS, processKill(newcomer, "f-newcomer", B, "i-00000000000000005"));
      decisions.addAll(awaitDecision(consumer, "f-newcomer"));
      assertThat(decisions)
          .extracting(e -> e.faultId().value() + ":" + e.stage())
          .containsExactly(
              "f-waiting:REJECTED",
              "f-after:APPROVED",
              "f-restarted:APPROVED",
              "f-newcomer:APPROVED");
    }
  }

  /** A tenant whose admission partition is not {@link #tenant}'s. */
  private String tenantOnAnotherPartition() {
    int partitions = AdmissionSettings.DEFAULT_ADMISSION_PARTITIONS;
    while (true) {
      String candidate = "t-" + UUID.randomUUID().toString().substring(0, 8);
      if (AdmissionLog.partitionOf(candidate, partitions)
          != AdmissionLog.partitionOf(tenant, partitions)) {
        return candidate;
      }
    }
  }

  private static void refusedAsHalted(FaultLifecycleEvent event) {
    assertThat(event.stage()).isEqualTo(LifecycleStage.REJECTED);
    assertThat(event.rules())
        .filteredOn(r -> !r.passed())
        .extracting(RuleOutcome::code)
        .contains(RuleCode.PLATFORM_HALTED);
  }

  /** The policy's decisions read until one of {@code faultId} is among them. */
  private static List<FaultLifecycleEvent> awaitDecision(
      KafkaConsumer<String, byte[]> consumer, String faultId) {
    return lifecycle(
        Broker.pollUntil(
            consumer,
            r -> lifecycle(r).stream().anyMatch(e -> e.faultId().value().equals(faultId)),
            Duration.ofSeconds(90)));
  }

  private static FaultControl platform(ControlAction action) {
    return new FaultControl(
        UUID.randomUUID().toString(),
        action,
        null,
        null,
        null,
        "upgrade drain",
        "user:test",
        Instant.now());
  }

  /** Waits until {@code group} has committed every partition of {@code topic} up to its end. */
  private static void awaitCaughtUp(String group, String topic, int partitions) {
    try (Admin admin = TestKafka.admin()) {
      Map<TopicPartition, Long> ends = ConsumerGroupProgress.endOffsets(admin, topic, partitions);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ConsumerGroupProgress.hasCommittedUpTo(admin, group, ends));
    }
  }

  /**
   * Runs a tool's {@code main} and answers the exit code it chose first: a tool calls {@code
   * Exit.exit} where its launcher would end the process (some call it again on the way out, after
   * this harness's exception unwinds them).
   */
  private static int tool(Runnable main) {
    java.util.concurrent.atomic.AtomicReference<Integer> first =
        new java.util.concurrent.atomic.AtomicReference<>();
    Exit.setExitProcedure(
        (code, message) -> {
          first.compareAndSet(null, code);
          throw new ToolExit();
        });
    try {
      main.run();
    } catch (ToolExit exit) {
      // the process would have ended here
    } finally {
      Exit.resetExitProcedure();
    }
    return first.get() == null ? 0 : first.get();
  }

  private static final class ToolExit extends RuntimeException {
    ToolExit() {
      super("the tool exits", null, false, false);
    }
  }

  /** Commits, as group {@code groupId}, the end of every partition of these topics. */
  private void commitEnds(String groupId, Map<String, Integer> partitionsByTopic) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                groupId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      partitionsByTopic.forEach(
          (topic, count) ->
              IntStream.range(0, count).forEach(p -> partitions.add(new TopicPartition(topic, p))));
      Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
      consumer
          .endOffsets(partitions)
          .forEach((partition, end) -> ends.put(partition, new OffsetAndMetadata(end)));
      consumer.commitSync(ends);
    }
  }

  private AdmissionPipeline pipeline() throws java.io.IOException {
    String state = Files.createTempDirectory("policy-drain-it").toString();
    AdmissionPipeline pipeline =
        new AdmissionPipeline(
            new AdmissionSettings(100, Duration.ofMinutes(5), Duration.ofSeconds(1), broker.prefix)
                .withStartHalted(true),
            AdmissionTelemetry.none(),
            KafkaClients.plaintext(broker.bootstrap()),
            StreamsSettings.intake(appId, 1, state, 1),
            StreamsSettings.admission(appId, state, 1),
            null);
    started.add(pipeline);
    return pipeline;
  }

  private static List<FaultLifecycleEvent> lifecycle(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream()
        .map(
            r ->
                EventCodec.standard()
                    .decode(Topics.FAULT_LIFECYCLE, r.key(), r.headers(), r.value())
                    .data())
        .filter(e -> e.producer().equals("policy-service"))
        .toList();
  }
}
