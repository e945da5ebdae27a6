package io.faultline.executor.fault.local;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away cgroup v1 "host" for stress faults: one group of the same name in the {@code cpu}
 * (CFS quota: a fraction of one core), {@code cpuacct} (CPU time used) and {@code memory} (limit)
 * hierarchies, so a document run in it can never starve the machine, and its own counters measure
 * what the stress did. Documents run in it through {@link #launcher()}; their children, detached or
 * not, stay in it.
 */
public final class TestCgroup implements AutoCloseable {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final long PERIOD_US = 100_000;

  private final Path cpu;
  private final Path cpuacct;
  private final Path memory;

  /**
   * @param cpuPercentOfOneCore the CFS quota, e.g. 15 = 15 ms of CPU per 100 ms
   * @param memoryLimitBytes the memory limit of the group
   */
  public TestCgroup(int cpuPercentOfOneCore, long memoryLimitBytes) {
    String name = "faultline-test-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
    cpu = create("cpu", name);
    cpuacct = create("cpuacct", name);
    memory = create("memory", name);
    try {
      write(cpu.resolve("cpu.cfs_period_us"), PERIOD_US);
      write(cpu.resolve("cpu.cfs_quota_us"), PERIOD_US * cpuPercentOfOneCore / 100);
      write(memory.resolve("memory.limit_in_bytes"), memoryLimitBytes);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static Path create(String controller, String name) {
    Path hierarchy = ROOT.resolve(controller);
    if (!Files.isRegularFile(hierarchy.resolve("cgroup.procs"))) {
      throw new IllegalStateException(
          "the stress tests need the cgroup v1 " + controller + " controller at " + hierarchy);
    }
    try {
      return Files.createDirectory(hierarchy.resolve(name));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create cgroup " + hierarchy.resolve(name), e);
    }
  }

  private static void write(Path file, long value) {
    try {
      Files.writeString(file, Long.toString(value));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + value + " to " + file, e);
    }
  }

  private static long read(Path file) {
    try {
      return Long.parseLong(Files.readString(file).strip());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  /**
   * The launcher for {@link LocalDocumentRunner}: the script's shell moves itself into the group's
   * memory hierarchy before it starts, so the document sizes its stress from the group's limit and
   * everything it starts is bounded by it. The CPU quota is for the stressor alone (see {@link
   * #cpuProcs()}): a script sharing 20 % of a core with the stress it starts, on a loaded machine,
   * would take minutes.
   */
  public List<String> launcher() {
    return List.of(
        "bash",
        "-c",
        "echo $$ > \"$1\" || exit 125; shift; exec \"$@\"",
        "cgroup",
        memory.resolve("cgroup.procs").toString());
  }

  /** The {@code cgroup.procs} files of the group's cpu and cpuacct hierarchies. */
  public List<Path> cpuProcs() {
    return List.of(cpu.resolve("cgroup.procs"), cpuacct.resolve("cgroup.procs"));
  }

  /** CPU time used by the group's processes so far, in nanoseconds. */
  public long cpuUsageNanos() {
    return read(cpuacct.resolve("cpuacct.usage"));
  }

  /** Memory charged to the group now, in bytes. */
  public long memoryUsageBytes() {
    return read(memory.resolve("memory.usage_in_bytes"));
  }

  /**
   * Anonymous memory of the group's processes now ({@code total_rss} of {@code memory.stat}), in
   * bytes: what a stressor allocates and gives back when it ends. Unlike {@link
   * #memoryUsageBytes()} it leaves out the page cache charged to the group, e.g. binaries and
   * libraries first read from disk by one of its processes, which can stay after they exit.
   */
  public long memoryAnonymousBytes() {
    try {
      for (String line : Files.readAllLines(memory.resolve("memory.stat"))) {
        if (line.startsWith("total_rss ")) {
          return Long.parseLong(line.substring("total_rss ".length()).strip());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + memory.resolve("memory.stat"), e);
    }
    throw new IllegalStateException("no total_rss in " + memory.resolve("memory.stat"));
  }

  /** The most memory charged to the group at once, in bytes. */
  public long memoryMaxUsageBytes() {
    return read(memory.resolve("memory.max_usage_in_bytes"));
  }

  /** Live processes of the group (zombies have exited). */
  public List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (Path group : List.of(cpu, cpuacct, memory)) {
      try {
        for (String line : Files.readAllLines(group.resolve("cgroup.procs"))) {
          long pid = Long.parseLong(line.strip());
          if (!pids.contains(pid) && HostProcesses.isRunning(pid)) {
            pids.add(pid);
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + group, e);
      }
    }
    return pids;
  }

  /** Kills whatever a failed test left in the group and removes it from every hierarchy. */
  @Override
  public void close() {
    for (Path group : List.of(cpu, cpuacct, memory)) {
      if (group == null || !Files.isDirectory(group)) {
        continue;
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                for (String pid : Files.readAllLines(group.resolve("cgroup.procs"))) {
                  HostProcesses.kill(pid.strip());
                }
                return Files.readAllLines(group.resolve("cgroup.procs")).isEmpty();
              });
      try {
        Files.delete(group);
      } catch (IOException e) {
        throw new IllegalStateException("cannot remove cgroup " + group, e);
      }
    }
  }
}
