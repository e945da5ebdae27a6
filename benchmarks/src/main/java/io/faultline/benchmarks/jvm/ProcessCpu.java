package io.faultline.benchmarks.jvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU seconds (user + system) a process and its descendants have used so far, from Linux's {@code
 * /proc/<pid>/stat} (fields 14 and 15, in clock ticks of 10 ms). A child that has already exited is
 * no longer counted, so read before stopping anything.
 */
public final class ProcessCpu {
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcessCpu() {}

  public static double seconds(long pid) {
    ProcessHandle root =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new IllegalStateException("process " + pid + " is not running"));
    return Stream.concat(Stream.of(root), root.descendants())
        .mapToDouble(p -> ticks(p.pid()) / TICKS_PER_SECOND)
        .sum();
  }

  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException e) {
      return 0; // exited meanwhile
    }
  }
}
