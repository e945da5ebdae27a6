package io.faultline.executor.fault.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small tmpfs mounted on a directory of its own, for disk faults to fill and stress for real
 * without touching the disks of the machine running the tests. Needs root.
 */
public final class ScratchFilesystem implements AutoCloseable {
  private final Path mountPoint;

  private ScratchFilesystem(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code mebibytes} MiB on {@code mountPoint} (created when missing). */
  public static ScratchFilesystem mount(Path mountPoint, int mebibytes) {
    try {
      Files.createDirectories(mountPoint);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HostProcesses.runOk(
        "mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m", "tmpfs", mountPoint.toString());
    return new ScratchFilesystem(mountPoint);
  }

  public Path path() {
    return mountPoint;
  }

  /** df's view of the filesystem, in KiB. */
  public record Usage(long sizeKib, long usedKib, long availableKib) {
    /** Use% as df prints it: used / (used + available), rounded up. */
    public int usedPercent() {
      long total = usedKib + availableKib;
      return (int) ((usedKib * 100 + total - 1) / total);
    }
  }

  public Usage usage() {
    String[] lines =
        HostProcesses.runOk("df", "-P", "-k", mountPoint.toString()).strip().split("\n");
    String[] fields = lines[lines.length - 1].trim().split("\\s+");
    return new Usage(
        Long.parseLong(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3]));
  }

  /** Writes a file of {@code mebibytes} MiB, as an application on the host would. */
  public Path write(String name, int mebibytes) {
    Path file = mountPoint.resolve(name);
    HostProcesses.runOk(
        "dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=" + mebibytes, "status=none");
    return file;
  }

  /** Unmounts, lazily if a straggler still holds it, so a failed test never blocks the next. */
  @Override
  public void close() {
    if (HostProcesses.run(java.util.List.of("umount", mountPoint.toString())).exitCode() != 0) {
      HostProcesses.run(java.util.List.of("umount", "-l", mountPoint.toString()));
    }
  }
}
