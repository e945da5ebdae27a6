package io.faultline.policy.admission;

import java.util.List;

/**
 * What intake makes of one input record: a command for admission, several (a heartbeat, one per
 * tenant and the clock for every partition), or a dead letter.
 */
sealed interface Intake permits AdmissionCommand, Intake.Commands, DeadLetter {

  /** Several commands from one record, written in this order. */
  record Commands(List<AdmissionCommand> commands) implements Intake {
    public Commands {
      commands = List.copyOf(commands);
    }
  }
}
