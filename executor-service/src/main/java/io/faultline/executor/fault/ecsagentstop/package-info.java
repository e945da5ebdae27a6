/**
 * ECS agent stop: stops the ECS agent (systemd {@code ecs}, or {@code stop ecs} on older AMIs) on
 * every EC2 container instance of CLUSTER_NAME, and starts it again on rollback (or when the host's
 * dead-man timer fires). After rollback the fault polls DescribeContainerInstances until every
 * instance reports {@code agentConnected=true}, and fails with VERIFY when one does not.
 */
package io.faultline.executor.fault.ecsagentstop;
