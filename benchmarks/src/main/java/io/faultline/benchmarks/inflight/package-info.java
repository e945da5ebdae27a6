/**
 * P3: faults in flight on one executor (from its boot jar, the deployed image's JVM options, heap
 * capped) and its heap per fault after a full GC, the executor's and the broker's CPU per fault
 * while injecting, halting and running dry runs end to end, beside the broker's CPU per record of a
 * plain producer on the same broker. Approvals are published straight to the approvals topic, as
 * the policy service would.
 */
package io.faultline.benchmarks.inflight;
