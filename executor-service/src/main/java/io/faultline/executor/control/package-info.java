/**
 * Aborts and halts: every executor reads every partition of the controls topic (assigned, no
 * consumer group, from the beginning so the latest halt per scope is known before any approval is
 * started) and tells running faults to abort.
 */
package io.faultline.executor.control;
