/**
 * Admission as a Kafka Streams topology: intake decodes requests, policies, controls and lifecycle
 * events in parallel, then every command meets in one single-partition admission log where one
 * processor decides, takes and releases leases, and writes approvals and lifecycle decisions.
 */
package io.faultline.policy.admission;
