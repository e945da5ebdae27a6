package io.faultline.executor.fault.memorystress;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import java.util.Objects;

/**
 * The typed tunables of EC2 memory stress.
 *
 * @param memoryPercentage MEMORY_PERCENTAGE, of the host's total memory, 1..90
 * @param workers NUMBER_OF_WORKERS, 1..16, sharing the memory between them
 */
record MemoryStressSpec(
    TargetSelector selector,
    Timing timing,
    int memoryPercentage,
    int workers,
    boolean installDependencies,
    String proxy) {

  MemoryStressSpec {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timing, "timing");
    if (memoryPercentage < 1 || memoryPercentage > 90) {
      throw new IllegalArgumentException(
          "MEMORY_PERCENTAGE must be 1..90, was " + memoryPercentage);
    }
    if (workers < 1 || workers > 16) {
      throw new IllegalArgumentException("NUMBER_OF_WORKERS must be 1..16, was " + workers);
    }
    proxy = proxy == null ? "" : proxy;
  }

  static MemoryStressSpec of(FaultParameters parameters) {
    return new MemoryStressSpec(
        TargetSelector.ec2(parameters),
        Timing.of(parameters),
        parameters.integer("MEMORY_PERCENTAGE"),
        parameters.integer("NUMBER_OF_WORKERS"),
        parameters.text("INSTALL_DEPENDENCIES").map(Boolean::parseBoolean).orElse(true),
        parameters.text("PROXY").orElse(""));
  }
}
