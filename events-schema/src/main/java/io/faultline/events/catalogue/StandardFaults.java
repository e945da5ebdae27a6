package io.faultline.events.catalogue;

import java.util.List;

/**
 * Every fault type this release ships, in catalogue order. A fault's entry is a method of its own
 * (its tunables and rules); adding a fault adds its entry and one line here.
 */
final class StandardFaults {
  private StandardFaults() {}

  static List<FaultTypeSpec> all() {
    return List.of(
        SeedFaults.processKill(),
        SeedFaults.ecsAgentStop(),
        SeedFaults.httpResetPeer(),
        StressFaults.cpuStress(),
        StressFaults.memoryStress(),
        NetworkFaults.latency(),
        NetworkFaults.packetLoss(),
        BlackholeFaults.networkBlackhole(),
        DiskFaults.diskFill(),
        DiskFaults.diskIoStress());
  }
}
