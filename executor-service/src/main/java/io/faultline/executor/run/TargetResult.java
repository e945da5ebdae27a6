package io.faultline.executor.run;

import io.faultline.events.lifecycle.ProcessOutcome;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.executor.fault.CommandTransport.Invocation;
import io.faultline.executor.fault.document.ResultLine;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one command's output says about its target (pure): the {@code FAULTLINE_RESULT pid=…} lines
 * as structured process results (ADR 0011), every other result line as the detail text, bounded so
 * the target fits its share of an event.
 *
 * @param detail the other result lines ({@code key=value …; …}), else the first output line of a
 *     failed command; null when there is nothing to say
 * @param processes at most {@link TargetOutcome#MAX_PROCESSES}, in the order the script printed
 */
record TargetResult(String detail, List<ProcessOutcome> processes) {
  /**
   * The longest detail of a target that reports processes: its 50 results and this detail cost no
   * more of an event than the longest detail of any other target (ADR 0011).
   */
  static final int MAX_DETAIL_WITH_PROCESSES = 250;

  TargetResult {
    processes = List.copyOf(processes);
  }

  static TargetResult of(Invocation invocation) {
    List<ProcessOutcome> processes = new ArrayList<>();
    List<ResultLine> others = new ArrayList<>();
    for (ResultLine line : ResultLine.parseAll(invocation.output())) {
      ProcessOutcome process = process(line);
      if (process == null) {
        others.add(line);
      } else if (processes.size() < TargetOutcome.MAX_PROCESSES) {
        processes.add(process);
      }
    }
    String detail;
    if (!others.isEmpty()) {
      detail =
          others.stream()
              .map(
                  l ->
                      l.fields().entrySet().stream()
                          .map(e -> e.getKey() + "=" + e.getValue())
                          .collect(Collectors.joining(" ")))
              .collect(Collectors.joining("; "));
    } else if (invocation.status() != Invocation.Status.SUCCESS && !invocation.output().isBlank()) {
      detail = invocation.output().strip().lines().findFirst().orElse("");
    } else {
      detail = null;
    }
    return new TargetResult(bounded(detail, !processes.isEmpty()), processes);
  }

  /** Cuts a target's detail to its share of an event. */
  static String bounded(String detail, boolean withProcesses) {
    int max = withProcesses ? MAX_DETAIL_WITH_PROCESSES : LifecycleWriter.MAX_DETAIL;
    return detail == null || detail.length() <= max ? detail : detail.substring(0, max);
  }

  /** The line as a process result, or null when it is not one (or breaks the contract). */
  private static ProcessOutcome process(ResultLine line) {
    String pid = line.fields().get("pid");
    if (pid == null || line.fields().containsKey("action") || !pid.matches("[1-9][0-9]{0,9}")) {
      return null;
    }
    try {
      return new ProcessOutcome(
          Long.parseLong(pid),
          line.fields().get("name"),
          line.fields().get("signal"),
          line.fields().get("outcome"),
          line.fields().get("reason"));
    } catch (IllegalArgumentException | NullPointerException e) {
      return null;
    }
  }
}
