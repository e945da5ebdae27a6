#!/usr/bin/env bash
# Grants Faultline's ACLs with kafka-acls.sh (allow rules only; everything else stays denied).
# Generated from io.faultline.events.access.KafkaAccess; KafkaAccessFilesTest keeps it equal.
# Usage: BOOTSTRAP=broker:9093 COMMAND_CONFIG=admin.properties PUBLISHER_PRINCIPALS='User:ci User:gameday' deploy/kafka/kafka-acls.sh
# Names default to the services' defaults; set them when you changed the services' settings.
set -euo pipefail
BOOTSTRAP=${BOOTSTRAP:-localhost:9092}
POLICY_PRINCIPAL=${POLICY_PRINCIPAL:-User:faultline-policy}
EXECUTOR_PRINCIPAL=${EXECUTOR_PRINCIPAL:-User:faultline-executor}
SCHEDULER_PRINCIPAL=${SCHEDULER_PRINCIPAL:-User:faultline-scheduler}
PUBLISHER_PRINCIPALS=${PUBLISHER_PRINCIPALS:-User:faultline-publisher}
POLICY_APPLICATION_ID=${POLICY_APPLICATION_ID:-faultline-policy}
EXECUTOR_GROUP_ID=${EXECUTOR_GROUP_ID:-faultline-executor}
EXECUTOR_TRANSACTIONAL_ID_PREFIX=${EXECUTOR_TRANSACTIONAL_ID_PREFIX:-faultline-executor-}
SCHEDULER_APPLICATION_ID=${SCHEDULER_APPLICATION_ID:-faultline-scheduler}
EXECUTOR_PROBES_GROUP_ID=${EXECUTOR_PROBES_GROUP_ID:-faultline-probes}
# One subscriber per tenant: SUBSCRIBERS='acme=User:acme-dashboards globex=User:sre'
SUBSCRIBERS=${SUBSCRIBERS:-}
acl() {
  local principal=$1
  shift
  kafka-acls.sh --bootstrap-server "$BOOTSTRAP" ${COMMAND_CONFIG:+--command-config "$COMMAND_CONFIG"} --add --allow-principal "$principal" --allow-host '*' "$@"
}
# policy-service
acl "${POLICY_PRINCIPAL}" --operation Read --topic "faultline.fault-requests.v1"
acl "${POLICY_PRINCIPAL}" --operation Read --topic "faultline.tenant-policies.v1"
acl "${POLICY_PRINCIPAL}" --operation Read --topic "faultline.fault-controls.v1"
acl "${POLICY_PRINCIPAL}" --operation Read --topic "faultline.fault-lifecycle.v1"
acl "${POLICY_PRINCIPAL}" --operation Read --topic "faultline.executor-heartbeats.v1"
acl "${POLICY_PRINCIPAL}" --operation Read --topic "faultline.account-owners.v1"
acl "${POLICY_PRINCIPAL}" --operation Read --topic "faultline.target-claims.v1"
acl "${POLICY_PRINCIPAL}" --operation Write --topic "faultline.fault-approvals.v1"
acl "${POLICY_PRINCIPAL}" --operation Write --topic "faultline.fault-lifecycle.v1"
acl "${POLICY_PRINCIPAL}" --operation Write --topic "faultline.fault-requests.dlq.v1"
acl "${POLICY_PRINCIPAL}" --operation Write --topic "faultline.target-grants.v1"
acl "${POLICY_PRINCIPAL}" --operation Create --topic "faultline.policy-admission-log.v1"
acl "${POLICY_PRINCIPAL}" --operation Read --topic "faultline.policy-admission-log.v1"
acl "${POLICY_PRINCIPAL}" --operation Write --topic "faultline.policy-admission-log.v1"
acl "${POLICY_PRINCIPAL}" --operation Delete --topic "faultline.policy-admission-log.v1"
acl "${POLICY_PRINCIPAL}" --operation Read --group "${POLICY_APPLICATION_ID}" --resource-pattern-type prefixed
acl "${POLICY_PRINCIPAL}" --operation All --topic "${POLICY_APPLICATION_ID}" --resource-pattern-type prefixed
acl "${POLICY_PRINCIPAL}" --operation Write --transactional-id "${POLICY_APPLICATION_ID}" --resource-pattern-type prefixed
# executor-service
acl "${EXECUTOR_PRINCIPAL}" --operation Read --topic "faultline.fault-approvals.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Read --topic "faultline.fault-controls.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Read --topic "faultline.execution-journal.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Read --topic "faultline.executor-heartbeats.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Read --topic "faultline.tenant-policies.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Read --topic "faultline.run-watches.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Read --topic "faultline.target-grants.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Write --topic "faultline.fault-lifecycle.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Write --topic "faultline.execution-journal.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Write --topic "faultline.executor-heartbeats.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Write --topic "faultline.target-claims.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Write --topic "faultline.fault-controls.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Write --topic "faultline.run-events.v1"
acl "${EXECUTOR_PRINCIPAL}" --operation Read --group "${EXECUTOR_GROUP_ID}"
acl "${EXECUTOR_PRINCIPAL}" --operation Read --group "${EXECUTOR_PROBES_GROUP_ID}"
acl "${EXECUTOR_PRINCIPAL}" --operation Write --transactional-id "${EXECUTOR_TRANSACTIONAL_ID_PREFIX}" --resource-pattern-type prefixed
# scheduler-service
acl "${SCHEDULER_PRINCIPAL}" --operation Read --topic "faultline.scheduler-commands.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Read --topic "faultline.fault-lifecycle.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Read --topic "faultline.tenant-policies.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Read --topic "faultline.run-events.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Read --topic "faultline.account-owners.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Write --topic "faultline.fault-requests.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Write --topic "faultline.fault-controls.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Write --topic "faultline.tenant-policies.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Write --topic "faultline.scheduler-commands.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Write --topic "faultline.run-watches.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Write --topic "faultline.run-events.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Write --topic "faultline.account-owners.v1"
acl "${SCHEDULER_PRINCIPAL}" --operation Read --group "${SCHEDULER_APPLICATION_ID}" --resource-pattern-type prefixed
acl "${SCHEDULER_PRINCIPAL}" --operation All --topic "${SCHEDULER_APPLICATION_ID}" --resource-pattern-type prefixed
acl "${SCHEDULER_PRINCIPAL}" --operation Write --transactional-id "${SCHEDULER_APPLICATION_ID}" --resource-pattern-type prefixed
acl "${SCHEDULER_PRINCIPAL}" --operation Create --topic "faultline.tenant." --resource-pattern-type prefixed
acl "${SCHEDULER_PRINCIPAL}" --operation Write --topic "faultline.tenant." --resource-pattern-type prefixed
# publisher
for p in $PUBLISHER_PRINCIPALS; do acl "$p" --operation Write --topic "faultline.fault-requests.v1"; done
# subscriber (reads only its tenant's topics, in groups with the same prefix)
for s in $SUBSCRIBERS; do
  tenant=${s%%=*}
  principal=${s#*=}
  acl "$principal" --operation Read --topic "faultline.tenant.${tenant}." --resource-pattern-type prefixed
  acl "$principal" --operation Read --group "faultline.tenant.${tenant}." --resource-pattern-type prefixed
done
