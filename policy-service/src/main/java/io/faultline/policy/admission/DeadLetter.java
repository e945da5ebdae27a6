package io.faultline.policy.admission;

/** A request nothing could be read from; its error travels in the record's headers. */
record DeadLetter(byte[] value) implements Intake {}
