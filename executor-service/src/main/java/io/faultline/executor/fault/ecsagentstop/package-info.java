/**
 * ECS agent stop: stops the ECS agent (systemd {@code ecs}, or {@code stop ecs} on older AMIs) on
 * the EC2 container instances of CLUSTER_NAME (narrowed by the EC2 instance's tag, zone and a
 * percentage), and starts it again on rollback (or when the host's dead-man timer fires). After
 * rollback the fault polls DescribeContainerInstances until every instance reports {@code
 * agentConnected=true}, and fails with VERIFY when one does not.
 */
package io.faultline.executor.fault.ecsagentstop;
