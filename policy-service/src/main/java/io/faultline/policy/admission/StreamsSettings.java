package io.faultline.policy.admission;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The service's own Kafka Streams settings of the two applications, shared by the service and its
 * tests. They are laid over the deployment's client configuration (bootstrap servers, security:
 * {@link io.faultline.policy.kafka.KafkaClients}). Both are {@code exactly_once_v2}; they differ in
 * how often they commit.
 */
public final class StreamsSettings {
  private StreamsSettings() {}

  /** The intake application's id, derived from the service's (admission's) application id. */
  public static String intakeApplicationId(String applicationId) {
    return applicationId + "-intake";
  }

  /**
   * Intake: stateless decoding and validation on the input partitions, {@code threads} threads. A
   * request reaches admission only once its intake transaction commits, so intake commits every
   * {@value #INTAKE_COMMIT_MS} ms: its transactions are small (one output partition) and cheap.
   */
  public static Properties intake(
      String applicationId, int threads, String stateDir, int replicationFactor) {
    Properties props =
        common(intakeApplicationId(applicationId), threads, stateDir, replicationFactor);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, INTAKE_COMMIT_MS);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1);
    return props;
  }

  static final int INTAKE_COMMIT_MS = 5;
  static final int ADMISSION_COMMIT_MS = 20;

  /**
   * Admission: one stream thread (there is one task in the whole group). Decisions, store
   * changelogs and the admission-log offset commit together every {@value #ADMISSION_COMMIT_MS} ms,
   * the latency floor of a decision.
   */
  public static Properties admission(String applicationId, String stateDir, int replicationFactor) {
    Properties props = common(applicationId, 1, stateDir, replicationFactor);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, ADMISSION_COMMIT_MS);
    // Never idle on an empty fetch buffer while intake is busy: poll briefly, fetch and buffer
    // large batches of the single admission-log partition.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 5000);
    props.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, 10_000);
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 8 << 20);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 50 << 20);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    return props;
  }

  /**
   * {@code props} committing every {@code interval} instead of its default (the service's {@code
   * intake-commit-interval} and {@code admission-commit-interval}).
   */
  public static Properties committingEvery(Properties props, java.time.Duration interval) {
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Math.max(1, interval.toMillis()));
    return props;
  }

  private static Properties common(
      String applicationId, int threads, String stateDir, int replicationFactor) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    // Outputs, store changes and input offsets commit in one transaction: no double approval.
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
    props.put(StreamsConfig.POLL_MS_CONFIG, 10);
    // Measured: lz4 costs more CPU (a fresh 64 KiB block per batch, many partitions per commit)
    // than it saves on a 2-core machine; compress at the broker or topic level if bandwidth-bound.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return props;
  }
}
