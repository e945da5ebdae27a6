package io.faultline.executor.fault.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.fault.document.SsmDocument;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real ec2-http-reset-peer document "on" a network namespace (iptables and the reset
 * listener live in the namespace) while a real HTTP client on this host talks to a real server
 * inside it through a veth pair.
 */
class HttpResetPeerDocumentIT {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ec2-http-reset-peer");
  // The dead-man tests' faults last DEAD_MAN_FAULT_SECONDS (+1 s margin) from arming: long enough
  // that a loaded machine still sees the fault active before it asserts so, short enough to wait.
  private static final String DEAD_MAN_FAULT_SECONDS = "6";
  private static final Duration DEAD_MAN_WAIT = Duration.ofSeconds(30);
  private static final String RESET = "Connection reset";
  private static final List<String> BASIC_TOOLS =
      List.of(
          "bash",
          "env",
          "setsid",
          "nohup",
          "ip",
          "sleep",
          "seq",
          "cat",
          "tr",
          "sha256sum",
          "cut",
          "mkdir",
          "rm",
          "timeout",
          "flock",
          "grep",
          "dirname",
          "ls",
          "ln");

  @TempDir Path dir;
  private Path stateDir;
  private NetworkNamespace host;
  private Map<String, String> environment;

  @BeforeEach
  void createHost() {
    stateDir = dir.resolve("state");
    host = new NetworkNamespace();
    environment = new HashMap<>();
    environment.put("FAULTLINE_STATE_DIR", stateDir.toString());
    environment.put("FAULTLINE_DEADMAN_MARGIN_SECONDS", "1");
  }

  @AfterEach
  void destroyHost() {
    HostProcesses.killAll(stateDir.toString());
    host.close();
  }

  private LocalRun start(String action, String faultId, String duration) {
    return new LocalDocumentRunner(environment, host.launcher())
        .start(
            DOCUMENT,
            Map.of(
                "Action",
                action,
                "FaultId",
                faultId,
                "DurationSeconds",
                duration,
                "TargetPort",
                Integer.toString(NetworkNamespace.PORT),
                "NetworkInterface",
                host.innerInterface,
                "InstallDependencies",
                "false"));
  }

  private static LocalRun finished(LocalRun run) throws InterruptedException {
    assertThat(run.await(Duration.ofSeconds(60))).isTrue();
    return run;
  }

  /** No rule, no listener, no dead-man, no state of the fault remains. */
  private void assertNothingLeft(String faultId) {
    assertThat(host.rules()).doesNotContain("FLT-");
    assertThat(HostProcesses.pidsWithCommandLineContaining(stateDir.resolve(faultId) + "/"))
        .isEmpty();
    assertThat(stateDir.resolve(faultId)).doesNotExist();
  }

  private boolean nothingLeft(String faultId) {
    return !host.rules().contains("FLT-")
        && HostProcesses.pidsWithCommandLineContaining(stateDir.resolve(faultId) + "/").isEmpty()
        && Files.notExists(stateDir.resolve(faultId));
  }

  @Test
  void resetsEveryConnectionDuringTheFaultAndServesAgainAfterRollback() throws Exception {
    assertThat(host.get()).isEqualTo("200");

    LocalRun inject = finished(start("inject", "http-rollback", "60"));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output()).contains("deadman=armed mode=setsid", "outcome=injected");
    assertThat(host.rules()).contains("REDIRECT", "tcp-reset", "--dport " + NetworkNamespace.PORT);
    for (int i = 0; i < 3; i++) {
      assertThat(host.get()).contains(RESET).doesNotContain("ConnectException");
    }

