package io.faultline.executor.fault.local;

import io.faultline.executor.fault.document.SsmDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A "host" for the stress faults' document tests: a {@link TestCgroup} every run lands in, a state
 * folder of its own and a 1 s dead-man margin; the stand-in {@code stress-ng} and {@code apt-get}
 * of {@code local/stress/} on request.
 */
public final class StressHost implements AutoCloseable {
  private static final List<String> BASIC_TOOLS =
      List.of(
          "bash",
          "env",
          "setsid",
          "nohup",
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
          "sort",
          "head",
          "wc",
          "nproc",
          "printf");

  public final TestCgroup cgroup;
  public final Path stateDir;
  private final Path dir;
  private final Path wrapper;
  private final Map<String, String> environment = new HashMap<>();

  /** A host in {@code dir} whose runs get {@code cpuPercent} of one core and the memory limit. */
  public StressHost(Path dir, int cpuPercent, long memoryLimitBytes) {
    this.dir = dir;
    this.stateDir = dir.resolve("state");
    this.cgroup = new TestCgroup(cpuPercent, memoryLimitBytes);
    environment.put("FAULTLINE_STATE_DIR", stateDir.toString());
    environment.put("FAULTLINE_DEADMAN_MARGIN_SECONDS", "1");
    wrapper = HostProcesses.installExecutable("/local/stress/stress-ng", dir.resolve("wrap"));
    environment.put("FAKE_STRESS_NG", resolve("stress-ng"));
    environment.put(
        "FAKE_STRESS_CGROUP_PROCS",
        String.join(" ", cgroup.cpuProcs().stream().map(Path::toString).toList()));
    wrapStressNg(0, false);
  }

  /** Starts the document with these parameters inside the cgroup. */
  public LocalRun start(SsmDocument document, Map<String, String> parameters) {
    return new LocalDocumentRunner(environment, cgroup.launcher()).start(document, parameters);
  }

  /** Waits (at most 60 s) for a run to end. */
  public static LocalRun finished(LocalRun run) throws InterruptedException {
    if (!run.await(Duration.ofSeconds(60))) {
      throw new AssertionError("run did not end within 60 s: " + run.output());
    }
    return run;
  }

  /**
   * The stand-in stress-ng is first on the PATH of every run: it moves itself into the group's CPU
   * quota and starts the real one, after {@code delaySeconds}, without its {@code --timeout} when
   * {@code dropTimeout}.
   */
  public void wrapStressNg(int delaySeconds, boolean dropTimeout) {
    environment.put("FAKE_STRESS_DELAY", Integer.toString(delaySeconds));
    environment.put("FAKE_STRESS_NO_TIMEOUT", dropTimeout ? "1" : "0");
    environment.put("PATH", wrapper.getParent() + ":" + System.getenv("PATH"));
  }

  /**
   * Makes the PATH a directory of the basic tools a document needs, without stress-ng; with {@code
   * fakeApt}, the stand-in apt-get (logging to {@code aptLog}) that "installs" the stand-in
   * stress-ng.
   */
  public void withoutStressNg(boolean fakeApt, Path aptLog) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bare-bin"));
    for (String tool : BASIC_TOOLS) {
      Files.createSymbolicLink(bin.resolve(tool), Path.of(resolve(tool)));
    }
    if (fakeApt) {
      HostProcesses.installExecutable("/local/stress/apt-get", bin);
      environment.put("FAKE_APT_LOG", aptLog.toString());
      environment.put("FAKE_APT_STRESS_NG", wrapper.toString());
    }
    environment.put("PATH", bin.toString());
  }

  private static String resolve(String tool) {
    return HostProcesses.runOk("bash", "-c", "command -v \"$1\"", "resolve", tool).strip();
  }

  /** Live stress-ng runs of the fault: the session leaders naming its stressor folder. */
  public List<Long> stressors(String faultId) {
    return HostProcesses.pidsWithCommandLineContaining(
        "--temp-path " + stateDir.resolve(faultId).resolve("stressor") + " ");
  }

  /** No process in the cgroup (stressor, dead-man, script) and no state of the fault is left. */
  public boolean nothingLeft(String faultId) {
    return cgroup.pids().isEmpty()
        && HostProcesses.pidsWithCommandLineContaining(stateDir.resolve(faultId) + "/").isEmpty()
        && Files.notExists(stateDir.resolve(faultId));
  }

  /** The dead-man's log, empty until it wrote. */
  public String deadManLog() throws IOException {
    Path log = stateDir.resolve("deadman.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() {
    HostProcesses.killAll(stateDir.toString());
    cgroup.close();
  }
}
