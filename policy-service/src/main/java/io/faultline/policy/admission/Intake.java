package io.faultline.policy.admission;

/** What intake makes of one input record: a command for admission, or a dead letter. */
sealed interface Intake permits AdmissionCommand, DeadLetter {}
