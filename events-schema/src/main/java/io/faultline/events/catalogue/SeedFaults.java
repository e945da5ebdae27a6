package io.faultline.events.catalogue;

import static io.faultline.events.catalogue.CommonTunables.AVAILABILITY_ZONE;
import static io.faultline.events.catalogue.CommonTunables.CLUSTER_NAME;
import static io.faultline.events.catalogue.CommonTunables.INTERFACE_NAME;
import static io.faultline.events.catalogue.CommonTunables.ONE_SELECTOR;
import static io.faultline.events.catalogue.CommonTunables.PERCENT_NEEDS_TAG;
import static io.faultline.events.catalogue.CommonTunables.PID_LIST;
import static io.faultline.events.catalogue.CommonTunables.TAG_SELECTOR;
import static io.faultline.events.catalogue.CommonTunables.affectedPercent;
import static io.faultline.events.catalogue.CommonTunables.duration;
import static io.faultline.events.catalogue.CommonTunables.installDependencies;
import static io.faultline.events.catalogue.CommonTunables.instanceId;
import static io.faultline.events.catalogue.CommonTunables.instanceTag;
import static io.faultline.events.catalogue.CommonTunables.proxy;
import static io.faultline.events.catalogue.CommonTunables.rampTime;
import static io.faultline.events.catalogue.CommonTunables.sequence;

import io.faultline.events.ids.FaultType;
import java.util.List;
import java.util.Map;

/**
 * The three seed fault types, with every tunable from their public documentation (see {@code
 * docs/fault-catalogue.md}).
 */
final class SeedFaults {
  private SeedFaults() {}

  static final FaultType EC2_PROCESS_KILL = FaultType.of("ec2-process-kill");
  static final FaultType ECS_AGENT_STOP = FaultType.of("ecs-agent-stop");
  static final FaultType EC2_HTTP_RESET_PEER = FaultType.of("ec2-http-reset-peer");

  /**
   * One process name or pattern, up to 64 characters: letters, digits, {@code . _ : @ + / = -} and
   * the extended-regex operators {@code ^ $ * ? [ ]} (with {@code .} and {@code +}); no spaces,
   * quotes, {@code ( ) | { } \\} or other shell metacharacters. Never starts with a dash.
   */
  static final String PROCESS_NAME =
      "[A-Za-z0-9._:@+/=^$*?\\[\\]][A-Za-z0-9._:@+/=^$*?\\[\\]-]{0,63}";

  /** Comma-separated process names or patterns, at most 20. */
  static final String PROCESS_NAME_LIST = "^" + PROCESS_NAME + "(," + PROCESS_NAME + "){0,19}$";

  static FaultTypeSpec processKill() {
    return new FaultTypeSpec(
        EC2_PROCESS_KILL,
        "EC2 process kill",
        "Kills the processes named by PROCESS_IDS, or those PROCESS_NAMES resolves to on the host,"
            + " on the target instances (SIGKILL when FORCE, otherwise SIGTERM) and holds for"
            + " TOTAL_CHAOS_DURATION. Never signals PID 1, the SSM agent, the script itself or its"
            + " parent, or a process whose name the tenant protects. A killed process is not"
            + " restarted by Faultline; its supervisor is what the experiment tests.",
        TargetKind.EC2_INSTANCES,
        List.of(
            ParameterSpec.text(
                "PROCESS_IDS",
                "",
                PID_LIST,
                false,
                true,
                "Comma-separated list of PIDs to kill on the target instance, e.g. 1234,1235 (at"
                    + " most 50). Set this or PROCESS_NAMES."),
            ParameterSpec.text(
                "PROCESS_NAMES",
                "",
                PROCESS_NAME_LIST,
                false,
                true,
                "Comma-separated process names (at most 20), resolved to PIDs on the host at"
                    + " inject time: exact names (comm; a name over 15 characters matches its"
                    + " first 15) or, with PROCESS_MATCH=pattern, extended regular expressions"
                    + " matched against the full command line like pkill -f. At most 50 processes"
                    + " in all; more refuses the inject. Set this or PROCESS_IDS."),
            ParameterSpec.oneOf(
                "PROCESS_MATCH",
                "exact",
                List.of("exact", "pattern"),
                "How PROCESS_NAMES match: exact (the process name) or pattern (the command"
                    + " line)."),
            instanceId(),
            instanceTag(),
            duration(),
            affectedPercent(),
            ParameterSpec.bool(
                "FORCE",
                false,
                "true kills with SIGKILL; false sends SIGTERM for a graceful stop."),
            installDependencies("dependencies"),
            proxy(),
            sequence("instances"),
            rampTime()),
        List.of(ONE_SELECTOR.getFirst(), List.of("PROCESS_IDS", "PROCESS_NAMES")),
        Map.of("INSTANCE_AFFECTED_PERC", "EC2_INSTANCE_TAG", "PROCESS_MATCH", "PROCESS_NAMES"));
  }

