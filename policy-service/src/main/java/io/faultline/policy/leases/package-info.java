/**
 * Leases: what an approved fault holds (its tenant, account and targets) until a terminal lifecycle
 * event or its expiry, and the cooldown each target owes after its last fault.
 */
package io.faultline.policy.leases;
