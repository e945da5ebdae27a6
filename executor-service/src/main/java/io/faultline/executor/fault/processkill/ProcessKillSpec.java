package io.faultline.executor.fault.processkill;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The typed tunables of EC2 process kill.
 *
 * @param processIds PIDs to signal, each 2 or more (PID 1 is never a target)
 * @param force SIGKILL when true, SIGTERM otherwise
 * @param installDependencies INSTALL_DEPENDENCIES
 * @param proxy PROXY for the in-instance installer, empty for none
 */
record ProcessKillSpec(
    TargetSelector selector,
    Timing timing,
    List<Long> processIds,
    boolean force,
    boolean installDependencies,
    String proxy) {
  ProcessKillSpec {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timing, "timing");
    processIds = List.copyOf(processIds);
    if (processIds.isEmpty() || processIds.stream().anyMatch(pid -> pid < 2)) {
      throw new IllegalArgumentException("PROCESS_IDS must list PIDs of 2 or more");
    }
    proxy = proxy == null ? "" : proxy;
  }

  static ProcessKillSpec of(FaultParameters parameters) {
    return new ProcessKillSpec(
        TargetSelector.ec2(parameters),
        Timing.of(parameters),
        Arrays.stream(parameters.required("PROCESS_IDS").split(","))
            .map(ProcessKillSpec::pid)
            .toList(),
        parameters.flag("FORCE"),
        parameters.text("INSTALL_DEPENDENCIES").map(Boolean::parseBoolean).orElse(true),
        parameters.text("PROXY").orElse(""));
  }

  private static long pid(String text) {
    if (!text.matches("[0-9]{1,10}")) {
      throw new IllegalArgumentException("PROCESS_IDS must be comma-separated numbers");
    }
    return Long.parseLong(text);
  }

  String signal() {
    return force ? "KILL" : "TERM";
  }
}
