package io.faultline.events.catalogue;

import static io.faultline.events.catalogue.CommonTunables.ONE_SELECTOR;
import static io.faultline.events.catalogue.CommonTunables.PERCENT_NEEDS_TAG;
import static io.faultline.events.catalogue.CommonTunables.affectedPercent;
import static io.faultline.events.catalogue.CommonTunables.duration;
import static io.faultline.events.catalogue.CommonTunables.installDependencies;
import static io.faultline.events.catalogue.CommonTunables.instanceId;
import static io.faultline.events.catalogue.CommonTunables.instanceTag;
import static io.faultline.events.catalogue.CommonTunables.proxy;
import static io.faultline.events.catalogue.CommonTunables.rampTime;
import static io.faultline.events.catalogue.CommonTunables.sequence;

import io.faultline.events.ids.FaultType;
import java.util.List;

/**
 * The disk faults of the Prime Video runner (and Litmus's disk-fill, FIS's disk stress): filling a
 * filesystem to a percentage, and stressing its IO with stress-ng.
 */
final class DiskFaults {
  private DiskFaults() {}

  static final FaultType EC2_DISK_FILL = FaultType.of("ec2-disk-fill");
  static final FaultType EC2_DISK_IO_STRESS = FaultType.of("ec2-disk-io-stress");

  /**
   * An absolute directory path: {@code /} or up to 16 segments of at most 128 characters, each
   * starting with a letter, digit or underscore, so {@code .}, {@code ..}, hidden names, spaces and
   * shell metacharacters never reach the host.
   */
  static final String VOLUME_PATH =
      "^/([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}){0,15})?$";

  private static ParameterSpec volumeMountPath(String what) {
    return ParameterSpec.text(
        "VOLUME_MOUNT_PATH",
        "/tmp",
        VOLUME_PATH,
        false,
        true,
        "Absolute path of an existing directory on the filesystem to " + what + ".");
  }

  static FaultTypeSpec diskFill() {
    return new FaultTypeSpec(
        EC2_DISK_FILL,
        "EC2 disk fill",
        "Writes one file of the fault under VOLUME_MOUNT_PATH (fallocate, else dd) until its"
            + " filesystem is FILESYSTEM_UTILIZATION_PERCENTAGE used, for TOTAL_CHAOS_DURATION;"
            + " does nothing when the filesystem is already that full. Rollback deletes exactly"
            + " that file and verifies the space is back.",
        TargetKind.EC2_INSTANCES,
        List.of(
            instanceId(),
            instanceTag(),
            volumeMountPath("fill"),
            ParameterSpec.integer(
                "FILESYSTEM_UTILIZATION_PERCENTAGE",
                80,
                1,
                95,
                true,
                "Used percentage of the filesystem to reach (as df reports it). At most 95, so"
                    + " the host can still recover."),
            duration(),
            affectedPercent(),
            installDependencies("fallocate (util-linux); dd is used without it"),
            proxy(),
            sequence("instances"),
            rampTime()),
        ONE_SELECTOR,
        PERCENT_NEEDS_TAG);
  }

  static FaultTypeSpec diskIoStress() {
    return new FaultTypeSpec(
        EC2_DISK_IO_STRESS,
        "EC2 disk IO stress",
        "Runs NUMBER_OF_WORKERS stress-ng hdd workers, each writing and reading IO_MIB_PER_WORKER"
            + " MiB in a scratch directory of the fault under VOLUME_MOUNT_PATH, for"
            + " TOTAL_CHAOS_DURATION; refused when the scratch data would take the filesystem"
            + " beyond 95% used. Rollback stops every worker and removes the scratch directory.",
        TargetKind.EC2_INSTANCES,
        List.of(
            instanceId(),
            instanceTag(),
            volumeMountPath("stress"),
            ParameterSpec.integer(
                "NUMBER_OF_WORKERS", 1, 1, 16, true, "Number of stress-ng hdd workers."),
            ParameterSpec.integer(
                "IO_MIB_PER_WORKER",
                256,
                1,
                4_096,
                true,
                "Scratch data each worker writes and reads, in MiB (stress-ng --hdd-bytes)."),
            duration(),
            affectedPercent(),
            installDependencies("stress-ng"),
            proxy(),
            sequence("instances"),
            rampTime()),
        ONE_SELECTOR,
        PERCENT_NEEDS_TAG);
  }
}