    LocalRun rollback = finished(start("rollback", "http-rollback", "60"));

    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(rollback.output()).contains("rules=absent listener=absent outcome=reverted");
    assertThat(ResultLine.summary(rollback.output()).orElseThrow().outcome()).isEqualTo("ok");
    assertThat(host.get()).isEqualTo("200");
    assertNothingLeft("http-rollback");
  }

  @Test
  void resetsAConnectionOpenedBeforeTheFaultOnItsNextRequest() throws Exception {
    try (Socket early = new Socket()) {
      early.connect(
          new InetSocketAddress(host.innerAddress, NetworkNamespace.PORT),
          (int) Duration.ofSeconds(3).toMillis());
      early.setSoTimeout((int) Duration.ofSeconds(5).toMillis());

      LocalRun inject = finished(start("inject", "http-early", "60"));
      assertThat(inject.exitCode()).as(inject.output()).isZero();

      early
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = early.getInputStream();
      assertThat(
              org.assertj.core.api.Assertions.catchThrowableOfType(
                  SocketException.class, () -> in.readAllBytes()))
          .hasMessageContaining(RESET);
    } finally {
      finished(start("rollback", "http-early", "60"));
    }
    assertNothingLeft("http-early");
  }

  @Test
  void deadManRemovesRulesAndListenerWhenNoRollbackArrives() throws Exception {
    LocalRun inject = finished(start("inject", "http-deadman", DEAD_MAN_FAULT_SECONDS));
    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(host.get()).contains(RESET);

    // The executor "died": nobody sends Action=rollback.
    await().atMost(DEAD_MAN_WAIT).until(() -> nothingLeft("http-deadman"));

    assertThat(host.get()).isEqualTo("200");
    // The revert removes its state before it prints its result line: wait for the line.
    await()
        .atMost(DEAD_MAN_WAIT)
        .untilAsserted(
            () ->
                assertThat(Files.readString(stateDir.resolve("deadman.log")))
                    .contains("outcome=reverted by=deadman"));
  }

  @Test
  void deadManCleansUpWhenTheRunIsKilledMidwayThroughInjecting() throws Exception {
    Path slow =
        HostProcesses.installExecutable("/local/slow-iptables/iptables", dir.resolve("slow"));
    environment.put("PATH", slow.getParent() + ":" + System.getenv("PATH") + ":/usr/sbin:/sbin");
    LocalRun inject = start("inject", "http-killed", DEAD_MAN_FAULT_SECONDS);
    // The redirect is in place, the run hangs before hooking its filter chain.
    await().atMost(Duration.ofSeconds(20)).until(() -> host.get().contains(RESET));

    inject.cancel();

    assertThat(inject.await(Duration.ofSeconds(10))).isTrue();
    assertThat(inject.exitCode()).isEqualTo(137);
    assertThat(ResultLine.summary(inject.output())).isEmpty();
    assertThat(host.rules()).contains("FLT-");
    await().atMost(DEAD_MAN_WAIT).until(() -> nothingLeft("http-killed"));
    assertThat(host.get()).isEqualTo("200");
  }

  @Test
  void rollbackWithoutInjectionSucceedsAndIsIdempotent() throws Exception {
    for (int i = 0; i < 2; i++) {
      LocalRun rollback = finished(start("rollback", "http-never", "30"));
      assertThat(rollback.exitCode()).as(rollback.output()).isZero();
      assertThat(rollback.output()).contains("outcome=reverted");
    }
    assertThat(host.get()).isEqualTo("200");
    assertNothingLeft("http-never");
  }

  /** A directory with the basic tools the script needs, but neither iptables nor python. */
  private Path bareBin() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bare-bin"));
    for (String tool : BASIC_TOOLS) {
      String path = HostProcesses.runOk("bash", "-c", "command -v \"$1\"", "resolve", tool).strip();
      Files.createSymbolicLink(bin.resolve(tool), Path.of(path));
    }
    return bin;
  }

  @Test
  void failsClearlyWithoutChangingAnythingWhenDependenciesAreMissing() throws Exception {
    environment.put("PATH", bareBin().toString());

    LocalRun inject = finished(start("inject", "http-nodeps", "30"));

    assertThat(inject.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(inject.output()).orElseThrow().fields())
        .containsEntry("outcome", "failed")
        .containsEntry("reason", "missing-dependency")
        .containsEntry("missing", "iptables,python3");
    assertThat(host.get()).isEqualTo("200");
    assertNothingLeft("http-nodeps");
  }

  @Test
  void installsMissingDependenciesThroughTheProxyWhenAllowed() throws Exception {
    Path bin = bareBin();
    HostProcesses.installExecutable("/local/fake-apt/apt-get", bin);
    Path aptLog = dir.resolve("apt.log");
    environment.put("PATH", bin.toString());
    environment.put("FAKE_APT_LOG", aptLog.toString());
    environment.put(
        "FAKE_APT_IPTABLES", HostProcesses.runOk("bash", "-c", "command -v iptables").strip());
    environment.put(
        "FAKE_APT_PYTHON3",
        HostProcesses.runOk("python3", "-c", "import sys; print(sys.executable)").strip());
    Map<String, String> parameters = new HashMap<>();
    parameters.put("Action", "inject");
    parameters.put("FaultId", "http-install");
    parameters.put("TargetPort", Integer.toString(NetworkNamespace.PORT));
    parameters.put("NetworkInterface", host.innerInterface);
    parameters.put("InstallDependencies", "true");
    parameters.put("Proxy", "https_proxy=http://proxy.example:3128");
    LocalDocumentRunner runner = new LocalDocumentRunner(environment, host.launcher());

    LocalRun inject = finished(runner.start(DOCUMENT, parameters));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output()).contains("dependencies=installed packages=iptables,python3");
    assertThat(Files.readAllLines(aptLog))
        .contains(
            "apt-get update -qq http_proxy= https_proxy=http://proxy.example:3128",
            "apt-get install -y -qq iptables python3 http_proxy= https_proxy=http://proxy.example:3128");
    assertThat(host.get()).contains(RESET);
    parameters.put("Action", "rollback");
    assertThat(finished(runner.start(DOCUMENT, parameters)).exitCode()).isZero();
    assertThat(host.get()).isEqualTo("200");
    assertNothingLeft("http-install");
  }

  @Test
  void refusesAnInterfaceThatDoesNotExist() throws Exception {
    LocalRun inject =
        finished(
            new LocalDocumentRunner(environment, host.launcher())
                .start(
                    DOCUMENT,
                    Map.of(
                        "Action", "inject",
                        "FaultId", "http-noif",
                        "TargetPort", "8080",
                        "NetworkInterface", "eth9",
                        "InstallDependencies", "false")));

    assertThat(inject.exitCode()).isEqualTo(1);
    assertThat(inject.output()).contains("reason=no-such-interface");
    assertThat(List.of(host.rules())).noneMatch(r -> r.contains("FLT-"));
  }

  static {
    // Fail fast with a clear message instead of obscure errors if a tool the test needs is absent.
    for (String tool : List.of("ip", "iptables", "python3")) {
      if (HostProcesses.run(List.of("bash", "-c", "command -v " + tool)).exitCode() != 0) {
        throw new IllegalStateException(tool + " is required by " + HttpResetPeerDocumentIT.class);
      }
    }
  }
}
