/**
 * What every Kafka reader of every service reports: records it skipped as unreadable ({@link
 * io.faultline.telemetry.kafka.PoisonRecords}) and whether it still runs ({@link
 * io.faultline.telemetry.kafka.ConsumerLiveness}), so a poison record never stops a reader and a
 * reader that does stop shows in readiness and in metrics.
 */
package io.faultline.telemetry.kafka;
