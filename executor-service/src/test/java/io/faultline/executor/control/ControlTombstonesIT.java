package io.faultline.executor.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.control.ControlAction;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.topics.Topics;
import io.faultline.executor.TestFaults;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.faultline.testsupport.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tombstones on the compacted controls topic, on a real broker: a running reader drops the abort of
 * a fault or run that ended without counting the tombstone as poison, and an executor started
 * afterwards (reading the topic from the beginning, before compaction) does not hold it, while the
 * abort of a fault that has not ended stays.
 */
class ControlTombstonesIT {
  @BeforeAll
  static void topics() {
    TestFaults.createTopics();
  }

  /** A controls reader as the executor runs one, with its own state and poison meter. */
  private record Reader(ControlConsumer consumer, Controls controls, PoisonRecords poison)
      implements AutoCloseable {
    static Reader start() throws InterruptedException {
      Controls controls = new Controls();
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      PoisonRecords poison = new PoisonRecords("executor-service", meters);
      ControlConsumer consumer =
          new ControlConsumer(
              KafkaClients.of(TestKafka.bootstrapServers()),
              controls,
              meters,
              poison,
              new ConsumerLiveness("executor-service", meters));
      assertThat(consumer.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
      return new Reader(consumer, controls, poison);
    }

    double poisoned() {
      return poison.count(Topics.FAULT_CONTROLS.name());
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  private static void tombstone(String scope) {
    TestFaults.send(new ProducerRecord<>(Topics.FAULT_CONTROLS.name(), scope, null));
  }

  @Test
  void anEndedFaultsAbortIsDroppedAndAPendingOneKept() throws Exception {
    TenantId tenant = TenantId.of(TestFaults.unique("tomb"));
    FaultId ended = FaultId.of("f-ended");
    FaultId pending = FaultId.of("f-not-started");
    RunId run = RunId.of("run-ended");

    try (Reader running = Reader.start()) {
      TestFaults.control(ControlAction.ABORT_FAULT, tenant, ended);
      TestFaults.control(ControlAction.ABORT_FAULT, tenant, pending);
      TestFaults.runControl(ControlAction.ABORT_RUN, tenant, run);
      // Each scope is its own key, so the three may sit on different partitions: wait for all.
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(running.controls().blocked(tenant, pending, null))
                    .contains(FailureReason.ABORTED);
                assertThat(running.controls().blocked(tenant, ended, null))
                    .contains(FailureReason.ABORTED);
                assertThat(running.controls().blocked(tenant, FaultId.of("f-of-run"), run))
                    .contains(FailureReason.ABORTED);
              });
      double poisonBefore = running.poisoned();

      tombstone("fault/" + tenant + "/" + ended);
      tombstone("run/" + tenant + "/" + run);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> running.controls().blocked(tenant, ended, null).isEmpty());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> running.controls().blocked(tenant, FaultId.of("f-of-run"), run).isEmpty());
      assertThat(running.controls().blocked(tenant, pending, null)).contains(FailureReason.ABORTED);
      assertThat(running.poisoned()).isEqualTo(poisonBefore);
    }

    try (Reader later = Reader.start()) {
      assertThat(later.controls().blocked(tenant, ended, null)).isEqualTo(Optional.empty());
      assertThat(later.controls().blocked(tenant, FaultId.of("f-of-run"), run)).isEmpty();
      assertThat(later.controls().blocked(tenant, pending, null)).contains(FailureReason.ABORTED);
    }
  }

  @Test
  void aTombstoneForAHaltScopeLeavesTheHaltAndOneForNoScopeIsPoison() throws Exception {
    TenantId tenant = TenantId.of(TestFaults.unique("tomb"));
    try (Reader running = Reader.start()) {
      TestFaults.control(ControlAction.HALT_TENANT, tenant, null);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> running.controls().blocked(tenant, FaultId.of("f-1"), null).isPresent());
      double poisonBefore = running.poisoned();

      tombstone("tenant/" + tenant);
      tombstone("not a scope " + tenant);
      await().atMost(Duration.ofSeconds(20)).until(() -> running.poisoned() > poisonBefore);
      assertThat(running.poisoned()).isEqualTo(poisonBefore + 1);
      assertThat(running.controls().blocked(tenant, FaultId.of("f-1"), null))
          .contains(FailureReason.HALTED);
    }
  }
}
