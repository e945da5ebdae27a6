/**
 * The only way HTTP and PromQL probes reach the network: a URL's host must be on the operator's
 * allow-list ({@code faultline.executor.probes.allowed-hosts}, empty by default), its name is
 * resolved once, the resolved address is checked against the addresses refused whatever the list
 * says (loopback, link-local, instance metadata, unspecified, multicast, this host's own) and is
 * the address connected to; bounded time and size, no redirects, no credentials.
 */
package io.faultline.executor.probe.egress;
