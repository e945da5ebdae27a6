/**
 * The executor's heartbeat (ADR 0007 §3–4): every interval, one record on {@code
 * faultline.executor-heartbeats.v1} naming every fault this executor drives, so the policy service
 * keeps their leases; an empty one when it drives none.
 */
package io.faultline.executor.heartbeat;
