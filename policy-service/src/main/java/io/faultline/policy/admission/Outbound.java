package io.faultline.policy.admission;

/** An encoded event and the topic it goes to; its CloudEvents headers travel in the record. */
record Outbound(String topic, byte[] value) {}
