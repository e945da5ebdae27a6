package io.faultline.executor.probe.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name into addresses; asked once per request, never between check and connect. */
@FunctionalInterface
public interface HostResolver {
  /** The JVM's resolver (the system's, through its cache). */
  HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  List<InetAddress> resolve(String host) throws UnknownHostException;
}
