package io.faultline.executor.run;

import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.CommandTransport.DocumentVersion;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.run.CommandRound.Direction;

/**
 * What sending a fault's document calls takes: the account session, the fault's spec and context,
 * and the document version made available in the account.
 */
record CommandContext(
    AccountSession session, FaultSpec spec, FaultContext context, DocumentVersion version) {

  /**
   * Makes the fault's document available in the account (created once per content version).
   *
   * @param first a target whose {@code direction} call names the document
   * @throws io.faultline.executor.fault.TransportException when the account refuses
   */
  static CommandContext prepare(
      AccountSession session,
      FaultSpec spec,
      FaultContext context,
      Direction direction,
      Target first) {
    DocumentVersion version =
        session.ensureDocument(direction.call(spec, first, context).document());
    return new CommandContext(session, spec, context, version);
  }
}
