package io.faultline.executor.fault.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What tests observe on this host: processes by /proc, commands with their output. */
public final class HostProcesses {
  private HostProcesses() {}

  /** A result of {@link #run}. */
  public record Result(int exitCode, String output) {}

  /** Runs a command to completion (at most 30 s), stdout and stderr merged. */
  public static Result run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a command and fails unless it exits 0. */
  public static String runOk(String... command) {
    Result result = run(List.of(command));
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited " + result.exitCode() + ": " + result.output());
    }
    return result.output();
  }

  /**
   * Whether the process runs. A zombie counts as gone: it has exited, and in a container whose PID
   * 1 is not an init nobody may ever reap it.
   */
  public static boolean isRunning(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("State:")) {
          return !line.contains("Z");
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** Pids of live processes whose command line contains {@code fragment}. */
  public static List<Long> pidsWithCommandLineContaining(String fragment) {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline =
              new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ');
          if (cmdline.contains(fragment) && isRunning(Long.parseLong(name))) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // The process exited while we looked: it is not running.
          continue;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return pids;
  }

  /**
   * Copies an executable test script from the classpath (build copies lose the executable bit) into
   * {@code dir} and makes it executable.
   */
  public static Path installExecutable(String resource, Path dir) {
    try (var in = HostProcesses.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no test resource " + resource);
      }
      Files.createDirectories(dir);
      Path target = dir.resolve(Path.of(resource).getFileName().toString());
      Files.write(target, in.readAllBytes());
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
      return target;
    } catch (IOException e) {
      throw new IllegalStateException("cannot install " + resource, e);
    }
  }

  /** SIGKILLs a pid (or, as {@code -pgid}, a process group) with bash's builtin kill. */
  public static void kill(String target) {
    run(List.of("bash", "-c", "kill -KILL -- \"$1\"", "kill", target));
  }

  /** Kills, with their process groups, every live process whose command line names fragment. */
  public static void killAll(String fragment) {
    for (long pid : pidsWithCommandLineContaining(fragment)) {
      kill("-" + pid);
      kill(Long.toString(pid));
    }
  }
}
