package io.faultline.events.lifecycle;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultCoordinates;
import java.util.List;
import java.util.Objects;

/**
 * What every executor event about a running fault repeats: the fault as approved (coordinates, dry
 * run, parameters), its targets and SSM commands so far, and its trace. Stage, sequence, time,
 * reason and detail are each event's own (see {@link FaultLifecycleEvent#started} and the other
 * executor factories).
 *
 * @param targets the targets listed (all of them, or a sample: {@link #sampled})
 * @param ssmCommandIds the command ids listed (all of them, or a sample)
 * @param targetSummary the counts behind a sample; null when the lists are complete and unsummed
 * @param traceId the W3C trace id of the fault's trace, when known
 */
public record RunningFault(
    FaultCoordinates coordinates,
    boolean dryRun,
    FaultParameters parameters,
    List<TargetOutcome> targets,
    List<String> ssmCommandIds,
    TargetSummary targetSummary,
    String traceId) {
  public RunningFault {
    Objects.requireNonNull(coordinates, "coordinates");
    Objects.requireNonNull(parameters, "parameters");
    targets = targets == null ? List.of() : List.copyOf(targets);
    ssmCommandIds = ssmCommandIds == null ? List.of() : List.copyOf(ssmCommandIds);
  }

  /** A fault whose events list every target and command, without a summary. */
  public RunningFault(
      FaultCoordinates coordinates,
      boolean dryRun,
      FaultParameters parameters,
      List<TargetOutcome> targets,
      List<String> ssmCommandIds,
      String traceId) {
    this(coordinates, dryRun, parameters, targets, ssmCommandIds, null, traceId);
  }

  /**
   * A fault whose events list a sample of at most {@code limit} targets and command ids ({@link
   * TargetSample}) with the counts of all of them; no summary while there is nothing to count.
   */
  public static RunningFault sampled(
      FaultCoordinates coordinates,
      boolean dryRun,
      FaultParameters parameters,
      List<TargetOutcome> targets,
      List<String> ssmCommandIds,
      String traceId,
      int limit) {
    TargetSample sample = TargetSample.of(targets, ssmCommandIds, limit);
    return new RunningFault(
        coordinates,
        dryRun,
        parameters,
        sample.targets(),
        sample.ssmCommandIds(),
        targets.isEmpty() && ssmCommandIds.isEmpty() ? null : sample.summary(),
        traceId);
  }
}
