package io.faultline.executor.fault.diskfill;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The typed tunables of EC2 disk fill.
 *
 * @param volumeMountPath VOLUME_MOUNT_PATH, an absolute directory path without {@code .} or {@code
 *     ..} segments
 * @param utilizationPercent FILESYSTEM_UTILIZATION_PERCENTAGE, 1..95
 * @param installDependencies INSTALL_DEPENDENCIES
 * @param proxy PROXY for the in-instance installer, empty for none
 */
record DiskFillSpec(
    TargetSelector selector,
    Timing timing,
    String volumeMountPath,
    int utilizationPercent,
    boolean installDependencies,
    String proxy) {
  static final Pattern VOLUME_PATH =
      Pattern.compile(
          "^/([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}){0,15})?$");

  DiskFillSpec {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timing, "timing");
    if (volumeMountPath == null || !VOLUME_PATH.matcher(volumeMountPath).matches()) {
      throw new IllegalArgumentException(
          "VOLUME_MOUNT_PATH must be an absolute path without . or .. segments, spaces or"
              + " metacharacters");
    }
    if (utilizationPercent < 1 || utilizationPercent > 95) {
      throw new IllegalArgumentException("FILESYSTEM_UTILIZATION_PERCENTAGE must be 1..95");
    }
    proxy = proxy == null ? "" : proxy;
  }

  static DiskFillSpec of(FaultParameters parameters) {
    return new DiskFillSpec(
        TargetSelector.ec2(parameters),
        Timing.of(parameters),
        parameters.text("VOLUME_MOUNT_PATH").orElse("/tmp"),
        parameters.integer("FILESYSTEM_UTILIZATION_PERCENTAGE"),
        parameters.text("INSTALL_DEPENDENCIES").map(Boolean::parseBoolean).orElse(true),
        parameters.text("PROXY").orElse(""));
  }
}
