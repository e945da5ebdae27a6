package io.faultline.executor.fault.packetloss;

import static io.faultline.executor.fault.netem.NetemHost.PRIOMAP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.fault.local.LocalRun;
import io.faultline.executor.fault.netem.NetemHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real ec2-network-packet-loss document "on" a network namespace. This kernel has no netem
 * qdisc, so the recording tc stand-in is first on the document's PATH: the exact tc commands are
 * asserted, and the namespace's real qdisc tree (with stand-in qdiscs for netem and prio) is
 * checked to change and to be restored.
 */
class PacketLossDocumentIT {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ec2-network-packet-loss");
  private static final Duration DEAD_MAN_WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private NetemHost host;

  @BeforeEach
  void createHost() {
    host = new NetemHost(dir);
  }

  @AfterEach
  void destroyHost() {
    host.close();
  }

  private Map<String, String> parameters(String action, String faultId, String duration) {
    Map<String, String> values = new HashMap<>();
    values.put("Action", action);
    values.put("FaultId", faultId);
    values.put("DurationSeconds", duration);
    values.put("NetworkInterface", host.iface());
    values.put("InstallDependencies", "false");
    return values;
  }

  private String filter(String handle) {
    return "tc filter add dev " + host.iface() + " protocol ip parent " + handle + " prio 1 u32 ";
  }

  @Test
  void dropsOnTheWholeInterfaceAndRollbackRestoresTheDefaultRootQdisc() throws Exception {
    String h = NetemHost.handle("loss-whole");
    Map<String, String> inject = parameters("inject", "loss-whole", "60");
    inject.put("LossPercent", "35");

    LocalRun run = host.run(DOCUMENT, inject);

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("handle=" + h + " filters=0 netem=loss_35% outcome=injected");
    assertThat(host.tcChanges())
        .containsExactly(
            "tc qdisc add dev " + host.iface() + " root handle " + h + " netem loss 35%");
    assertThat(host.qdiscs()).startsWith("qdisc pfifo " + h + " root");

    host.clearTcLog();
    LocalRun rollback = host.run(DOCUMENT, parameters("rollback", "loss-whole", "60"));

    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(host.tcChanges()).containsExactly("tc qdisc del dev " + host.iface() + " root");
    assertThat(host.nothingLeft("loss-whole")).isTrue();
  }

  @Test
  void dropsTowardsDestinationsOnlyOrPortsOnly() throws Exception {
    String h = NetemHost.handle("loss-ips");
    Map<String, String> ips = parameters("inject", "loss-ips", "60");
    ips.put("DestinationIps", "198.51.100.0/24,203.0.113.9/32");

    LocalRun run = host.run(DOCUMENT, ips);

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(host.tcChanges())
        .containsExactly(
            "tc qdisc add dev " + host.iface() + " root handle " + h + " prio bands 4 " + PRIOMAP,
            "tc qdisc add dev " + host.iface() + " parent " + h + "4 netem loss 100%",
            filter(h) + "match ip dst 198.51.100.0/24 flowid " + h + "4",
            filter(h) + "match ip dst 203.0.113.9/32 flowid " + h + "4");
    assertThat(host.filters().lines().filter(l -> l.contains("flowid " + h + "4"))).hasSize(2);
    assertThat(host.run(DOCUMENT, parameters("rollback", "loss-ips", "60")).exitCode()).isZero();
    assertThat(host.nothingLeft("loss-ips")).isTrue();

    host.clearTcLog();
    String p = NetemHost.handle("loss-ports");
    Map<String, String> ports = parameters("inject", "loss-ports", "60");
    ports.put("DestinationPorts", "53,8080");
    ports.put("LossPercent", "50");

    run = host.run(DOCUMENT, ports);

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(host.tcChanges())
        .containsExactly(
            "tc qdisc add dev " + host.iface() + " root handle " + p + " prio bands 4 " + PRIOMAP,
            "tc qdisc add dev " + host.iface() + " parent " + p + "4 netem loss 50%",
            filter(p) + "match ip dport 53 0xffff flowid " + p + "4",
            filter(p) + "match ip dport 8080 0xffff flowid " + p + "4");
    assertThat(host.filters()).contains("match 00000035/0000ffff at 20");
    assertThat(host.run(DOCUMENT, parameters("rollback", "loss-ports", "60")).exitCode()).isZero();
    assertThat(host.nothingLeft("loss-ports")).isTrue();
  }

