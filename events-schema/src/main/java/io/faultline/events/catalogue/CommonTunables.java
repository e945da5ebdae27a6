package io.faultline.events.catalogue;

import java.util.List;
import java.util.Map;

/**
 * Patterns and tunables shared by several fault types, so each fault's catalogue entry names only
 * what is its own. Patterns are strict because these values reach a script on a host.
 */
final class CommonTunables {
  private CommonTunables() {}

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

  /** An AWS availability zone name, e.g. {@code eu-west-1a} or {@code us-west-2-lax-1a}. */
  static final String AVAILABILITY_ZONE = "^[a-z]{2}(-[a-z0-9]{1,16}){2,5}$";

  /** An installer proxy: a bare URL or {@code http(s)_proxy=URL}; host and port only. */
  static final String PROXY =
      "^((https?_proxy|HTTPS?_PROXY)=)?https?://[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?/?$";

  static ParameterSpec duration() {
    return ParameterSpec.integer(
        "TOTAL_CHAOS_DURATION", 30, 1, 43_200, true, "Duration of the fault in seconds.");
  }

  static ParameterSpec rampTime() {
    return ParameterSpec.integer(
        "RAMP_TIME", 0, 0, 3_600, false, "Wait period in seconds before and after the fault.");
  }

  static ParameterSpec sequence(String what) {
    return ParameterSpec.oneOf(
        "SEQUENCE",
        "parallel",
        List.of("parallel", "serial"),
        "Order in which multiple "
            + what
            + " are processed: parallel acts on all at once; serial injects, holds for the"
            + " duration and rolls back one at a time (the duration is per "
            + what.replaceAll("s$", "")
            + ", so the run lasts their number x the duration).");
  }

  static ParameterSpec affectedPercent() {
    return ParameterSpec.integer(
        "INSTANCE_AFFECTED_PERC",
        0,
        0,
        100,
        false,
        "Percentage of matching instances to target (only with EC2_INSTANCE_TAG). 0 targets one"
            + " instance.");
  }

  static ParameterSpec instanceId() {
    return ParameterSpec.text(
        "EC2_INSTANCE_ID",
        "",
        INSTANCE_ID_LIST,
        false,
        false,
        "Comma-separated ids of the target instances. Set this or EC2_INSTANCE_TAG.");
  }

  static ParameterSpec instanceTag() {
    return ParameterSpec.text(
        "EC2_INSTANCE_TAG",
        "",
        TAG_SELECTOR,
        false,
        false,
        "Tag selecting the target instances as key:value (running instances only). Set this or"
            + " EC2_INSTANCE_ID.");
  }

  static ParameterSpec installDependencies(String what) {
    return ParameterSpec.bool(
        "INSTALL_DEPENDENCIES", true, "Install " + what + " on the target if missing.");
  }

  static ParameterSpec proxy() {
    return ParameterSpec.text(
        "PROXY",
        "",
        PROXY,
        false,
        true,
        "HTTP/HTTPS proxy used by the in-instance installer, e.g."
            + " https_proxy=http://proxy.server:3128. Empty for none.");
  }

  static final List<List<String>> ONE_SELECTOR =
      List.of(List.of("EC2_INSTANCE_ID", "EC2_INSTANCE_TAG"));
  static final Map<String, String> PERCENT_NEEDS_TAG =
      Map.of("INSTANCE_AFFECTED_PERC", "EC2_INSTANCE_TAG");
}
