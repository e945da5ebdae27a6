package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.events.client.ConsumerGroupProgress;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.topics.Topics;
import io.faultline.policy.kafka.KafkaClients;
import io.faultline.testsupport.TestKafka;
import java.nio.file.Files;
import java.time.Duration;
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
    // Before the drain: a tenant's policy and one request, both read by the old intake.
    broker.send(Topics.TENANT_POLICIES, policy(tenant, A));
    broker.send(Topics.FAULT_REQUESTS, processKill(tenant, "f-before", A, "i-00000000000000001"));
    commitEnds(
        StreamsSettings.intakeApplicationId(appId),
        Map.of(
            broker.topic(Topics.TENANT_POLICIES), Topics.TENANT_POLICIES.partitions(),
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
    // As the operator does before resuming: intake has read every policy again (its group's lag on
    // the policies topic is 0). A request sent earlier can reach admission before its tenant's
    // policy, which intake reads from another topic, and be refused UNKNOWN_TENANT.
    awaitCaughtUp(
        StreamsSettings.intakeApplicationId(appId),
        broker.topic(Topics.TENANT_POLICIES),
        Topics.TENANT_POLICIES.partitions());
    // The policy read again decides a new request (without it: UNKNOWN_TENANT); the request read
    // before the upgrade is not decided again.
    broker.send(Topics.FAULT_REQUESTS, processKill(tenant, "f-after", A, "i-00000000000000002"));
    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
      consumer.subscribe(List.of(broker.topic(Topics.FAULT_LIFECYCLE)));
      List<FaultLifecycleEvent> decisions =
          lifecycle(
              Broker.pollUntil(
                  consumer,
                  r -> lifecycle(r).stream().anyMatch(e -> e.faultId().value().equals("f-after")),
                  Duration.ofSeconds(90)));
      assertThat(decisions)
          .extracting(e -> e.faultId().value() + ":" + e.stage())
          .containsExactly("f-after:APPROVED");
    }
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
            new AdmissionSettings(100, Duration.ofMinutes(5), Duration.ofSeconds(1), broker.prefix),
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
