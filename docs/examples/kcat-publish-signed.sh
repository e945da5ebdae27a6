#!/usr/bin/env bash
# Publish one fault request signed with the tenant's publisher key (ADR 0008), with openssl + kcat.
# The signature is an RS256 detached JWS over the canonical form faultline-request-v1, sent in the
# ce_faultlinesig header. Register the key first (POST /api/v1/tenants/<tenant>/publisher-keys).
# Usage: PRIVATE_KEY=acme-k1.pem KEY_ID=k1 TENANT=acme docs/examples/kcat-publish-signed.sh
set -euo pipefail
BOOTSTRAP=${BOOTSTRAP:-localhost:9092}
TOPIC=${TOPIC:-faultline.fault-requests.v1}
TENANT=${TENANT:-acme}
KEY_ID=${KEY_ID:-k1}
PRIVATE_KEY=${PRIVATE_KEY:?PRIVATE_KEY must name the PEM private key of a registered publisher key}
ACCOUNT=${ACCOUNT:-111111111111}
FAULT_ID=${FAULT_ID:-f-kcat-$(date +%s)}
PROCESS_IDS=${PROCESS_IDS:-1234}
TIME=$(date -u +%Y-%m-%dT%H:%M:%SZ)
TYPE=io.faultline.fault.requested.v1

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

data=$(mktemp)
trap 'rm -f "$data"' EXIT
# printf, not a heredoc with a trailing newline: the signed digest is over these exact bytes.
printf '%s' "{\"faultId\": \"$FAULT_ID\", \"tenantId\": \"$TENANT\", \"faultType\": \"ec2-process-kill\",
 \"accountId\": \"$ACCOUNT\", \"region\": \"eu-west-1\",
 \"parameters\": {\"PROCESS_IDS\": \"$PROCESS_IDS\", \"EC2_INSTANCE_TAG\": \"app:checkout\", \"FORCE\": true},
 \"requestedBy\": \"pipeline:deploy-bot\", \"requestedAt\": \"$TIME\"}" > "$data"

# 1. The canonical form: fixed lines, LF-terminated, the data's SHA-256 in lowercase hex.
digest=$(openssl dgst -sha256 -r "$data" | cut -d' ' -f1)
canonical=$(printf 'faultline-request-v1\nid=%s\ntype=%s\nsubject=%s\ntime=%s\ntenant=%s\ndata-sha256=%s\n' \
  "$FAULT_ID" "$TYPE" "$FAULT_ID" "$TIME" "$TENANT" "$digest" | b64url)
# 2. The JWS protected header and the signing input <header>.<canonical>, both base64url.
header=$(printf '{"alg":"RS256","kid":"%s/%s"}' "$TENANT" "$KEY_ID" | b64url)
# 3. RS256 = RSASSA-PKCS1-v1_5 with SHA-256; detached: the payload part stays empty.
signature=$(printf '%s.%s' "$header" "$canonical" | openssl dgst -sha256 -sign "$PRIVATE_KEY" | b64url)

kcat -P -b "$BOOTSTRAP" -t "$TOPIC" -k "$TENANT" \
  -H ce_specversion=1.0 -H "ce_id=$FAULT_ID" -H ce_source=/pipelines/deploy-bot \
  -H "ce_type=$TYPE" -H "ce_subject=$FAULT_ID" -H "ce_time=$TIME" \
  -H content-type=application/json -H "ce_faultlinesig=$header..$signature" \
  "$data"
echo "published $FAULT_ID signed by $TENANT/$KEY_ID"
