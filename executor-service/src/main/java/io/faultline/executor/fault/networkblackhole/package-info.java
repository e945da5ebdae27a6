/**
 * EC2 network blackhole: on each target, resolves DESTINATION_HOSTS (on the host, at inject time),
 * refuses any destination inside the tenant's protected destinations, then drops outbound traffic
 * to every destination (optionally one protocol and some ports) with iptables rules in a filter
 * chain named from the fault id, jumped to from OUTPUT. Rollback (and the host's own dead-man
 * timer) removes the jump and the chain and verifies neither remains; on a host never injected it
 * finds nothing and succeeds.
 */
package io.faultline.executor.fault.networkblackhole;
