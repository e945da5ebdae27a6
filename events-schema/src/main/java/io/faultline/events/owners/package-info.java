/**
 * The account-owner index (ADR 0007 §7): an AWS account belongs to exactly one tenant. Claims on
 * the compacted topic {@code faultline.account-owners.v1} and the first-claim-wins rule every
 * reader applies to them.
 */
package io.faultline.events.owners;
