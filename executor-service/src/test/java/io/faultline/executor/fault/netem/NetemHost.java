package io.faultline.executor.fault.netem;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.fault.local.HostProcesses;
import io.faultline.executor.fault.local.LocalDocumentRunner;
import io.faultline.executor.fault.local.LocalRun;
import io.faultline.executor.fault.local.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A throw-away host for the netem documents: a {@link NetworkNamespace} whose documents find the
 * recording {@code tc} stand-in ({@code local/recording-tc/tc}) first on their PATH. This kernel
 * has no netem (nor prio) qdisc, so the stand-in logs every tc call and lets the real tc apply
 * substitutes (pfifo for netem, htb for prio): the namespace's real qdisc tree and u32 filters
 * change, and a real delete restores them. {@link #withRealTc()} drops the stand-in.
 */
public final class NetemHost implements AutoCloseable {
  public final NetworkNamespace namespace = new NetworkNamespace();
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
          "ln",
          "awk",
          "sed",
          "wc");
  private final Path dir;
  private final Path stateDir;
  private final Path tcLog;
  private final Path recordingTc;
  private final Map<String, String> environment = new HashMap<>();

  public NetemHost(Path dir) {
    this.dir = dir;
    stateDir = dir.resolve("state");
    tcLog = dir.resolve("tc.log");
    recordingTc = HostProcesses.installExecutable("/local/recording-tc/tc", dir.resolve("bin"));
    environment.put("FAULTLINE_STATE_DIR", stateDir.toString());
    environment.put("FAULTLINE_DEADMAN_MARGIN_SECONDS", "1");
    environment.put("FAKE_TC_LOG", tcLog.toString());
    environment.put(
        "FAKE_TC_REAL",
        HostProcesses.runOk("bash", "-c", "PATH=$PATH:/usr/sbin:/sbin; command -v tc").strip());
    environment.put(
        "PATH", recordingTc.getParent() + ":" + System.getenv("PATH") + ":/usr/sbin:/sbin");
  }

  /** The interface the documents act on (inside the namespace). */
  public String iface() {
    return namespace.innerInterface;
  }

  /** Documents started from now on run the host's real tc (which lacks netem and prio). */
  public NetemHost withRealTc() {
    environment.put("PATH", System.getenv("PATH") + ":/usr/sbin:/sbin");
    return this;
  }

  /**
   * Documents started from now on find basic tools only, no tc, and the stand-in apt-get ({@code
   * local/fake-apt}), which "installs" iproute2 by linking the recording tc beside itself.
   *
   * @return the file where the stand-in apt-get logs its calls and proxy environment
   */
  public Path withoutTcButAnInstaller() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bare-bin"));
    for (String tool : BASIC_TOOLS) {
      String path = HostProcesses.runOk("bash", "-c", "command -v \"$1\"", "resolve", tool).strip();
      Files.createSymbolicLink(bin.resolve(tool), Path.of(path));
    }
    HostProcesses.installExecutable("/local/fake-apt/apt-get", bin);
    Path aptLog = dir.resolve("apt.log");
    environment.put("PATH", bin.toString());
    environment.put("FAKE_APT_LOG", aptLog.toString());
    environment.put("FAKE_APT_TC", recordingTc.toString());
    return aptLog;
  }

  /** The stand-in hangs before a tc call whose arguments contain {@code text}. */
  public NetemHost hangingOn(String text) {
    environment.put("FAKE_TC_HANG_ON", text);
    return this;
  }

  public LocalRun start(SsmDocument document, Map<String, String> parameters) {
    return new LocalDocumentRunner(environment, namespace.launcher()).start(document, parameters);
  }

  /** Runs a document to its end (at most 60 s). */
  public LocalRun run(SsmDocument document, Map<String, String> parameters)
      throws InterruptedException {
    LocalRun run = start(document, parameters);
    assertThat(run.await(Duration.ofSeconds(60))).as("run ended").isTrue();
    return run;
  }

  /** Every tc call the documents made, in order, as "tc <arguments>". */
  public List<String> tcCalls() throws IOException {
    return Files.exists(tcLog) ? Files.readAllLines(tcLog) : List.of();
  }

  /** The tc calls that changed something (add, del), in order. */
  public List<String> tcChanges() throws IOException {
    return tcCalls().stream().filter(c -> c.matches("tc (qdisc|filter) (add|del) .*")).toList();
  }

  /** Forgets the calls logged so far. */
  public void clearTcLog() throws IOException {
    Files.deleteIfExists(tcLog);
  }

  /** The interface's real qdiscs, as the kernel shows them. */
  public String qdiscs() {
    return namespace.inside("tc", "qdisc", "show", "dev", iface());
  }

  /** The interface's real filters, as the kernel shows them. */
  public String filters() {
    return namespace.inside("tc", "filter", "show", "dev", iface());
  }

  /** Whether the interface has the kernel's default root qdisc again. */
  public boolean hasDefaultRoot() {
    return qdiscs().startsWith("qdisc noqueue 0: root") && filters().isBlank();
  }

  /** The fault's state folder on the host. */
  public Path state(String faultId) {
    return stateDir.resolve(faultId);
  }

  public Path deadManLog() {
    return stateDir.resolve("deadman.log");
  }

  /** No qdisc, filter, dead-man process or state of the fault remains. */
  public boolean nothingLeft(String faultId) {
    return hasDefaultRoot()
        && HostProcesses.pidsWithCommandLineContaining(state(faultId) + "/").isEmpty()
        && Files.notExists(state(faultId));
  }

  /** The handle of the fault's root qdisc as netem.sh derives it from the fault id. */
  public static String handle(String faultId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(faultId.getBytes(StandardCharsets.UTF_8));
      int first = Integer.parseInt(HexFormat.of().formatHex(digest).substring(0, 4), 16);
      return Integer.toHexString(first % 0x7ffe + 1) + ":";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The priomap the scoped qdisc carries: the kernel's default, over bands 1-3 only. */
  public static final String PRIOMAP = "priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1";

  @Override
  public void close() {
    HostProcesses.killAll(stateDir.toString());
    namespace.close();
  }
}
