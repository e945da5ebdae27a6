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
 * @param traceId the W3C trace id of the fault's trace, when known
 */
public record RunningFault(
    FaultCoordinates coordinates,
    boolean dryRun,
    FaultParameters parameters,
    List<TargetOutcome> targets,
    List<String> ssmCommandIds,
    String traceId) {
  public RunningFault {
    Objects.requireNonNull(coordinates, "coordinates");
    Objects.requireNonNull(parameters, "parameters");
    targets = targets == null ? List.of() : List.copyOf(targets);
    ssmCommandIds = ssmCommandIds == null ? List.of() : List.copyOf(ssmCommandIds);
  }
}
