package io.faultline.policy.claims;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.claims.TargetsGranted;
import io.faultline.policy.leases.Lease;
import io.faultline.policy.rules.ActiveFaults;
import io.faultline.policy.rules.RequestedTargets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The grant rule, pure: a claimed instance is granted when no other active fault (of any tenant)
 * holds it and it is not cooling down after one; an instance the claiming fault already holds is
 * granted again, so a claim repeated after a takeover takes nothing twice. Only a fault holding a
 * lease of the claim's account and region may claim: a fault that ended, whose lease expired or
 * that was never approved is refused whole.
 */
public final class ClaimRule {
  private ClaimRule() {}

  /**
   * @param lease the claiming fault's lease, if it holds one
   * @param cooldown the tenant's cooldown between faults on one target
   * @param now when the claim is decided (cooldowns are judged by it)
   */
  public static ClaimDecision decide(
      TargetsClaimed claim,
      Optional<Lease> lease,
      ActiveFaults active,
      Duration cooldown,
      Instant now) {
    if (lease.isEmpty()) {
      return refused(
          claim,
          "fault "
              + claim.key()
              + " holds no lease (it ended, its lease expired, or it was never approved)",
          now);
    }
    Lease held = lease.get();
    String region = claim.region().value();
    if (!claim.accountId().value().equals(held.accountId()) || !region.equals(held.region())) {
      return refused(
          claim,
          "claim names "
              + claim.accountId().value()
              + "/"
              + region
              + ", the lease "
              + held.accountId()
              + "/"
              + held.region(),
          now);
    }
    List<String> granted = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    List<String> newKeys = new ArrayList<>();
    for (String instance : claim.instanceIds()) {
      String key = RequestedTargets.EC2 + instance;
      if (held.targets().contains(key)) {
        granted.add(instance);
        continue;
      }
      boolean taken = active.holderOf(key).isPresent();
      boolean cooling =
          active.lastEnded(key).filter(ended -> ended.plus(cooldown).isAfter(now)).isPresent();
      if (taken || cooling) {
        busy.add(instance);
      } else {
        granted.add(instance);
        newKeys.add(key);
      }
    }
    TargetsGranted answer =
        new TargetsGranted(
            claim.tenantId(), claim.faultId(), claim.claimId(), granted, busy, null, now);
    return new ClaimDecision(newKeys.isEmpty() ? null : held.withTargets(newKeys), answer);
  }

  private static ClaimDecision refused(TargetsClaimed claim, String why, Instant now) {
    return new ClaimDecision(
        null,
        new TargetsGranted(
            claim.tenantId(), claim.faultId(), claim.claimId(), List.of(), List.of(), why, now));
  }
}
