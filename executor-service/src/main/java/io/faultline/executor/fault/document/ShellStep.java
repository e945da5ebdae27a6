package io.faultline.executor.fault.document;

import java.util.List;

/**
 * One {@code aws:runShellScript} step of an {@link SsmDocument}.
 *
 * @param name the step name
 * @param runCommand the script lines, still holding their {@code {{ Param }}} references; SSM joins
 *     them with newlines into one script file
 * @param timeoutSeconds the step's {@code timeoutSeconds} input (SSM's default 3600 when absent)
 */
public record ShellStep(String name, List<String> runCommand, int timeoutSeconds) {
  public ShellStep {
    runCommand = List.copyOf(runCommand);
  }

  /** The script SSM would write to disk before parameter substitution. */
  public String script() {
    return String.join("\n", runCommand) + "\n";
  }
}
