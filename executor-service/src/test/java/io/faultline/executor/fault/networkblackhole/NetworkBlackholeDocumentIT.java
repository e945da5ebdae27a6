package io.faultline.executor.fault.networkblackhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.fault.local.HostProcesses;
import io.faultline.executor.fault.local.LocalDocumentRunner;
import io.faultline.executor.fault.local.LocalRun;
import io.faultline.executor.fault.local.NetworkNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs the real ec2-network-blackhole document "on" a network namespace (its iptables OUTPUT chain
 * is the host's) and measures, with real TCP connects from inside the namespace to listeners on
 * this host, which destinations are blackholed. Host names resolve through a hosts file this test
 * bind-mounts into the namespace ({@code /etc/netns/<ns>/hosts}); DNS points at nothing. One
 * namespace serves every test (each asserts it leaves nothing behind), to keep the class cheap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkBlackholeDocumentIT {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ec2-network-blackhole");
  private static final String BLOCKED_NAME = "orders-db.faultline.test";
  // The dead-man faults last DEAD_MAN_FAULT_SECONDS (+1 s margin) from arming.
  private static final String DEAD_MAN_FAULT_SECONDS = "3";
  private static final Duration DEAD_MAN_WAIT = Duration.ofSeconds(30);

  private Path dir;
  private Path stateDir;
  private Path netnsEtc;
  private NetworkNamespace host;

  /** A second address of this host, only routed to the namespace: what the name resolves to. */
  private String otherAddress;

  private final List<ServerSocket> listeners = new ArrayList<>();
  private int portA;
  private int portB;
  private int otherPort;
  private Map<String, String> environment;

  @BeforeAll
  void createHost() throws IOException {
    dir = Files.createTempDirectory("blackhole-it");
    stateDir = dir.resolve("state");
    host = new NetworkNamespace();
    otherAddress =
        "172.31."
            + ThreadLocalRandom.current().nextInt(256)
            + "."
            + (1 + ThreadLocalRandom.current().nextInt(254));
    HostProcesses.runOk("ip", "addr", "add", otherAddress + "/32", "dev", host.hostInterface);
    host.inside("ip", "route", "add", otherAddress + "/32", "dev", host.innerInterface);
    netnsEtc = Files.createDirectories(Path.of("/etc/netns", host.name));
    Files.writeString(
        netnsEtc.resolve("hosts"),
        "127.0.0.1 localhost\n" + otherAddress + " " + BLOCKED_NAME + "\n");
    // Nothing answers on the namespace's loopback: an unknown name fails at once, never real DNS.
    Files.writeString(
        netnsEtc.resolve("resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
    portA = listen(host.hostAddress);
    portB = listen(host.hostAddress);
    otherPort = listen(otherAddress);
  }

  @BeforeEach
  void freshEnvironment() {
    environment = new HashMap<>();
    environment.put("FAULTLINE_STATE_DIR", stateDir.toString());
    environment.put("FAULTLINE_DEADMAN_MARGIN_SECONDS", "1");
  }

  /** After a failed test, what it may have left must not fail the next one. */
  @AfterEach
  void removeLeftovers() {
    HostProcesses.killAll(stateDir.toString());
    host.inside(
        "bash",
        "-c",
        "for c in $(iptables -S OUTPUT | grep -o 'FLT-[0-9a-f]*'); do"
            + " iptables -D OUTPUT -j $c; iptables -F $c; iptables -X $c; done; true");
  }

  @AfterAll
  void destroyHost() throws IOException {
    HostProcesses.killAll(stateDir.toString());
    for (ServerSocket listener : listeners) {
      listener.close();
    }
    host.close();
    Files.deleteIfExists(netnsEtc.resolve("hosts"));
    Files.deleteIfExists(netnsEtc.resolve("resolv.conf"));
    Files.deleteIfExists(netnsEtc);
    HostProcesses.run(List.of("rm", "-rf", dir.toString()));
  }

  /**
   * A listener on this host; the kernel completes handshakes into its backlog, no accept needed.
   */
  private int listen(String address) throws IOException {
    ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(address));
    listeners.add(socket);
    return socket.getLocalPort();
  }

  /** A TCP connect from inside the namespace: "connected", or "blackholed" after 1.5 s silence. */
  private String connect(String address, int port) {
    HostProcesses.Result result =
        HostProcesses.run(
            List.of(
                "ip",
                "netns",
                "exec",
                host.name,
                "timeout",
                "1.5",
                "bash",
                "-c",
                "exec 3<>\"/dev/tcp/$0/$1\"",
                address,
                Integer.toString(port)));
    return switch (result.exitCode()) {
      case 0 -> "connected";
      case 124 -> "blackholed";
      default -> "failed " + result.exitCode() + ": " + result.output();
    };
  }

  private LocalRun start(Map<String, String> parameters) {
    return new LocalDocumentRunner(environment, host.launcher()).start(DOCUMENT, parameters);
  }

  private static Map<String, String> parameters(
      String action, String faultId, String duration, String... extra) {
    Map<String, String> values = new HashMap<>();
    values.put("Action", action);
    values.put("FaultId", faultId);
    values.put("DurationSeconds", duration);
    values.put("InstallDependencies", "false");
    for (int i = 0; i < extra.length; i += 2) {
      values.put(extra[i], extra[i + 1]);
    }
    return values;
  }

  private static LocalRun finished(LocalRun run) throws InterruptedException {
    assertThat(run.await(Duration.ofSeconds(60))).isTrue();
    return run;
  }

  private boolean nothingLeft(String faultId) {
    return !host.rules().contains("FLT-")
        && HostProcesses.pidsWithCommandLineContaining(stateDir.resolve(faultId) + "/").isEmpty()
        && Files.notExists(stateDir.resolve(faultId));
  }

  private void assertReachable() {
    assertThat(connect(host.hostAddress, portA)).isEqualTo("connected");
    assertThat(connect(otherAddress, otherPort)).isEqualTo("connected");
  }

  @Test
  void dropsOnlyTheGivenAddressAndPortUntilRollback() throws Exception {
    assertReachable();

    LocalRun inject =
        finished(
            start(
                parameters(
                    "inject",
                    "bh-rollback",
                    "60",
                    "DestinationIps",
                    host.hostAddress + "/32",
                    "Protocol",
                    "tcp",
                    "DestinationPorts",
                    Integer.toString(portA))));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output())
        .contains("deadman=armed mode=setsid", "outcome=injected", "rules=1", "protocol=tcp");
    assertThat(host.rules()).contains("-A OUTPUT -j FLT-", "-p tcp", "--dport " + portA, "-j DROP");
    assertThat(connect(host.hostAddress, portA)).isEqualTo("blackholed");
    assertThat(connect(host.hostAddress, portB)).isEqualTo("connected");
    assertThat(connect(otherAddress, otherPort)).isEqualTo("connected");

    LocalRun rollback = finished(start(parameters("rollback", "bh-rollback", "60")));

    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(rollback.output()).contains("rules=absent outcome=reverted by=rollback");
    assertThat(ResultLine.summary(rollback.output()).orElseThrow().outcome()).isEqualTo("ok");
    assertReachable();
    assertThat(nothingLeft("bh-rollback")).isTrue();
  }

  @Test
  void resolvesHostNamesOnTheHostAndTheDeadManRestoresAloneWhenNoRollbackComes() throws Exception {
    LocalRun inject =
        finished(
            start(
                parameters(
                    "inject",
                    "bh-deadman",
                    DEAD_MAN_FAULT_SECONDS,
                    "DestinationHosts",
                    BLOCKED_NAME)));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output())
        .contains("host=" + BLOCKED_NAME + " addresses=" + otherAddress)
        .contains("destinations=" + otherAddress + " protocol=all ports=all rules=1");
    assertThat(connect(otherAddress, otherPort)).isEqualTo("blackholed");
    assertThat(connect(host.hostAddress, portA)).isEqualTo("connected");

    // The executor "died": nobody sends Action=rollback.
    await().atMost(DEAD_MAN_WAIT).until(() -> nothingLeft("bh-deadman"));

    assertReachable();
    await()
        .atMost(DEAD_MAN_WAIT)
        .untilAsserted(
            () ->
                assertThat(Files.readString(stateDir.resolve("deadman.log")))
                    .contains("outcome=reverted by=deadman"));
  }

  @Test
  void aRunKilledWithItsBlackholeInPlaceLeavesNothingBehind() throws Exception {
    Path hanging =
        HostProcesses.installExecutable("/networkblackhole/iptables", dir.resolve("hanging"));
    environment.put("PATH", hanging.getParent() + ":" + System.getenv("PATH") + ":/usr/sbin:/sbin");
    LocalRun inject =
        start(
            parameters(
                "inject", "bh-killed", DEAD_MAN_FAULT_SECONDS, "DestinationIps", otherAddress));
    // Hooked into OUTPUT, hanging in its verification: the blackhole is in effect.
    await().atMost(Duration.ofSeconds(20)).until(() -> host.rules().contains("-A OUTPUT -j FLT-"));
    assertThat(connect(otherAddress, otherPort)).isEqualTo("blackholed");

    inject.cancel();

    assertThat(inject.await(Duration.ofSeconds(10))).isTrue();
    assertThat(inject.exitCode()).isEqualTo(137);
    assertThat(ResultLine.summary(inject.output())).isEmpty();
    await().atMost(DEAD_MAN_WAIT).until(() -> nothingLeft("bh-killed"));
    assertReachable();
  }

  @Test
  void refusesANameResolvingIntoAProtectedDestinationChangingNothing() throws Exception {
    String protectedNet = otherAddress.substring(0, otherAddress.lastIndexOf('.')) + ".0/24";

    LocalRun inject =
        finished(
            start(
                parameters(
                    "inject",
                    "bh-protected",
                    "60",
                    "DestinationIps",
                    "192.0.2.1",
                    "DestinationHosts",
                    BLOCKED_NAME,
                    "ProtectedDestinations",
                    "10.255.0.0/16," + protectedNet)));

    assertThat(inject.exitCode()).isEqualTo(1);
    assertThat(inject.output())
        .contains(
            "destination=" + otherAddress + " protected=" + protectedNet + " outcome=refused");
    assertThat(ResultLine.summary(inject.output()).orElseThrow().fields())
        .containsEntry("outcome", "failed")
        .containsEntry("reason", "protected-destination")
        .containsEntry("destination", otherAddress);
    assertThat(inject.output()).doesNotContain("deadman=armed");
    assertThat(nothingLeft("bh-protected")).isTrue();
    assertReachable();
  }

  @Test
  void refusesAGivenCidrOverlappingAProtectedAddress() throws Exception {
    LocalRun inject =
        finished(
            start(
                parameters(
                    "inject",
                    "bh-protected-cidr",
                    "60",
                    "DestinationIps",
                    "172.16.0.0/12",
                    "ProtectedDestinations",
                    otherAddress)));

    assertThat(inject.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(inject.output()).orElseThrow().fields())
        .containsEntry("reason", "protected-destination")
        .containsEntry("destination", "172.16.0.0/12");
    assertThat(nothingLeft("bh-protected-cidr")).isTrue();
  }

  @Test
  void refusesAnUnresolvableNameOrNoDestinationAndRollsBackANeverInjectedHost() throws Exception {
    LocalRun unknown =
        finished(
            start(
                parameters(
                    "inject", "bh-unknown", "60", "DestinationHosts", "nowhere.faultline.test")));
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(unknown.output()).orElseThrow().fields())
        .containsEntry("reason", "unresolved-host")
        .containsEntry("host", "nowhere.faultline.test");

    LocalRun none = finished(start(parameters("inject", "bh-none", "60")));
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.output()).contains("reason=no-destination");

    LocalRun allPorts =
        finished(
            start(
                parameters(
                    "inject",
                    "bh-ports",
                    "60",
                    "DestinationIps",
                    otherAddress,
                    "DestinationPorts",
                    "80")));
    assertThat(allPorts.output()).contains("reason=ports-need-protocol");

    for (int i = 0; i < 2; i++) {
      LocalRun rollback = finished(start(parameters("rollback", "bh-never", "30")));
      assertThat(rollback.exitCode()).as(rollback.output()).isZero();
      assertThat(rollback.output()).contains("outcome=reverted");
    }
    assertThat(host.rules()).doesNotContain("FLT-");
    assertReachable();
  }
}
