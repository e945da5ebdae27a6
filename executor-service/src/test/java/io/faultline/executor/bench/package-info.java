/**
 * The performance harness (not a test): faults in flight per executor, heap per fault and SSM calls
 * per fault, against an in-process AWS stub. Run it with the command in the module README.
 */
package io.faultline.executor.bench;