  static FaultTypeSpec ecsAgentStop() {
    return new FaultTypeSpec(
        ECS_AGENT_STOP,
        "ECS agent stop",
        "Stops the ECS agent on the EC2 container instances of CLUSTER_NAME (all of them, or"
            + " those CONTAINER_INSTANCE_TAG, AVAILABILITY_ZONE and INSTANCE_AFFECTED_PERC"
            + " select) for TOTAL_CHAOS_DURATION, starts it again and waits until each instance"
            + " reports agentConnected=true. Serial: one host at a time, each held for the"
            + " duration. ECS notices a stopped agent after about 30 s: shorter durations are"
            + " warned about.",
        TargetKind.ECS_CLUSTER,
        List.of(
            ParameterSpec.text(
                "CLUSTER_NAME",
                null,
                CLUSTER_NAME,
                true,
                true,
                "Name of the target ECS cluster (EC2 launch type)."),
            ParameterSpec.text(
                "CONTAINER_INSTANCE_TAG",
                "",
                TAG_SELECTOR,
                false,
                false,
                "Only container instances whose EC2 instance has this tag, as key:value. Empty for"
                    + " every container instance."),
            ParameterSpec.text(
                "AVAILABILITY_ZONE",
                "",
                AVAILABILITY_ZONE,
                false,
                false,
                "Only container instances whose EC2 instance runs in this availability zone, e.g."
                    + " eu-west-1a. Empty for every zone."),
            ParameterSpec.integer(
                "INSTANCE_AFFECTED_PERC",
                0,
                0,
                100,
                false,
                "Percentage of the selected container instances to target, chosen at random"
                    + " (at least one). 0 targets every selected instance."),
            duration(),
            sequence("container instances"),
            rampTime()),
        List.of(),
        Map.of());
  }

  static FaultTypeSpec httpResetPeer() {
    return new FaultTypeSpec(
        EC2_HTTP_RESET_PEER,
        "EC2 HTTP reset peer",
        "Interposes a proxy on TARGET_SERVICE_PORT of NETWORK_INTERFACE that answers every"
            + " connection with a TCP RST, for TOTAL_CHAOS_DURATION; then removes every rule and"
            + " process it added.",
        TargetKind.EC2_INSTANCES,
        List.of(
            instanceId(),
            instanceTag(),
            ParameterSpec.integer(
                "TARGET_SERVICE_PORT",
                80,
                1,
                65_535,
                true,
                "Port the target HTTP service listens on."),
            ParameterSpec.text(
                "NETWORK_INTERFACE",
                "eth0",
                INTERFACE_NAME,
                false,
                true,
                "Network interface where the proxy intercepts traffic."),
            duration(),
            affectedPercent(),
            installDependencies("the in-instance HTTP proxy"),
            proxy(),
            sequence("instances"),
            rampTime()),
        ONE_SELECTOR,
        PERCENT_NEEDS_TAG);
  }
}
