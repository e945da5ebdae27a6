package io.faultline.executor.fault.local;

import io.faultline.executor.fault.document.ShellStep;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** One run of a document's rendered steps, each step a {@code setsid bash <script>} process. */
final class ProcessRun implements LocalRun {
  private static final int MAX_OUTPUT_CHARS = 1 << 20;
  private static final int KILLED = 137;
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(1);

  private final String faultType;
  private final List<ShellStep> steps;
  private final List<String> prefix;
  private final Map<String, String> environment;
  private final StringBuilder output = new StringBuilder();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final Object lock = new Object();
  private Process current;
  private boolean cancelled;

  ProcessRun(
      String faultType, List<ShellStep> steps, List<String> prefix, Map<String, String> env) {
    this.faultType = faultType;
    this.steps = steps;
    this.prefix = prefix;
    this.environment = env;
  }

  void execute() {
    Path workDir = null;
    int code = 0;
    try {
      workDir = Files.createTempDirectory("faultline-" + faultType + "-");
      for (ShellStep step : steps) {
        code = runStep(workDir, step);
        if (code != 0) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      append("faultline local runner: " + e + "\n");
      code = -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killCurrent();
      code = KILLED;
    } finally {
      deleteQuietly(workDir);
      exit.complete(code);
    }
  }

  private int runStep(Path workDir, ShellStep step) throws IOException, InterruptedException {
    // SSM writes each step's commands to a file and executes it; so do we, in a private directory.
    Path script = workDir.resolve("_script.sh");
    Files.writeString(script, step.script(), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    List<String> command = new ArrayList<>(prefix);
    command.add(script.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process;
    synchronized (lock) {
      if (cancelled) {
        return KILLED;
      }
      process = builder.start();
      current = process;
    }
    process.getOutputStream().close();
    Thread reader = Thread.ofVirtual().start(() -> copyOutput(process));
    boolean finished = process.waitFor(step.timeoutSeconds(), TimeUnit.SECONDS);
    if (!finished) {
      append("faultline local runner: step " + step.name() + " timed out\n");
      killGroup(process);
      process.waitFor();
    }
    // A detached child that forgot to redirect its output must not hold the run open.
    reader.join(OUTPUT_DRAIN);
    synchronized (lock) {
      current = null;
      return cancelled ? KILLED : process.exitValue();
    }
  }

  private void copyOutput(Process process) {
    char[] buffer = new char[8192];
    try (Reader in = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        append(new String(buffer, 0, n));
      }
    } catch (IOException e) {
      append("faultline local runner: output lost: " + e.getMessage() + "\n");
    }
  }

  private void append(String text) {
    synchronized (output) {
      int room = MAX_OUTPUT_CHARS - output.length();
      if (room > 0) {
        output.append(text, 0, Math.min(room, text.length()));
      }
    }
  }

  @Override
  public boolean isDone() {
    return exit.isDone();
  }

  @Override
  public int exitCode() {
    if (!exit.isDone()) {
      throw new IllegalStateException("run of " + faultType + " is not done");
    }
    return exit.join();
  }

  @Override
  public String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  @Override
  public boolean await(Duration timeout) throws InterruptedException {
    try {
      exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  @Override
  public void cancel() {
    synchronized (lock) {
      cancelled = true;
    }
    killCurrent();
  }

  private void killCurrent() {
    Process process;
    synchronized (lock) {
      process = current;
    }
    if (process != null) {
      killGroup(process);
    }
  }

  /**
   * The step runs under {@code setsid}, so its pid is its process group id: killing the group takes
   * the script and every child it did not deliberately detach (its dead-man timer).
   */
  private void killGroup(Process process) {
    try {
      Process kill =
          // bash's builtin kill: procps' kill binary is not on every minimal image.
          new ProcessBuilder("bash", "-c", "kill -KILL -- \"-$1\"", "kill", "" + process.pid())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      append("faultline local runner: cannot kill process group: " + e.getMessage() + "\n");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      process.destroyForcibly();
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover temp script holds no secret (values are validated parameters); log and go on.
      System.getLogger(ProcessRun.class.getName())
          .log(System.Logger.Level.DEBUG, "cannot delete " + dir, e);
    }
  }
}
