#!/usr/bin/env bash
# Creates Faultline's topics with kafka-topics.sh. Generated from io.faultline.events.topics.Topics.
# Usage: BOOTSTRAP=broker:9092 REPLICATION=3 deploy/topics/create-topics.sh
set -euo pipefail
BOOTSTRAP=${BOOTSTRAP:-localhost:9092}
REPLICATION=${REPLICATION:-3}
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.fault-requests.v1 --partitions 12 --replication-factor "$REPLICATION" --config cleanup.policy=delete --config max.message.bytes=1114112 --config message.timestamp.type=LogAppendTime --config retention.ms=604800000
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.fault-approvals.v1 --partitions 24 --replication-factor "$REPLICATION" --config cleanup.policy=delete --config max.message.bytes=1114112 --config retention.ms=604800000
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.fault-lifecycle.v1 --partitions 12 --replication-factor "$REPLICATION" --config cleanup.policy=delete --config max.message.bytes=1114112 --config retention.ms=2592000000
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.fault-controls.v1 --partitions 6 --replication-factor "$REPLICATION" --config cleanup.policy=compact --config max.message.bytes=1114112 --config retention.ms=-1
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.tenant-policies.v1 --partitions 6 --replication-factor "$REPLICATION" --config cleanup.policy=compact --config max.message.bytes=1114112 --config retention.ms=-1
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.fault-requests.dlq.v1 --partitions 3 --replication-factor "$REPLICATION" --config cleanup.policy=delete --config max.message.bytes=1114112 --config retention.ms=2592000000
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.execution-journal.v1 --partitions 24 --replication-factor "$REPLICATION" --config cleanup.policy=compact --config max.message.bytes=1114112 --config message.timestamp.type=LogAppendTime --config retention.ms=-1
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.scheduler-commands.v1 --partitions 12 --replication-factor "$REPLICATION" --config cleanup.policy=delete --config max.message.bytes=1114112 --config retention.ms=604800000
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.executor-heartbeats.v1 --partitions 12 --replication-factor "$REPLICATION" --config cleanup.policy=delete --config max.message.bytes=1114112 --config message.timestamp.type=LogAppendTime --config retention.ms=3600000
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.run-watches.v1 --partitions 24 --replication-factor "$REPLICATION" --config cleanup.policy=compact --config max.message.bytes=1114112 --config retention.ms=-1
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.run-events.v1 --partitions 12 --replication-factor "$REPLICATION" --config cleanup.policy=delete --config max.message.bytes=1114112 --config retention.ms=2592000000
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.target-claims.v1 --partitions 12 --replication-factor "$REPLICATION" --config cleanup.policy=delete --config max.message.bytes=1114112 --config retention.ms=3600000
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic faultline.target-grants.v1 --partitions 12 --replication-factor "$REPLICATION" --config cleanup.policy=delete --config max.message.bytes=1114112 --config retention.ms=3600000
