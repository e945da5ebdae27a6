package io.faultline.events.catalogue;

import io.faultline.events.ids.FaultType;
import java.util.List;
import java.util.Map;

/**
 * The seed fault types, with every tunable from their public documentation (see {@code
 * docs/fault-catalogue.md}). Patterns are strict because these values reach a script on a host.
 */
final class SeedFaults {
  private SeedFaults() {}

  static final FaultType EC2_PROCESS_KILL = FaultType.of("ec2-process-kill");
  static final FaultType ECS_AGENT_STOP = FaultType.of("ecs-agent-stop");
  static final FaultType EC2_HTTP_RESET_PEER = FaultType.of("ec2-http-reset-peer");

  /** Comma-separated PIDs, 2..9999999999, at most 50; PID 1 (init) is never a valid target. */
  static final String PID_LIST = "^([2-9]|[1-9][0-9]{1,9})(,([2-9]|[1-9][0-9]{1,9})){0,49}$";

  /** Comma-separated EC2 instance ids, at most 100. */
  static final String INSTANCE_ID_LIST = "^i-[0-9a-f]{8,17}(,i-[0-9a-f]{8,17}){0,99}$";

  /**
   * {@code key:value}; the value follows the last colon, so keys may contain colons ({@code
   * team:app:checkout} selects tag {@code team:app} = {@code checkout}). No spaces, quotes or shell
   * metacharacters.
   */
  static final String TAG_SELECTOR = "^[A-Za-z0-9_.:/=+@-]{1,128}:[A-Za-z0-9_./=+@-]{1,256}$";

  /** A Linux interface name (IFNAMSIZ - 1 characters), never starting with a dash. */
  static final String INTERFACE_NAME = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$";

  /** An ECS cluster name as AWS allows it. */
  static final String CLUSTER_NAME = "^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$";

  /** An installer proxy: a bare URL or {@code http(s)_proxy=URL}; host and port only. */
  static final String PROXY =
      "^((https?_proxy|HTTPS?_PROXY)=)?https?://[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?/?$";

  static List<FaultTypeSpec> all() {
    return List.of(processKill(), ecsAgentStop(), httpResetPeer());
  }

  private static ParameterSpec duration() {
    return ParameterSpec.integer(
        "TOTAL_CHAOS_DURATION", 30, 1, 43_200, true, "Duration of the fault in seconds.");
  }

  private static ParameterSpec rampTime() {
    return ParameterSpec.integer(
        "RAMP_TIME", 0, 0, 3_600, false, "Wait period in seconds before and after the fault.");
  }

  private static ParameterSpec sequence(String what) {
    return ParameterSpec.oneOf(
        "SEQUENCE",
        "parallel",
        List.of("parallel", "serial"),
        "Order in which multiple " + what + " are processed: parallel or serial.");
  }

  private static ParameterSpec affectedPercent() {
    return ParameterSpec.integer(
        "INSTANCE_AFFECTED_PERC",
        0,
        0,
        100,
        false,
        "Percentage of matching instances to target (only with EC2_INSTANCE_TAG). 0 targets one"
            + " instance.");
  }

  private static ParameterSpec instanceId() {
    return ParameterSpec.text(
        "EC2_INSTANCE_ID",
        "",
        INSTANCE_ID_LIST,
        false,
        false,
        "Comma-separated ids of the target instances. Set this or EC2_INSTANCE_TAG.");
  }

  private static ParameterSpec instanceTag() {
    return ParameterSpec.text(
        "EC2_INSTANCE_TAG",
        "",
        TAG_SELECTOR,
        false,
        false,
        "Tag selecting the target instances as key:value (running instances only). Set this or"
            + " EC2_INSTANCE_ID.");
  }

  private static ParameterSpec installDependencies(String what) {
    return ParameterSpec.bool(
        "INSTALL_DEPENDENCIES", true, "Install " + what + " on the target if missing.");
  }

  private static ParameterSpec proxy() {
    return ParameterSpec.text(
        "PROXY",
        "",
        PROXY,
        false,
        true,
        "HTTP/HTTPS proxy used by the in-instance installer, e.g."
            + " https_proxy=http://proxy.server:3128. Empty for none.");
  }

  private static final List<List<String>> ONE_SELECTOR =
      List.of(List.of("EC2_INSTANCE_ID", "EC2_INSTANCE_TAG"));
  private static final Map<String, String> PERCENT_NEEDS_TAG =
      Map.of("INSTANCE_AFFECTED_PERC", "EC2_INSTANCE_TAG");

  static FaultTypeSpec processKill() {
    return new FaultTypeSpec(
        EC2_PROCESS_KILL,
        "EC2 process kill",
        "Kills the processes named by PROCESS_IDS on the target instances (SIGKILL when FORCE,"
            + " otherwise SIGTERM) and holds for TOTAL_CHAOS_DURATION. A killed process is not"
            + " restarted by Faultline; its supervisor is what the experiment tests.",
        TargetKind.EC2_INSTANCES,
        List.of(
            ParameterSpec.text(
                "PROCESS_IDS",
                null,
                PID_LIST,
                true,
                true,
                "Comma-separated list of PIDs to kill on the target instance, e.g. 1234,1235."),
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
        ONE_SELECTOR,
        PERCENT_NEEDS_TAG);
  }

  static FaultTypeSpec ecsAgentStop() {
    return new FaultTypeSpec(
        ECS_AGENT_STOP,
        "ECS agent stop",
        "Stops the ECS agent on every EC2 container instance of CLUSTER_NAME for"
            + " TOTAL_CHAOS_DURATION, starts it again and waits until every instance reports"
            + " agentConnected=true.",
        TargetKind.ECS_CLUSTER,
        List.of(
            ParameterSpec.text(
                "CLUSTER_NAME",
                null,
                CLUSTER_NAME,
                true,
                true,
                "Name of the target ECS cluster (EC2 launch type)."),
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
