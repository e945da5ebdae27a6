/**
 * The fault model and its ports: a {@link io.faultline.executor.fault.Fault} turns validated
 * tunables into a typed {@link io.faultline.executor.fault.FaultSpec} whose inject and rollback on
 * one target are SSM document calls; {@link io.faultline.executor.fault.AccountSession} is how the
 * runner reaches an account (AWS, or this host for tests and the local platform).
 */
package io.faultline.executor.fault;
