#!/usr/bin/env bash
# Publish one fault request with kcat in CloudEvents binary content mode:
# attributes as ce_* headers, the JSON data as the record value, the tenant id as the key.
set -euo pipefail
BOOTSTRAP=${BOOTSTRAP:-localhost:9092}
TOPIC=${TOPIC:-faultline.fault-requests.v1}
TENANT=${TENANT:-acme}
FAULT_ID=${FAULT_ID:-f-kcat-$(date +%s)}
PROCESS_IDS=${PROCESS_IDS:-1234}
data=$(mktemp)
trap 'rm -f "$data"' EXIT
cat > "$data" <<JSON
{"faultId": "$FAULT_ID", "tenantId": "$TENANT", "faultType": "ec2-process-kill",
 "accountId": "111111111111", "region": "eu-west-1",
 "parameters": {"PROCESS_IDS": "$PROCESS_IDS", "EC2_INSTANCE_TAG": "app:checkout", "FORCE": true},
 "requestedBy": "pipeline:deploy-bot", "requestedAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"}
JSON
kcat -P -b "$BOOTSTRAP" -t "$TOPIC" -k "$TENANT" \
  -H ce_specversion=1.0 -H "ce_id=$FAULT_ID" -H ce_source=/pipelines/deploy-bot \
  -H ce_type=io.faultline.fault.requested.v1 -H "ce_subject=$FAULT_ID" \
  -H "ce_time=$(date -u +%Y-%m-%dT%H:%M:%SZ)" -H content-type=application/json \
  "$data"
