package io.faultline.policy.admission;

/**
 * A request nothing could be read from: its value as received, and why; the error travels in the
 * dead letter's {@code faultline.error.*} headers.
 */
record DeadLetter(byte[] value, String reason, String violations) implements Intake {}
