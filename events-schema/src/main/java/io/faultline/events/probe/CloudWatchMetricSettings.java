package io.faultline.events.probe;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A CloudWatch metric statistic over the last {@code periodSeconds}, read with GetMetricData in
 * {@code accountId}/{@code region}; healthy when {@code value <comparison> threshold}.
 *
 * @param dimensions at most 10, sorted by name
 */
public record CloudWatchMetricSettings(
    String namespace,
    String metricName,
    Map<String, String> dimensions,
    MetricStatistic statistic,
    int periodSeconds,
    Comparison comparison,
    double threshold,
    AccountId accountId,
    AwsRegion region)
    implements ProbeSettings {
  public CloudWatchMetricSettings {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(metricName, "metricName");
    dimensions =
        dimensions == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(dimensions));
    Objects.requireNonNull(statistic, "statistic");
    Objects.requireNonNull(comparison, "comparison");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(region, "region");
    if (periodSeconds < 60 || periodSeconds % 60 != 0) {
      throw new IllegalArgumentException("periodSeconds must be a multiple of 60, at least 60");
    }
  }

  @Override
  public ProbeType type() {
    return ProbeType.CLOUDWATCH_METRIC;
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("namespace", namespace);
    fields.put("metricName", metricName);
    fields.put("dimensions", dimensions);
    fields.put("statistic", statistic.awsName());
    fields.put("periodSeconds", periodSeconds);
    fields.put("comparison", comparison.symbol());
    fields.put("threshold", threshold);
    fields.put("accountId", accountId.value());
    fields.put("region", region.value());
    return fields;
  }

  /** Reads schema-valid JSON. */
  static CloudWatchMetricSettings read(JsonNode json) {
    Map<String, String> dimensions = new TreeMap<>();
    JsonNode given = json.path("dimensions");
    given.fieldNames().forEachRemaining(name -> dimensions.put(name, given.get(name).asText()));
    return new CloudWatchMetricSettings(
        json.get("namespace").asText(),
        json.get("metricName").asText(),
        dimensions,
        MetricStatistic.ofAwsName(json.get("statistic").asText()),
        json.get("periodSeconds").asInt(),
        Comparison.ofSymbol(json.get("comparison").asText()),
        json.get("threshold").asDouble(),
        AccountId.of(json.get("accountId").asText()),
        AwsRegion.of(json.get("region").asText()));
  }
}
