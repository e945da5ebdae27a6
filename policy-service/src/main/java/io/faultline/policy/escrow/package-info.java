/**
 * The escrow of the platform-wide concurrency budget (ADR 0012): each admission partition owns a
 * share, and tokens move between partitions only in the exactly-once transaction that lowers the
 * giver's share. Pure values and rules; the admission processor writes and sends them.
 */
package io.faultline.policy.escrow;
