package io.faultline.policy.claims;

import io.faultline.events.claims.TargetsGranted;
import io.faultline.policy.leases.Lease;

/**
 * What admission concluded from one target claim.
 *
 * @param extended the fault's lease holding the granted instances too; null when the lease does not
 *     change (nothing new granted, or no lease to extend)
 * @param answer the grant the claiming executor waits for
 */
public record ClaimDecision(Lease extended, TargetsGranted answer) {}
