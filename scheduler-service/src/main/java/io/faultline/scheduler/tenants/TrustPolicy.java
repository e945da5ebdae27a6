package io.faultline.scheduler.tenants;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trust policy a target account's role needs: the hub role may assume it only with the tenant's
 * external id, and may tag the session and set its source identity (so CloudTrail names the fault).
 */
final class TrustPolicy {
  private TrustPolicy() {}

  /**
   * @param externalIds the accepted external ids: the current one, and during a rotation's overlap
   *     the previous one too ({@code StringEquals} with a list matches any of them)
   */
  static Map<String, Object> forAccount(String hubRoleArn, List<String> externalIds) {
    Object externalId = externalIds.size() == 1 ? externalIds.getFirst() : externalIds;
    Map<String, Object> assume = new LinkedHashMap<>();
    assume.put("Sid", "FaultlineAssumeRole");
    assume.put("Effect", "Allow");
    assume.put("Principal", Map.of("AWS", hubRoleArn));
    assume.put("Action", "sts:AssumeRole");
    assume.put("Condition", Map.of("StringEquals", Map.of("sts:ExternalId", externalId)));
    Map<String, Object> tags = new LinkedHashMap<>();
    tags.put("Sid", "FaultlineSessionTagsAndSourceIdentity");
    tags.put("Effect", "Allow");
    tags.put("Principal", Map.of("AWS", hubRoleArn));
    tags.put("Action", List.of("sts:TagSession", "sts:SetSourceIdentity"));
    // Ordered as AWS documents policies, so the JSON can be pasted as it is shown.
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("Version", "2012-10-17");
    policy.put("Statement", List.of(assume, tags));
    return policy;
  }
}
