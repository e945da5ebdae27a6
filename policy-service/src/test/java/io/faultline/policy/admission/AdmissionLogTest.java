package io.faultline.policy.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.ids.TenantId;
import io.faultline.policy.PolicyExamples;
import io.faultline.policy.escrow.Ask;
import io.faultline.policy.escrow.Grant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class AdmissionLogTest {
  final AdmissionLog log = new AdmissionLog();

  Optional<Set<Integer>> route(AdmissionCommand command) {
    return log.partitions("log", AdmissionLog.keyOf(command), command, 12);
  }

  @Test
  void putsATenantsCommandsOnItsRequestsPartition() {
    String tenant = "tenant-a";
    int expected = BuiltInPartitioner.partitionForKey(tenant.getBytes(), 12);
    AdmissionCommand decide =
        new AdmissionCommand.Decide(
            PolicyExamples.processKill(tenant, "f-1", "111111111111", "i-00000000000000001"), null);
    assertThat(route(decide)).contains(Set.of(expected));
    assertThat(route(new AdmissionCommand.PolicyChanged(tenant, null))).contains(Set.of(expected));
    assertThat(route(new AdmissionCommand.HaltChanged("tenant/" + tenant, true)))
        .contains(Set.of(expected));
    assertThat(route(new AdmissionCommand.Progress(tenant, "f-1", null, 3, true)))
        .contains(Set.of(expected));
  }

  @Test
  void sendsPlatformCommandsToEveryPartitionButATenantNamedPlatformToItsOwn() {
    assertThat(route(new AdmissionCommand.HaltChanged("platform", true)).orElseThrow()).hasSize(12);
    assertThat(route(new AdmissionCommand.Heartbeat("executor-1", List.of())).orElseThrow())
        .hasSize(12);
    TenantId.of("platform");
    assertThat(route(new AdmissionCommand.PolicyChanged("platform", null)).orElseThrow())
        .hasSize(1);
  }

  @Test
  void sendsAnAskToEveryPeerAndAGrantToItsReceiverOnly() {
    assertThat(route(new AdmissionCommand.EscrowAsked(new Ask(3, 1, 2))).orElseThrow())
        .hasSize(11)
        .doesNotContain(3);
    assertThat(route(new AdmissionCommand.EscrowGranted(new Grant(5, 7, 1, 2))))
        .contains(Set.of(7));
  }

  @Test
  void keysAHeartbeatByTheTenantOfItsFaults() {
    AdmissionCommand beat =
        new AdmissionCommand.Heartbeat(
            "executor-1",
            List.of(new AdmissionCommand.Heartbeat.Running("tenant-b", "f-9", "222222222222")));
    assertThat(AdmissionLog.keyOf(beat)).isEqualTo("tenant-b");
    assertThat(route(beat)).contains(Set.of(AdmissionLog.partitionOf("tenant-b", 12)));
  }
}
