package io.faultline.executor.fault.httpresetpeer;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The typed tunables of EC2 HTTP reset peer.
 *
 * @param targetPort TARGET_SERVICE_PORT, 1..65535
 * @param networkInterface NETWORK_INTERFACE, a Linux interface name
 */
record HttpResetPeerSpec(
    TargetSelector selector,
    Timing timing,
    int targetPort,
    String networkInterface,
    boolean installDependencies,
    String proxy) {
  private static final Pattern INTERFACE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$");

  HttpResetPeerSpec {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timing, "timing");
    if (targetPort < 1 || targetPort > 65_535) {
      throw new IllegalArgumentException("TARGET_SERVICE_PORT must be 1..65535");
    }
    if (networkInterface == null || !INTERFACE.matcher(networkInterface).matches()) {
      throw new IllegalArgumentException("NETWORK_INTERFACE must be an interface name");
    }
    proxy = proxy == null ? "" : proxy;
  }

  static HttpResetPeerSpec of(FaultParameters parameters) {
    return new HttpResetPeerSpec(
        TargetSelector.ec2(parameters),
        Timing.of(parameters),
        parameters.integer("TARGET_SERVICE_PORT"),
        parameters.text("NETWORK_INTERFACE").orElse("eth0"),
        parameters.text("INSTALL_DEPENDENCIES").map(Boolean::parseBoolean).orElse(true),
        parameters.text("PROXY").orElse(""));
  }
}
