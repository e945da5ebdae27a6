package io.faultline.policy.rules;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a request selects: explicit instance ids, a tag selector ({@code key:value}, the value after
 * the last colon) or an ECS cluster.
 *
 * @param tagKey null unless the request selects by tag
 */
public record RequestedTargets(
    List<String> instanceIds, String tagKey, String tagValue, String clusterName) {
  public RequestedTargets {
    instanceIds = List.copyOf(instanceIds);
  }

  public static RequestedTargets of(FaultParameters parameters) {
    List<String> ids =
        parameters
            .text("EC2_INSTANCE_ID")
            .map(text -> Arrays.stream(text.split(",")).map(String::trim).toList())
            .orElse(List.of());
    String key = null;
    String value = null;
    String selector = parameters.text("EC2_INSTANCE_TAG").orElse(null);
    if (selector != null) {
      int colon = selector.lastIndexOf(':');
      key = selector.substring(0, colon);
      value = selector.substring(colon + 1);
    }
    return new RequestedTargets(ids, key, value, parameters.text("CLUSTER_NAME").orElse(null));
  }

  /**
   * Prefix of the key a tag-selected fault held alone for its whole account and region before
   * target claims (issue 16); only leases stored before them still name it.
   */
  public static final String EC2_SCOPE = "ec2-scope:";

  /** Prefix of the key every instance-id fault shared before target claims (legacy leases only). */
  public static final String EC2_SHARED = "ec2-shared:";

  /** Prefix of an instance's lease key; instance ids are globally unique in AWS. */
  public static final String EC2 = "ec2:";

  /**
   * The keys this fault leases when it is approved. Instance ids are globally unique in AWS, so
   * they stand alone; cluster names are only unique within an account and region.
   *
   * <p>A tag-selected fault leases no target here: which instances a tag selects is only known once
   * the executor resolves it, after the decision. Its executor then claims the resolved instances
   * ({@code io.faultline.policy.claims}), and admission adds those no other fault holds to the
   * fault's lease. So "one active fault per instance" holds exactly, and tag-selected faults on
   * different instances of one account run side by side.
   */
  public List<String> leaseKeys(AccountId account, AwsRegion region) {
    List<String> keys = new ArrayList<>();
    instanceIds.forEach(id -> keys.add(EC2 + id));
    if (clusterName != null) {
      keys.add("ecs:" + account + "/" + region + "/" + clusterName);
    }
    return keys;
  }

  /** The keys whose holder (or recent end, for cooldowns) stops this fault: its own lease keys. */
  public List<String> conflictKeys(AccountId account, AwsRegion region) {
    return leaseKeys(account, region);
  }

  /** Whether many faults may hold this key at once (only in leases stored before claims). */
  public static boolean isShared(String key) {
    return key.startsWith(EC2_SHARED);
  }
}
