/**
 * The tenants' current protected targets: every executor reads every partition of the compacted
 * tenant-policies topic (assigned, no consumer group, from the beginning) and keeps each tenant's
 * guard, so a running fault applies the protections added after its approval before each inject
 * batch.
 */
package io.faultline.executor.guard;
