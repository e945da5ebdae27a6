package io.faultline.events.probe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** What a probe reads. Each type has its own JSON Schema and canonical settings record. */
public enum ProbeType {
  /** A CloudWatch alarm's state, read with DescribeAlarms in the tenant's account. */
  CLOUDWATCH_ALARM("cloudwatch-alarm"),
  /** A CloudWatch metric statistic compared with a threshold (GetMetricData). */
  CLOUDWATCH_METRIC("cloudwatch-metric"),
  /** An HTTP endpoint's status, latency and optionally its body. */
  HTTP("http"),
  /** A PromQL instant query's value compared with a threshold. */
  PROMQL("promql");

  private final String wireName;

  ProbeType(String wireName) {
    this.wireName = wireName;
  }

  /** The name in JSON, e.g. {@code cloudwatch-alarm}. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** The classpath resource of this type's JSON Schema. */
  public String schemaResource() {
    return "/io/faultline/events/schemas/probes/" + wireName + ".schema.json";
  }

  public static Optional<ProbeType> find(String wireName) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst();
  }

  @JsonCreator
  public static ProbeType of(String wireName) {
    return find(wireName)
        .orElseThrow(() -> new IllegalArgumentException("unknown probe type '" + wireName + "'"));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
