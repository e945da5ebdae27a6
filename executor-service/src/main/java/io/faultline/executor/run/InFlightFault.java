package io.faultline.executor.run;

import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.FaultKey;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import java.util.Objects;

/**
 * A fault this executor is driving now, as {@link FaultRunner#inFlightFaults()} reports it: from
 * the moment its approval is accepted until its terminal event is being written. A fault released
 * to another executor is not in flight here.
 *
 * @param phase how far it got; never {@link Phase#TERMINAL}
 * @param epoch the owner epoch this executor drives it under (ADR 0007 §5)
 */
public record InFlightFault(FaultKey key, AccountId accountId, Phase phase, long epoch) {
  public InFlightFault {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(phase, "phase");
    if (phase == Phase.TERMINAL) {
      throw new IllegalArgumentException("a terminal fault is not in flight: " + key);
    }
  }
}
