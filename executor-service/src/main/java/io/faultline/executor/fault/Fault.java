package io.faultline.executor.fault;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.FaultType;

/**
 * One fault type. Implementations are registered through {@link java.util.ServiceLoader} (see
 * {@link FaultRegistry}), so adding a fault type adds a package and a line in {@code
 * META-INF/services}, never a {@code switch}.
 *
 * <p>Contract: {@link #spec} is pure (no I/O) and rejects any value that could not be handed to the
 * fault's SSM document, so a hostile parameter fails here, before any command is sent.
 */
public interface Fault {
  /** The catalogue type this fault runs, e.g. {@code ec2-process-kill}. */
  FaultType type();

  /**
   * The typed spec of one approval's tunables.
   *
   * @throws IllegalArgumentException when a tunable is missing or not acceptable to the document
   */
  FaultSpec spec(FaultParameters parameters);

  /**
   * The typed spec of one approval's tunables under the fault's guard (the approval's, with the
   * tenant's current protected targets): a fault whose targets resolve only on the host (process
   * names, destinations) hands what the guard protects there to its document. Pure, like {@link
   * #spec(FaultParameters)}, which it is unless a fault needs the guard.
   *
   * @throws IllegalArgumentException when a tunable is missing or not acceptable to the document
   */
  default FaultSpec spec(FaultParameters parameters, ProtectedTargetGuard guard) {
    return spec(parameters);
  }
}
