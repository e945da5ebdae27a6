package io.faultline.policy.admission;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams configuration admission relies on, shared by the service and its tests. */
public final class StreamsSettings {
  private StreamsSettings() {}

  public static Properties of(
      String bootstrapServers,
      String applicationId,
      int threads,
      String stateDir,
      int replicationFactor) {
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    // Decisions, lease changes and input offsets commit in one transaction: no double approval.
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
    // A decision crosses two transactions (intake, then admission): the commit interval bounds
    // latency from below, and each commit costs a round of transaction markers.
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
    // The admission task must never idle on an empty fetch buffer while intake is busy: poll
    // briefly, fetch and buffer large batches of the single admission-log partition.
    props.put(StreamsConfig.POLL_MS_CONFIG, 10);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 5000);
    props.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, 10_000);
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 8 << 20);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 50 << 20);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    // Measured: lz4 costs more CPU (a fresh 64 KiB block per batch, many partitions per commit)
    // than it saves on a 2-core machine; compress at the broker or topic level if bandwidth-bound.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return props;
  }
}
