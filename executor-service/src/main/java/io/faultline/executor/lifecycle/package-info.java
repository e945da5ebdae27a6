/**
 * Publishing: lifecycle events (key tenant id, source {@code /faultline/executor-service}) and the
 * execution journal written together in one Kafka transaction, so an event and the journal state
 * that follows it are never seen apart (group commit keeps thousands of faults cheap).
 */
package io.faultline.executor.lifecycle;
