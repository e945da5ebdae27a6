#!/usr/bin/env bash
# Publish one fault request with kcat in CloudEvents structured content mode:
# the whole event as application/cloudevents+json in the record value, the tenant id as the key.
set -euo pipefail
BOOTSTRAP=${BOOTSTRAP:-localhost:9092}
TENANT=${TENANT:-acme}
FAULT_ID=${FAULT_ID:-f-kcat-$(date +%s)}
PROCESS_IDS=${PROCESS_IDS:-1234}
event=$(mktemp)
trap 'rm -f "$event"' EXIT
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat > "$event" <<JSON
{"specversion": "1.0", "id": "$FAULT_ID", "source": "/pipelines/deploy-bot",
 "type": "io.faultline.fault.requested.v1", "subject": "$FAULT_ID", "time": "$now",
 "datacontenttype": "application/json",
 "data": {"faultId": "$FAULT_ID", "tenantId": "$TENANT", "faultType": "ec2-process-kill",
          "accountId": "111111111111", "region": "eu-west-1",
          "parameters": {"PROCESS_IDS": "$PROCESS_IDS", "EC2_INSTANCE_TAG": "app:checkout"},
          "requestedBy": "pipeline:deploy-bot", "requestedAt": "$now"}}
JSON
kcat -P -b "$BOOTSTRAP" -t faultline.fault-requests.v1 -k "$TENANT" \
  -H "content-type=application/cloudevents+json; charset=UTF-8" \
  "$event"
