package io.faultline.scheduler.tenants;

import java.util.List;
import java.util.Map;

/**
 * The trust policy a target account's role needs: the hub role may assume it only with the tenant's
 * external id, and may tag the session and set its source identity (so CloudTrail names the fault).
 */
final class TrustPolicy {
  private TrustPolicy() {}

  static Map<String, Object> forAccount(String hubRoleArn, String externalId) {
    return Map.of(
        "Version",
        "2012-10-17",
        "Statement",
        List.of(
            Map.of(
                "Sid",
                "FaultlineAssumeRole",
                "Effect",
                "Allow",
                "Principal",
                Map.of("AWS", hubRoleArn),
                "Action",
                "sts:AssumeRole",
                "Condition",
                Map.of("StringEquals", Map.of("sts:ExternalId", externalId))),
            Map.of(
                "Sid",
                "FaultlineSessionTagsAndSourceIdentity",
                "Effect",
                "Allow",
                "Principal",
                Map.of("AWS", hubRoleArn),
                "Action",
                List.of("sts:TagSession", "sts:SetSourceIdentity"))));
  }
}
