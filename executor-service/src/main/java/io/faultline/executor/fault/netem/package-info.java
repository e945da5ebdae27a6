/**
 * What the tc netem faults (network latency, packet loss) share: their scope on a host — the
 * interface, and optionally the destination IPs/CIDRs and ports — mapped to the document parameters
 * that the host library {@code faults/_lib/netem.sh} reads.
 */
package io.faultline.executor.fault.netem;
