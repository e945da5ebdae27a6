package io.faultline.policy.rules;

import io.faultline.events.catalogue.FaultParameters;
import java.util.ArrayList;
import java.util.List;

/**
 * The protected-destination half of the {@code protected-targets} rule, for any fault type with a
 * {@code DESTINATION_IPS} tunable: every given address or CIDR that overlaps a protected one.
 * {@code DESTINATION_HOSTS} can only be checked once resolved, so the approval's guard carries the
 * protected destinations to the fault's document, which refuses there.
 */
final class ProtectedDestinations {
  /** The tunable whose addresses and CIDRs are checked. */
  static final String TUNABLE = "DESTINATION_IPS";

  private ProtectedDestinations() {}

  /**
   * Each overlap as {@code "DESTINATION_IPS <value> overlaps protected destination <entry>"}; empty
   * when none. A protected entry that is not an IPv4 address or CIDR (the policy schema forbids it)
   * protects nothing here, and is reported as such.
   */
  static List<String> overlaps(FaultParameters parameters, List<String> protectedEntries) {
    String given = parameters.text(TUNABLE).orElse("");
    if (given.isEmpty() || protectedEntries.isEmpty()) {
      return List.of();
    }
    List<Ipv4Block> guarded = new ArrayList<>();
    List<String> out = new ArrayList<>();
    for (String entry : protectedEntries) {
      try {
        guarded.add(Ipv4Block.parse(entry));
      } catch (IllegalArgumentException e) {
        out.add("protected destination " + e.getMessage() + " and cannot be checked");
      }
    }
    for (String value : given.split(",")) {
      Ipv4Block destination;
      try {
        destination = Ipv4Block.parse(value);
      } catch (IllegalArgumentException e) {
        // Another fault type may spell DESTINATION_IPS differently: what cannot be checked is
        // refused, never let through.
        out.add(TUNABLE + " " + e.getMessage() + " and cannot be checked against them");
        continue;
      }
      for (Ipv4Block block : guarded) {
        if (destination.overlaps(block)) {
          out.add(
              TUNABLE
                  + " "
                  + destination.text()
                  + " overlaps protected destination "
                  + block.text());
        }
      }
    }
    return out;
  }
}
