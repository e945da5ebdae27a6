/**
 * Subscriptions with Kafka clients: each registered tenant's lifecycle events copied to a topic of
 * its own, so a tenant's subscribers read their events through prefixed ACLs and never another
 * tenant's. (The SSE stream of the runs API is the other channel.)
 */
package io.faultline.scheduler.subscriptions;
