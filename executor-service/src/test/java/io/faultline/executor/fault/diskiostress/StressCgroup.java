package io.faultline.executor.fault.diskiostress;

import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.local.HostProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A cgroup v1 of its own (cpu, memory, pids) that a document run and everything it starts live in,
 * so a stress test can never starve the machine: a quarter of one CPU, 192 MiB, 64 tasks. Needs
 * root and the v1 controllers (the v2 mount has none here).
 */
final class StressCgroup implements AutoCloseable {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final List<String> CONTROLLERS = List.of("cpu", "memory", "pids");
  private final List<Path> dirs = new ArrayList<>();

  StressCgroup(String name) {
    try {
      for (String controller : CONTROLLERS) {
        Path dir = Files.createDirectories(ROOT.resolve(controller).resolve(name));
        dirs.add(dir);
      }
      Files.writeString(ROOT.resolve("cpu").resolve(name).resolve("cpu.cfs_quota_us"), "25000");
      Files.writeString(
          ROOT.resolve("memory").resolve(name).resolve("memory.limit_in_bytes"),
          Long.toString(192L << 20));
      Files.writeString(ROOT.resolve("pids").resolve(name).resolve("pids.max"), "64");
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot create cgroup " + name, e);
    }
  }

  /** A launcher for {@code LocalDocumentRunner}: joins the cgroup, then runs the script. */
  List<String> launcher() {
    StringBuilder join = new StringBuilder();
    for (Path dir : dirs) {
      join.append("echo $$ > ").append(dir.resolve("cgroup.procs")).append(" && ");
    }
    return List.of("bash", "-c", join + "exec \"$@\"", "cgroup-launch");
  }

  /** Pids of the processes in the cgroup. */
  List<Long> pids() {
    try {
      return Files.readAllLines(dirs.getFirst().resolve("cgroup.procs")).stream()
          .filter(line -> !line.isBlank())
          .map(Long::parseLong)
          .filter(HostProcesses::isRunning)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes the cgroup's live processes have written so far ({@code wchar} of /proc/PID/io). */
  long bytesWritten() {
    long total = 0;
    for (long pid : pids()) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
          if (line.startsWith("wchar:")) {
            total += Long.parseLong(line.substring("wchar:".length()).strip());
          }
        }
      } catch (IOException e) {
        // The process exited while we looked: its bytes are gone with it.
        continue;
      }
    }
    return total;
  }

  /** Kills whatever still runs in the cgroup (a failed test), then removes it. */
  @Override
  public void close() {
    if (!dirs.isEmpty()) {
      for (long pid : pids()) {
        HostProcesses.kill(Long.toString(pid));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> pids().isEmpty());
    }
    for (Path dir : dirs) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove cgroup " + dir, e);
      }
    }
    dirs.clear();
  }
}
