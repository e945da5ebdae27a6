package io.faultline.events.probe;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A CloudWatch alarm read with DescribeAlarms in {@code accountId}/{@code region} through the
 * tenant's registered role. {@code OK} passes; {@code ALARM}, {@code INSUFFICIENT_DATA}, a missing
 * alarm and an unreadable one fail.
 */
public record CloudWatchAlarmSettings(String alarmName, AccountId accountId, AwsRegion region)
    implements ProbeSettings {
  public CloudWatchAlarmSettings {
    Objects.requireNonNull(alarmName, "alarmName");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(region, "region");
  }

  @Override
  public ProbeType type() {
    return ProbeType.CLOUDWATCH_ALARM;
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("alarmName", alarmName);
    fields.put("accountId", accountId.value());
    fields.put("region", region.value());
    return fields;
  }

  /** Reads schema-valid JSON. */
  static CloudWatchAlarmSettings read(JsonNode json) {
    return new CloudWatchAlarmSettings(
        json.get("alarmName").asText(),
        AccountId.of(json.get("accountId").asText()),
        AwsRegion.of(json.get("region").asText()));
  }
}
