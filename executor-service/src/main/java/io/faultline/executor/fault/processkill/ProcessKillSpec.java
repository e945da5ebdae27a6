package io.faultline.executor.fault.processkill;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The typed tunables of EC2 process kill: exactly one of {@code processIds} and {@code
 * processNames} is non-empty.
 *
 * @param processIds PIDs to signal, each 2 or more (PID 1 is never a target)
 * @param processNames names or patterns the host resolves to PIDs at inject time, at most 20
 * @param match how {@code processNames} match
 * @param protectedNames process names the tenant protects: the host never signals such a process
 * @param force SIGKILL when true, SIGTERM otherwise
 * @param installDependencies INSTALL_DEPENDENCIES
 * @param proxy PROXY for the in-instance installer, empty for none
 */
record ProcessKillSpec(
    TargetSelector selector,
    Timing timing,
    List<Long> processIds,
    List<String> processNames,
    Match match,
    List<String> protectedNames,
    boolean force,
    boolean installDependencies,
    String proxy) {

  /** How PROCESS_NAMES match a process. */
  enum Match {
    /** The process name (comm), on its first 15 characters. */
    EXACT,
    /** An extended regular expression found in the command line, like {@code pkill -f}. */
    PATTERN
  }

  static final int MAX_NAMES = 20;
  static final int MAX_PROTECTED_NAMES = 100;
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9._:@+/=^$*?\\[\\]][A-Za-z0-9._:@+/=^$*?\\[\\]-]{0,63}");
  private static final Pattern PROTECTED_NAME =
      Pattern.compile("[A-Za-z0-9_.:@+-][A-Za-z0-9_.:@+/-]{0,127}");

  ProcessKillSpec {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(match, "match");
    processIds = List.copyOf(processIds);
    processNames = List.copyOf(processNames);
    protectedNames = List.copyOf(protectedNames);
    if (processIds.isEmpty() == processNames.isEmpty()) {
      throw new IllegalArgumentException("exactly one of PROCESS_IDS, PROCESS_NAMES must be set");
    }
    if (processIds.stream().anyMatch(pid -> pid < 2)) {
      throw new IllegalArgumentException("PROCESS_IDS must list PIDs of 2 or more");
    }
    if (processNames.size() > MAX_NAMES) {
      throw new IllegalArgumentException("PROCESS_NAMES lists at most " + MAX_NAMES + " names");
    }
    for (String name : processNames) {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "PROCESS_NAMES '" + name + "' does not match " + NAME.pattern());
      }
      if (match == Match.PATTERN) {
        try {
          Pattern.compile(name);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(
              "PROCESS_NAMES '" + name + "' is not a regular expression: " + e.getDescription());
        }
      }
    }
    if (protectedNames.size() > MAX_PROTECTED_NAMES) {
      throw new IllegalArgumentException(
          "at most "
              + MAX_PROTECTED_NAMES
              + " protected process names reach a host, got "
              + protectedNames.size());
    }
    for (String name : protectedNames) {
      if (!PROTECTED_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "protected process name '" + name + "' does not match " + PROTECTED_NAME.pattern());
      }
    }
    proxy = proxy == null ? "" : proxy;
  }

  static ProcessKillSpec of(FaultParameters parameters, List<String> protectedNames) {
    return new ProcessKillSpec(
        TargetSelector.ec2(parameters),
        Timing.of(parameters),
        parameters.text("PROCESS_IDS").filter(s -> !s.isEmpty()).stream()
            .flatMap(ids -> Arrays.stream(ids.split(",")))
            .map(ProcessKillSpec::pid)
            .toList(),
        parameters.text("PROCESS_NAMES").filter(s -> !s.isEmpty()).stream()
            .flatMap(names -> Arrays.stream(names.split(",")))
            .toList(),
        parameters.text("PROCESS_MATCH").filter("pattern"::equals).isPresent()
            ? Match.PATTERN
            : Match.EXACT,
        protectedNames,
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
