/**
 * EC2 network packet loss: on each target, drops NETWORK_PACKET_LOSS_PERCENTAGE % of outgoing
 * packets on NETWORK_INTERFACE with a tc netem qdisc — at the root for the whole interface, or on a
 * band of a root prio qdisc fed by u32 filters for DESTINATION_IPS × DESTINATION_PORTS. Rollback
 * (and the host's own dead-man timer) deletes the root qdisc carrying this fault's handle and
 * verifies the kernel's default is back; on a host never injected it finds nothing and succeeds.
 */
package io.faultline.executor.fault.packetloss;
