/**
 * EC2 network latency: on each target, delays outgoing packets on NETWORK_INTERFACE by
 * NETWORK_LATENCY ms (± JITTER) with a tc netem qdisc — at the root for the whole interface, or on
 * a band of a root prio qdisc fed by u32 filters for DESTINATION_IPS × DESTINATION_PORTS. Rollback
 * (and the host's own dead-man timer) deletes the root qdisc carrying this fault's handle and
 * verifies the kernel's default is back; on a host never injected it finds nothing and succeeds.
 */
package io.faultline.executor.fault.networklatency;
