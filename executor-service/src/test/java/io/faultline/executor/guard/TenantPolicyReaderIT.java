package io.faultline.executor.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.TenantId;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.TagRule;
import io.faultline.events.topics.Topics;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.faultline.testsupport.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tenant-policies reader on a real broker: start-up, follow, tombstones, poison. */
class TenantPolicyReaderIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final PoisonRecords poison = new PoisonRecords("executor-service", meters);
  private final ConsumerLiveness readers = new ConsumerLiveness("executor-service", meters);

  @BeforeAll
  static void topics() {
    TestFaults.createTopics();
  }

  private TenantPolicyReader start() {
    return new TenantPolicyReader(
        KafkaClients.of(TestKafka.bootstrapServers()), new TenantGuards(), meters, poison, readers);
  }

  @Test
  void knowsEveryPolicyWrittenBeforeItStartedOnceCaughtUp() throws InterruptedException {
    TenantId tenant = TenantId.of(TestFaults.unique("before"));
    TestFaults.publishPolicy(
        tenant,
        MotoAccounts.freshAccount(),
        1,
        new ProtectedTargets(List.of("i-0ea51e0000000001"), List.of("payments"), List.of()));

    try (TenantPolicyReader reader = start()) {
      assertThat(reader.awaitCaughtUp(WAIT)).isTrue();

      assertThat(reader.guards().current(tenant))
          .contains(
              new ProtectedTargetGuard(
                  List.of("i-0ea51e0000000001"), List.of("payments"), List.of()));
      assertThat(readers.states()).containsEntry(TenantPolicyReader.READER, "running");
    }
  }

  @Test
  void followsNewPoliciesAndTombstonesAndSkipsWhatItCannotRead() throws InterruptedException {
    TenantId tenant = TenantId.of(TestFaults.unique("follow"));
    String account = MotoAccounts.freshAccount();
    try (TenantPolicyReader reader = start()) {
      assertThat(reader.awaitCaughtUp(WAIT)).isTrue();
      double poisonBefore = poison.count(Topics.TENANT_POLICIES.name());
      TagRule pci = new TagRule("data-classification", List.of("pci"));

      // Same key, same partition: read in this order.
      TestFaults.send(
          new ProducerRecord<>(
              Topics.TENANT_POLICIES.name(),
              tenant.value(),
              "{not a policy".getBytes(StandardCharsets.UTF_8)));
      TestFaults.publishPolicy(
          tenant,
          account,
          1,
          new ProtectedTargets(List.of("i-0000000000000001"), List.of(), List.of(pci)));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(reader.guards().current(tenant))
                      .contains(
                          new ProtectedTargetGuard(
                              List.of("i-0000000000000001"), List.of(), List.of(pci))));
      assertThat(poison.count(Topics.TENANT_POLICIES.name())).isEqualTo(poisonBefore + 1);

      TestFaults.publishPolicy(
          tenant,
          account,
          2,
          new ProtectedTargets(
              List.of("i-0000000000000001", "i-0000000000000002"), List.of(), List.of()));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(reader.guards().current(tenant))
                      .hasValueSatisfying(
                          g ->
                              assertThat(g.instanceIds())
                                  .containsExactly("i-0000000000000001", "i-0000000000000002")));

      TestFaults.deletePolicy(tenant);
      await().atMost(WAIT).until(() -> reader.guards().current(tenant).isEmpty());
      assertThat(readers.states()).containsEntry(TenantPolicyReader.READER, "running");
    }
  }
}
