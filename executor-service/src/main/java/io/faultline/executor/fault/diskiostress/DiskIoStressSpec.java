package io.faultline.executor.fault.diskiostress;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The typed tunables of EC2 disk IO stress.
 *
 * @param volumeMountPath VOLUME_MOUNT_PATH, an absolute directory path without {@code .} or {@code
 *     ..} segments
 * @param workers NUMBER_OF_WORKERS, 1..16
 * @param mibPerWorker IO_MIB_PER_WORKER, 1..4096
 * @param installDependencies INSTALL_DEPENDENCIES
 * @param proxy PROXY for the in-instance installer, empty for none
 */
record DiskIoStressSpec(
    TargetSelector selector,
    Timing timing,
    String volumeMountPath,
    int workers,
    int mibPerWorker,
    boolean installDependencies,
    String proxy) {
  static final Pattern VOLUME_PATH =
      Pattern.compile(
          "^/([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}){0,15})?$");

  DiskIoStressSpec {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timing, "timing");
    if (volumeMountPath == null || !VOLUME_PATH.matcher(volumeMountPath).matches()) {
      throw new IllegalArgumentException(
          "VOLUME_MOUNT_PATH must be an absolute path without . or .. segments, spaces or"
              + " metacharacters");
    }
    if (workers < 1 || workers > 16) {
      throw new IllegalArgumentException("NUMBER_OF_WORKERS must be 1..16");
    }
    if (mibPerWorker < 1 || mibPerWorker > 4_096) {
      throw new IllegalArgumentException("IO_MIB_PER_WORKER must be 1..4096");
    }
    proxy = proxy == null ? "" : proxy;
  }

  static DiskIoStressSpec of(FaultParameters parameters) {
    return new DiskIoStressSpec(
        TargetSelector.ec2(parameters),
        Timing.of(parameters),
        parameters.text("VOLUME_MOUNT_PATH").orElse("/tmp"),
        parameters.integer("NUMBER_OF_WORKERS"),
        parameters.integer("IO_MIB_PER_WORKER"),
        parameters.text("INSTALL_DEPENDENCIES").map(Boolean::parseBoolean).orElse(true),
        parameters.text("PROXY").orElse(""));
  }
}
