/**
 * EC2 HTTP reset peer: on each target, redirects TCP traffic arriving on NETWORK_INTERFACE for
 * TARGET_SERVICE_PORT (iptables) to a local proxy that answers every connection with a TCP RST.
 * Rollback (and the host's own dead-man timer) removes every rule and proxy process the fault added
 * and verifies none remains; on a host never injected it finds nothing and succeeds.
 */
package io.faultline.executor.fault.httpresetpeer;
