#!/usr/bin/env bash
# Publish COUNT fault requests in one kcat run, with kcat's default producer settings (librdkafka
# batches up to 1,000,000 bytes): one structured-mode CloudEvent per line, "tenant|event" per line.
set -euo pipefail
BOOTSTRAP=${BOOTSTRAP:-localhost:9092}
TENANT=${TENANT:-acme}
COUNT=${COUNT:-2000}
PREFIX=${PREFIX:-f-burst-$(date +%s)}
PROCESS_IDS=${PROCESS_IDS:-1234}
events=$(mktemp)
trap 'rm -f "$events"' EXIT
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for i in $(seq 1 "$COUNT"); do
  id="$PREFIX-$i"
  printf '%s|{"specversion": "1.0", "id": "%s", "source": "/pipelines/deploy-bot", "type": "io.faultline.fault.requested.v1", "subject": "%s", "time": "%s", "datacontenttype": "application/json", "data": {"faultId": "%s", "tenantId": "%s", "faultType": "ec2-process-kill", "accountId": "111111111111", "region": "eu-west-1", "parameters": {"PROCESS_IDS": "%s", "EC2_INSTANCE_TAG": "app:checkout"}, "requestedBy": "pipeline:deploy-bot", "requestedAt": "%s"}}\n' \
    "$TENANT" "$id" "$id" "$now" "$id" "$TENANT" "$PROCESS_IDS" "$now"
done > "$events"
kcat -P -b "$BOOTSTRAP" -t faultline.fault-requests.v1 -K '|' \
  -H "content-type=application/cloudevents+json; charset=UTF-8" \
  -l "$events"
