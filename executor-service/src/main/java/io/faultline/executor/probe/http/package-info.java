/**
 * The {@code http} probe: one GET or HEAD through the egress rules; healthy when the status is the
 * expected one, the answer came within {@code maxLatencyMs} and the first 64 KiB of the body match
 * {@code bodyMatches}. The reading holds the status, latency and why it failed, never the body.
 */
package io.faultline.executor.probe.http;
