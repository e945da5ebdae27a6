package io.faultline.executor.fault.networklatency;

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
 * Runs the real ec2-network-latency document "on" a network namespace. This kernel has no netem
 * qdisc, so the recording tc stand-in is first on the document's PATH: the exact tc commands are
 * asserted, and the namespace's real qdisc tree (with stand-in qdiscs for netem and prio) is
 * checked to change and to be restored.
 */
class NetworkLatencyDocumentIT {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ec2-network-latency");
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

  @Test
  void delaysTheWholeInterfaceAndRollbackRestoresTheDefaultRootQdisc() throws Exception {
    String h = NetemHost.handle("lat-whole");
    Map<String, String> inject = parameters("inject", "lat-whole", "60");
    inject.put("LatencyMs", "250");
    inject.put("JitterMs", "20");

    LocalRun run = host.run(DOCUMENT, inject);

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("deadman=armed mode=setsid")
        .contains("handle=" + h + " filters=0 netem=delay_250ms_20ms outcome=injected");
    assertThat(host.tcChanges())
        .containsExactly(
            "tc qdisc add dev " + host.iface() + " root handle " + h + " netem delay 250ms 20ms");
    assertThat(host.qdiscs()).startsWith("qdisc pfifo " + h + " root");

    host.clearTcLog();
    LocalRun rollback = host.run(DOCUMENT, parameters("rollback", "lat-whole", "60"));

    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(rollback.output())
        .contains("qdisc=removed root_qdisc=noqueue/0: outcome=reverted by=rollback");
    assertThat(host.tcChanges()).containsExactly("tc qdisc del dev " + host.iface() + " root");
    assertThat(host.nothingLeft("lat-whole")).isTrue();
  }

  @Test
  void delaysOnlyTheGivenDestinationsAndPortsThroughABandOfAPrioQdisc() throws Exception {
    String h = NetemHost.handle("lat-scoped");
    String iface = host.iface();
    Map<String, String> inject = parameters("inject", "lat-scoped", "60");
    inject.put("LatencyMs", "2000");
    inject.put("DestinationIps", "10.1.2.0/24,192.0.2.7");
    inject.put("DestinationPorts", "443,5432");

    LocalRun run = host.run(DOCUMENT, inject);

    assertThat(run.exitCode()).as(run.output()).isZero();
    String filter = "tc filter add dev " + iface + " protocol ip parent " + h + " prio 1 u32 ";
    String band = " flowid " + h + "4";
    assertThat(host.tcChanges())
        .containsExactly(
            "tc qdisc add dev " + iface + " root handle " + h + " prio bands 4 " + PRIOMAP,
            "tc qdisc add dev " + iface + " parent " + h + "4 netem delay 2000ms",
            filter + "match ip dst 10.1.2.0/24 match ip dport 443 0xffff" + band,
            filter + "match ip dst 10.1.2.0/24 match ip dport 5432 0xffff" + band,
            filter + "match ip dst 192.0.2.7 match ip dport 443 0xffff" + band,
            filter + "match ip dst 192.0.2.7 match ip dport 5432 0xffff" + band);
    assertThat(run.output()).contains("filters=4 netem=delay_2000ms outcome=injected");
    // The kernel holds the filters: 0a010200/ffffff00 is 10.1.2.0/24, 0x1538 port 5432.
    assertThat(host.filters())
        .contains("match 0a010200/ffffff00 at 16", "match c0000207/ffffffff at 16")
        .contains("match 000001bb/0000ffff at 20", "match 00001538/0000ffff at 20");
    assertThat(host.filters().lines().filter(l -> l.contains("flowid " + h + "4"))).hasSize(4);

    host.clearTcLog();
    LocalRun rollback = host.run(DOCUMENT, parameters("rollback", "lat-scoped", "60"));

    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(host.tcChanges()).containsExactly("tc qdisc del dev " + iface + " root");
    assertThat(host.nothingLeft("lat-scoped")).isTrue();
  }

  @Test
  void deadManDeletesTheQdiscWhenNoRollbackArrives() throws Exception {
    LocalRun run = host.run(DOCUMENT, parameters("inject", "lat-deadman", "1"));
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(host.hasDefaultRoot()).isFalse();

    // The executor "died": nobody sends Action=rollback.
    await().atMost(DEAD_MAN_WAIT).until(() -> host.nothingLeft("lat-deadman"));

    assertThat(host.tcChanges())
        .containsExactly(
            "tc qdisc add dev "
                + host.iface()
                + " root handle "
                + NetemHost.handle("lat-deadman")
                + " netem delay 2000ms",
            "tc qdisc del dev " + host.iface() + " root");
    await()
        .atMost(DEAD_MAN_WAIT)
        .untilAsserted(
            () ->
                assertThat(Files.readString(host.deadManLog()))
                    .contains("qdisc=removed root_qdisc=noqueue/0: outcome=reverted by=deadman"));
  }

