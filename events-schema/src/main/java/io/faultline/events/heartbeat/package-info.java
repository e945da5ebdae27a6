/**
 * Executor heartbeats (ADR 0007 §3–4): each executor says, every interval, which faults it runs;
 * the policy service keeps their leases while it does.
 */
package io.faultline.events.heartbeat;
