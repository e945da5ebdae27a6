package io.faultline.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process with its output in a log file, stopped with its whole process tree: SIGTERM to
 * the process and every descendant, then SIGKILL to whatever is left after a grace period. Started
 * in a session of its own (setsid) when the machine has it, so a Ctrl-C in the terminal reaches
 * only the launcher, which then stops its children in order.
 */
public final class ChildProcess implements AutoCloseable {
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Duration GRACE = Duration.ofSeconds(15);

  private final String name;
  private final Path logFile;
  private final Process process;

  private ChildProcess(String name, Path logFile, Process process) {
    this.name = name;
    this.logFile = logFile;
    this.process = process;
  }

  /**
   * Starts {@code command} in {@code workDir} with {@code env} added to this process's environment;
   * standard output and error go to {@code logFile}.
   */
  public static ChildProcess start(
      String name, List<String> command, Map<String, String> env, Path workDir, Path logFile) {
    List<String> full = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      full.add(SETSID.toString());
    }
    full.addAll(command);
    try {
      Files.createDirectories(workDir);
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      ProcessBuilder builder =
          new ProcessBuilder(full)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile());
      builder.environment().putAll(env);
      return new ChildProcess(name, logFile, builder.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + " (" + command + "): " + e, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until something accepts connections on {@code port} of loopback; fails at once, with the
   * log's tail, if the process exits first.
   */
  public void awaitListening(int port, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (!listening(port)) {
      failIfExited();
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            name + " did not listen on port " + port + " within " + timeout + "\n" + tail(40));
      }
      pause(Duration.ofMillis(100));
    }
  }

  /** Throws, with the log's tail, when the process has exited. */
  public void failIfExited() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with " + process.exitValue() + "\n" + tail(80));
    }
  }

  /** The last {@code lines} lines of the process's output. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return "---- last lines of "
          + logFile
          + " ----\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  /** Asks the process tree to stop (SIGTERM) without waiting; see {@link #close()}. */
  public void terminate() {
    List<ProcessHandle> tree = tree();
    tree.forEach(ProcessHandle::destroy);
  }

  /**
   * Stops the process and every descendant: SIGTERM (Spring Boot flushes spans and leaves its
   * consumer groups), then SIGKILL after 15 s. Returns once none of them is alive.
   */
  @Override
  public void close() {
    List<ProcessHandle> tree = tree();
    tree.forEach(ProcessHandle::destroy);
    Instant deadline = Instant.now().plus(GRACE);
    for (ProcessHandle handle : tree) {
      waitFor(handle, Duration.between(Instant.now(), deadline));
    }
    for (ProcessHandle handle : tree) {
      if (handle.isAlive()) {
        handle.destroyForcibly();
        waitFor(handle, Duration.ofSeconds(10));
      }
    }
  }

  private List<ProcessHandle> tree() {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(process.toHandle());
    process.toHandle().descendants().forEach(tree::add);
    return tree;
  }

  private static void waitFor(ProcessHandle handle, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      return;
    }
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      // Still alive (or its exit cannot be observed): the caller escalates to SIGKILL.
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The interval of the launcher's polling loops. What they wait for (a port opening, health
   * turning UP, a group's committed offsets, a child dying) signals no event this process can block
   * on.
   */
  static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
