package io.faultline.policy.admission;

import io.faultline.events.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the admission topology for the Spring application: start with the context, close cleanly
 * with it. A stream thread that dies is replaced rather than leaving the instance half-alive.
 */
@Component
@EnableConfigurationProperties(PolicyServiceProperties.class)
public class AdmissionStreams implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(AdmissionStreams.class);

  private final PolicyServiceProperties properties;
  private final String bootstrapServers;
  private final AdmissionTelemetry telemetry;
  private final MeterRegistry registry;
  private KafkaStreams streams;
  private KafkaStreamsMetrics streamsMetrics;

  AdmissionStreams(
      PolicyServiceProperties properties,
      @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers,
      OpenTelemetry openTelemetry,
      MeterRegistry registry) {
    this.properties = properties;
    this.bootstrapServers = bootstrapServers;
    this.telemetry = new AdmissionTelemetry(openTelemetry, registry);
    this.registry = registry;
  }

  @Override
  public synchronized void start() {
    if (properties.createTopics()) {
      createTopics();
    }
    streams =
        new KafkaStreams(
            AdmissionTopology.build(properties.admission(), telemetry),
            StreamsSettings.of(
                bootstrapServers,
                properties.applicationId(),
                properties.streamThreads(),
                properties.stateDir(),
                properties.replicationFactor()));
    streams.setUncaughtExceptionHandler(
        e -> {
          log.error("admission stream thread failed; replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    // Kafka client metrics, consumer lag among them (kafka_consumer_fetch_manager_records_lag_max).
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    streams.start();
  }

  @Override
  public synchronized void stop() {
    if (streams != null) {
      streamsMetrics.close();
      streams.close(java.time.Duration.ofSeconds(10));
      streams = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return streams != null;
  }

  /** The running streams' state, for health checks. */
  public synchronized KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
  }

  private void createTopics() {
    short replication = (short) properties.replicationFactor();
    List<NewTopic> topics = Topics.all().stream().map(t -> t.newTopic(replication)).toList();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create " + topic.name(), e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
