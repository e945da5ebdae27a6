package io.faultline.events.topics;

import io.faultline.events.cloudevents.EventFamily;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A topic of the catalogue: its name, what its key is, how it is partitioned and retained, who
 * writes it and which events it carries. Keys are always strings.
 *
 * @param <V> the record type of its events ({@code byte[]} for a service-internal topic)
 * @param key what the key is, e.g. "tenant id"
 * @param keyOf derives the key from an event, for publishers
 * @param retention how long records are kept; {@code null} for forever
 * @param writers the only services that write it
 * @param family the events it carries, or {@code null} for a service-internal topic
 * @param maxEventBytes larger events are refused (rule {@code maxBytes})
 */
public record Topic<V>(
    String name,
    Class<V> valueType,
    String key,
    Function<V, String> keyOf,
    int partitions,
    CleanupPolicy cleanup,
    Duration retention,
    List<String> writers,
    EventFamily family,
    int maxEventBytes,
    String description) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keyOf, "keyOf");
    writers = List.copyOf(writers);
  }

  public Optional<EventFamily> events() {
    return Optional.ofNullable(family);
  }

  /** Topic-level configs as Kafka names them. */
  public Map<String, String> configs() {
    Map<String, String> configs = new TreeMap<>();
    configs.put("cleanup.policy", cleanup.config());
    configs.put("retention.ms", retention == null ? "-1" : Long.toString(retention.toMillis()));
    configs.put("max.message.bytes", Integer.toString(maxBatchBytes()));
    if (stampedByBroker()) {
      configs.put("message.timestamp.type", "LogAppendTime");
    }
    return Collections.unmodifiableMap(configs);
  }

  /**
   * Whether the broker stamps each record with its append time: so for fault requests, whose
   * signatures expire by append time (ADR 0008), heartbeats, by whose append time leases are kept
   * and takeovers judged, and the execution journal, whose entries say when their writer was last
   * known alive on that same clock (ADR 0007); their writers must not choose it.
   */
  public boolean stampedByBroker() {
    return name.equals("faultline.execution-journal.v1")
        || events()
            .filter(f -> f == EventFamily.FAULT_REQUESTED || f == EventFamily.EXECUTOR_HEARTBEAT)
            .isPresent();
  }

  /**
   * The broker's limit on one record batch ({@code max.message.bytes}). It bounds batches, not
   * events (the codec enforces {@link #maxEventBytes}), so it is never below {@value
   * #MIN_BATCH_BYTES} bytes plus overhead: librdkafka's clients (kcat, confluent-kafka for Python,
   * Go, .NET) batch up to 1,000,000 bytes by default, and a smaller limit refuses their bursts.
   */
  public int maxBatchBytes() {
    return Math.max(maxEventBytes, MIN_BATCH_BYTES) + 64 * 1024;
  }

  /** Kafka's own default batch limit (1 MiB), above librdkafka's default batch size. */
  public static final int MIN_BATCH_BYTES = 1024 * 1024;

  /** The admin-client definition, for tests and tooling; replication is the cluster's choice. */
  public NewTopic newTopic(short replicationFactor) {
    return new NewTopic(name, partitions, replicationFactor).configs(configs());
  }

  @Override
  public String toString() {
    return name;
  }
}
