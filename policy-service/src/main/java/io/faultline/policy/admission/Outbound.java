package io.faultline.policy.admission;

/**
 * An encoded event and the topic it goes to; its CloudEvents headers travel in the record. An
 * escrow message for another admission partition (ADR 0012) is a {@code command} instead.
 */
record Outbound(String topic, byte[] value, AdmissionCommand command) {
  Outbound(String topic, byte[] value) {
    this(topic, value, null);
  }

  static Outbound escrow(AdmissionCommand command) {
    return new Outbound(AdmissionSettings.ADMISSION_LOG, null, command);
  }
}