  @Test
  void aRunKilledMidwayThroughInjectingLeavesNothingBehind() throws Exception {
    host.hangingOn("filter add");
    Map<String, String> inject = parameters("inject", "lat-killed", "2");
    inject.put("DestinationPorts", "443");
    LocalRun run = host.start(DOCUMENT, inject);
    // The prio and netem qdiscs are in place; the run hangs before its filter.
    await().atMost(Duration.ofSeconds(20)).until(() -> host.qdiscs().contains("parent"));

    run.cancel();

    assertThat(run.await(Duration.ofSeconds(10))).isTrue();
    assertThat(run.exitCode()).isEqualTo(137);
    assertThat(ResultLine.summary(run.output())).isEmpty();
    assertThat(host.hasDefaultRoot()).isFalse();
    await().atMost(DEAD_MAN_WAIT).until(() -> host.nothingLeft("lat-killed"));
  }

  @Test
  void refusesAnInterfaceShapedBySomeoneElseWithoutChangingIt() throws Exception {
    host.namespace.inside(
        "tc",
        "qdisc",
        "add",
        "dev",
        host.iface(),
        "root",
        "handle",
        "1:",
        "tbf",
        "rate",
        "1mbit",
        "burst",
        "32k",
        "latency",
        "400ms");

    LocalRun run = host.run(DOCUMENT, parameters("inject", "lat-foreign", "60"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(run.output()).orElseThrow().fields())
        .containsEntry("outcome", "failed")
        .containsEntry("reason", "root-qdisc-in-use")
        .containsEntry("root_qdisc", "tbf/1:");
    assertThat(host.tcChanges()).isEmpty();
    assertThat(host.qdiscs()).startsWith("qdisc tbf 1: root");
    assertThat(host.state("lat-foreign")).doesNotExist();
    assertThat(run.output()).doesNotContain("deadman=armed");

    // Its rollback leaves the operator's qdisc alone too.
    LocalRun rollback = host.run(DOCUMENT, parameters("rollback", "lat-foreign", "60"));
    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(rollback.output()).contains("qdisc=absent root_qdisc=tbf/1: outcome=reverted");
    assertThat(host.qdiscs()).startsWith("qdisc tbf 1: root");
  }

  @Test
  void failsClearlyAndLeavesNothingWhereTheKernelHasNoNetem() throws Exception {
    host.withRealTc();

    LocalRun run = host.run(DOCUMENT, parameters("inject", "lat-nonetem", "60"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(run.output()).orElseThrow().fields())
        .containsEntry("reason", "qdisc-unavailable")
        .containsEntry("kind", "netem");
    assertThat(host.nothingLeft("lat-nonetem")).isTrue();
  }

  @Test
  void failsWithoutTcUnlessAllowedToInstallItThroughTheProxy() throws Exception {
    Path aptLog = host.withoutTcButAnInstaller();

    LocalRun refused = host.run(DOCUMENT, parameters("inject", "lat-nodeps", "60"));

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(refused.output()).orElseThrow().fields())
        .containsEntry("reason", "missing-dependency")
        .containsEntry("missing", "tc");
    assertThat(host.nothingLeft("lat-nodeps")).isTrue();
    assertThat(aptLog).doesNotExist();

    Map<String, String> install = parameters("inject", "lat-install", "60");
    install.put("InstallDependencies", "true");
    install.put("Proxy", "https_proxy=http://proxy.example:3128");
    LocalRun run = host.run(DOCUMENT, install);

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("dependencies=installed packages=tc", "outcome=injected");
    assertThat(Files.readAllLines(aptLog))
        .containsExactly(
            "apt-get update -qq http_proxy= https_proxy=http://proxy.example:3128",
            "apt-get install -y -qq iproute2 http_proxy= https_proxy=http://proxy.example:3128");
    install.put("Action", "rollback");
    assertThat(host.run(DOCUMENT, install).exitCode()).isZero();
    assertThat(host.nothingLeft("lat-install")).isTrue();
  }
}
