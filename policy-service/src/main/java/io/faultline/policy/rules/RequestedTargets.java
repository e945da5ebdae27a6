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

  /** Prefix of the key a tag-selected fault holds alone for its whole account and region. */
  public static final String EC2_SCOPE = "ec2-scope:";

  /** Prefix of the key every instance-id fault shares for its account and region. */
  public static final String EC2_SHARED = "ec2-shared:";

  /**
   * The keys this fault leases. Instance ids are globally unique in AWS, so they stand alone;
   * cluster names and tag selectors are only unique within an account and region.
   *
   * <p>Which instances a tag selects is only known once the executor resolves it, so a tag-selected
   * fault cannot lease its instances here. To keep "one active fault per instance" exact anyway, it
   * holds its account and region's EC2 scope alone ({@link #EC2_SCOPE}), and every instance-id
   * fault holds a shared claim on that scope ({@link #EC2_SHARED}): no EC2 fault can overlap a
   * running tag-selected fault, at the price of running tag-selected faults one at a time per
   * account and region.
   */
  public List<String> leaseKeys(AccountId account, AwsRegion region) {
    List<String> keys = new ArrayList<>();
    instanceIds.forEach(id -> keys.add("ec2:" + id));
    if (!instanceIds.isEmpty()) {
      keys.add(EC2_SHARED + account + "/" + region);
    }
    if (clusterName != null) {
      keys.add("ecs:" + account + "/" + region + "/" + clusterName);
    }
    if (tagKey != null) {
      keys.add("tag:" + account + "/" + region + "/" + tagKey + "=" + tagValue);
      keys.add(EC2_SCOPE + account + "/" + region);
    }
    return keys;
  }

  /**
   * The keys whose holder (or recent end, for cooldowns) stops this fault: its own exclusive keys,
   * the scope of a running tag-selected fault for an instance-id fault, and every instance-id fault
   * of the scope for a tag-selected one.
   */
  public List<String> conflictKeys(AccountId account, AwsRegion region) {
    List<String> keys = new ArrayList<>();
    for (String key : leaseKeys(account, region)) {
      if (key.startsWith(EC2_SHARED)) {
        keys.add(EC2_SCOPE + key.substring(EC2_SHARED.length()));
      } else {
        keys.add(key);
      }
    }
    if (tagKey != null) {
      keys.add(EC2_SHARED + account + "/" + region);
    }
    return keys;
  }

  /** Whether many faults may hold this key at once (it only keeps tag-selected faults out). */
  public static boolean isShared(String key) {
    return key.startsWith(EC2_SHARED);
  }
}
