package io.faultline.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The {@code faultline} CLI as a user runs it: the wrapper script {@code cli/faultline} starting
 * the executable jar the cli module built, in a process of its own, its output in files (read while
 * it runs, so a follower can be watched).
 */
final class CliProcess implements AutoCloseable {
  private final Process process;
  private final Path out;
  private final Path err;

  private CliProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** The directory of the wrapper script; its jar must have been built. */
  static Path cliDir() {
    Path dir = Path.of(System.getProperty("faultline.e2e.cli-dir", "../cli")).toAbsolutePath();
    try (var jars = Files.list(dir.resolve("target"))) {
      if (jars.noneMatch(p -> p.getFileName().toString().matches("faultline-cli-.*\\.jar"))) {
        throw new IllegalStateException("no jar");
      }
    } catch (IOException | IllegalStateException e) {
      throw new IllegalStateException(
          "the CLI's jar is missing under "
              + dir.resolve("target")
              + ": build it with ./mvnw -B -o -pl cli -am package -DskipTests");
    }
    return dir;
  }

  /** Starts {@code faultline args…} with {@code env} added to a clean environment. */
  static CliProcess start(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(cliDir().resolve("faultline").toString());
    command.addAll(List.of(args));
    return startCommand(command, env);
  }

  /** Runs a shell line with {@code bash -c}, the CLI's directory first on the PATH. */
  static CliProcess shell(Map<String, String> env, String line) {
    return startCommand(List.of("bash", "-c", line), env);
  }

  private static CliProcess startCommand(List<String> command, Map<String, String> env) {
    try {
      Path dir = Path.of(System.getProperty("faultline.e2e.work-dir", "target/e2e"), "cli");
      Files.createDirectories(dir);
      String name = UUID.randomUUID().toString().substring(0, 8);
      Path out = dir.resolve(name + ".out");
      Path err = dir.resolve(name + ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Map<String, String> environment = builder.environment();
      // Nothing of the test's own environment leaks in (a FAULTLINE_TOKEN of the developer).
      environment.clear();
      environment.put("PATH", cliDir() + ":/usr/local/bin:/usr/bin:/bin");
      environment.put("JAVA_HOME", System.getProperty("java.home"));
      environment.put("HOME", System.getProperty("user.home"));
      environment.putAll(env);
      return new CliProcess(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs to its end (at most {@code timeout}); its exit code. */
  int await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(
            "the CLI did not end within "
                + timeout
                + "\nstdout:\n"
                + out()
                + "\nstderr:\n"
                + err());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String out() {
    return read(out);
  }

  String err() {
    return read(err);
  }

  /** Both streams, for failure messages. */
  String transcript() {
    return "stdout:\n" + out() + "\nstderr:\n" + err();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    // The wrapper execs java, so the process is the JVM; its descendants too, to be sure.
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
