package io.faultline.executor.probe.egress;

import java.net.InetAddress;
import java.net.URI;

/**
 * Where a checked request goes: the URL's host name (for the Host header, TLS SNI and certificate
 * check) and the one resolved address that was checked and is connected to.
 */
record Destination(URI uri, String host, int port, boolean https, InetAddress address) {}