  @Test
  void deadManDeletesTheScopedTreeWhenNoRollbackArrives() throws Exception {
    Map<String, String> inject = parameters("inject", "loss-deadman", "1");
    inject.put("DestinationPorts", "443");
    LocalRun run = host.run(DOCUMENT, inject);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(host.filters()).contains("flowid");

    await().atMost(DEAD_MAN_WAIT).until(() -> host.nothingLeft("loss-deadman"));

    assertThat(host.tcChanges()).last().isEqualTo("tc qdisc del dev " + host.iface() + " root");
    await()
        .atMost(DEAD_MAN_WAIT)
        .untilAsserted(
            () ->
                assertThat(Files.readString(host.deadManLog()))
                    .contains("qdisc=removed root_qdisc=noqueue/0: outcome=reverted by=deadman"));
  }

  @Test
  void aRunKilledBetweenItsQdiscsLeavesNothingBehind() throws Exception {
    host.hangingOn("netem loss");
    Map<String, String> inject = parameters("inject", "loss-killed", "2");
    inject.put("DestinationIps", "10.9.0.0/16");
    LocalRun run = host.start(DOCUMENT, inject);
    // The prio qdisc is in place; the run hangs before its netem band.
    await().atMost(Duration.ofSeconds(20)).until(() -> !host.hasDefaultRoot());

    run.cancel();

    assertThat(run.await(Duration.ofSeconds(10))).isTrue();
    assertThat(run.exitCode()).isEqualTo(137);
    await().atMost(DEAD_MAN_WAIT).until(() -> host.nothingLeft("loss-killed"));
  }

  @Test
  void refusesAnInterfaceShapedBySomeoneElseWithoutChangingIt() throws Exception {
    host.namespace.inside("tc", "qdisc", "add", "dev", host.iface(), "root", "handle", "1:", "htb");

    LocalRun run = host.run(DOCUMENT, parameters("inject", "loss-foreign", "60"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(run.output()).orElseThrow().fields())
        .containsEntry("reason", "root-qdisc-in-use")
        .containsEntry("root_qdisc", "htb/1:");
    assertThat(host.tcChanges()).isEmpty();
    assertThat(host.qdiscs()).startsWith("qdisc htb 1: root");
    assertThat(host.state("loss-foreign")).doesNotExist();
  }

  @Test
  void failsClearlyAndLeavesNothingWhereTheKernelHasNoPrioQdisc() throws Exception {
    host.withRealTc();
    Map<String, String> inject = parameters("inject", "loss-noprio", "60");
    inject.put("DestinationPorts", "443");

    LocalRun run = host.run(DOCUMENT, inject);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(run.output()).orElseThrow().fields())
        .containsEntry("reason", "qdisc-unavailable")
        .containsEntry("kind", "prio");
    assertThat(host.nothingLeft("loss-noprio")).isTrue();
  }

  @Test
  void rollbackWithoutInjectionSucceedsAndIsIdempotent() throws Exception {
    for (int i = 0; i < 2; i++) {
      LocalRun rollback = host.run(DOCUMENT, parameters("rollback", "loss-never", "30"));
      assertThat(rollback.exitCode()).as(rollback.output()).isZero();
      assertThat(rollback.output()).contains("qdisc=absent root_qdisc=noqueue/0: outcome=reverted");
    }
    assertThat(host.tcChanges()).isEmpty();
    assertThat(host.nothingLeft("loss-never")).isTrue();
  }
}
