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
   * The keys this fault leases. Instance ids are globally unique in AWS, so they stand alone;
   * cluster names and tag selectors are only unique within an account and region. A tag selector
   * leases the selector itself: the instances behind it are only known to the executor.
   */
  public List<String> leaseKeys(AccountId account, AwsRegion region) {
    List<String> keys = new ArrayList<>();
    instanceIds.forEach(id -> keys.add("ec2:" + id));
    if (clusterName != null) {
      keys.add("ecs:" + account + "/" + region + "/" + clusterName);
    }
    if (tagKey != null) {
      keys.add("tag:" + account + "/" + region + "/" + tagKey + "=" + tagValue);
    }
    return keys;
  }
}
