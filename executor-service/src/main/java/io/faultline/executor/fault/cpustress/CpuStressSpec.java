package io.faultline.executor.fault.cpustress;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import java.util.Objects;

/**
 * The typed tunables of EC2 CPU stress.
 *
 * @param cpuLoad CPU_LOAD, percent of one core per worker, 1..100
 * @param cpuCores CPU_CORES, number of workers, 0..256 (0 = one per online core)
 */
record CpuStressSpec(
    TargetSelector selector,
    Timing timing,
    int cpuLoad,
    int cpuCores,
    boolean installDependencies,
    String proxy) {

  CpuStressSpec {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timing, "timing");
    if (cpuLoad < 1 || cpuLoad > 100) {
      throw new IllegalArgumentException("CPU_LOAD must be 1..100, was " + cpuLoad);
    }
    if (cpuCores < 0 || cpuCores > 256) {
      throw new IllegalArgumentException("CPU_CORES must be 0..256, was " + cpuCores);
    }
    proxy = proxy == null ? "" : proxy;
  }

  static CpuStressSpec of(FaultParameters parameters) {
    return new CpuStressSpec(
        TargetSelector.ec2(parameters),
        Timing.of(parameters),
        parameters.integer("CPU_LOAD"),
        parameters.integer("CPU_CORES"),
        parameters.text("INSTALL_DEPENDENCIES").map(Boolean::parseBoolean).orElse(true),
        parameters.text("PROXY").orElse(""));
  }
}
