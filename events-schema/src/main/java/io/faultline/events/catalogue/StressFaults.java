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
 * The resource-exhaustion faults of the Prime Video runner and FIS (AWSFIS-Run-CPU-Stress,
 * AWSFIS-Run-Memory-Stress), driven by stress-ng on the host.
 */
final class StressFaults {
  private StressFaults() {}

  static final FaultType EC2_CPU_STRESS = FaultType.of("ec2-cpu-stress");
  static final FaultType EC2_MEMORY_STRESS = FaultType.of("ec2-memory-stress");

  static FaultTypeSpec cpuStress() {
    return new FaultTypeSpec(
        EC2_CPU_STRESS,
        "EC2 CPU stress",
        "Runs CPU_CORES stress-ng CPU workers (0 = one per online core), each loading its core to"
            + " CPU_LOAD percent, for TOTAL_CHAOS_DURATION; then stops exactly those workers.",
        TargetKind.EC2_INSTANCES,
        List.of(
            instanceId(),
            instanceTag(),
            ParameterSpec.integer(
                "CPU_LOAD", 100, 1, 100, true, "Load of each CPU worker, in percent of one core."),
            ParameterSpec.integer(
                "CPU_CORES",
                0,
                0,
                256,
                true,
                "Number of CPU workers (cores to load); 0 starts one per online core."),
            duration(),
            affectedPercent(),
            installDependencies("stress-ng"),
            proxy(),
            sequence("instances"),
            rampTime()),
        ONE_SELECTOR,
        PERCENT_NEEDS_TAG);
  }

  static FaultTypeSpec memoryStress() {
    return new FaultTypeSpec(
        EC2_MEMORY_STRESS,
        "EC2 memory stress",
        "Has NUMBER_OF_WORKERS stress-ng workers allocate and keep writing MEMORY_PERCENTAGE of the"
            + " host's total memory between them, for TOTAL_CHAOS_DURATION; then stops exactly"
            + " those workers. At most 90 percent, so the host keeps memory to recover.",
        TargetKind.EC2_INSTANCES,
        List.of(
            instanceId(),
            instanceTag(),
            ParameterSpec.integer(
                "MEMORY_PERCENTAGE",
                50,
                1,
                90,
                true,
                "Memory to consume, in percent of the host's total memory (or of its cgroup's"
                    + " limit when lower), shared by the workers."),
            ParameterSpec.integer(
                "NUMBER_OF_WORKERS", 1, 1, 16, true, "Number of stress-ng memory workers."),
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
