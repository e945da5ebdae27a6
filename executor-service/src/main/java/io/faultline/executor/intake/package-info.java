/**
 * Intake: consumes the approvals topic as one consumer group, starts each approval as its own
 * fault, commits an offset only once every earlier approval of its partition is journaled, hands
 * partitions over on rebalance, and answers undecodable approvals with FAILED INVALID_REQUEST.
 */
package io.faultline.executor.intake;
