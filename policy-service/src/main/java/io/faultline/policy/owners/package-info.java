/**
 * The account-owner index as the policy service reads it (ADR 0007 §7): defence in depth behind the
 * scheduler's registration, so a request for an account another tenant owns is rejected even when
 * that account made it into the requester's policy.
 */
package io.faultline.policy.owners;
