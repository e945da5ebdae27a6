package io.faultline.policy.admission;

import io.faultline.events.topics.Topics;
import io.faultline.policy.kafka.KafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the intake and admission applications ({@link AdmissionPipeline}) for the Spring
 * application: start with the context, close cleanly with it. A stream thread that dies is replaced
 * rather than leaving the instance half-alive; until it is, readiness is down ({@link
 * AdmissionHealth}).
 */
@Component
@EnableConfigurationProperties(PolicyServiceProperties.class)
public class AdmissionStreams implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(AdmissionStreams.class);

  private final PolicyServiceProperties properties;
  private final KafkaClients clients;
  private final AdmissionTelemetry telemetry;
  private final MeterRegistry registry;

  /** Consumed admission-log records are deleted this often. */
  static final java.time.Duration PURGE_INTERVAL = java.time.Duration.ofSeconds(30);

  private AdmissionPipeline pipeline;
  private List<KafkaStreamsMetrics> streamsMetrics;

  AdmissionStreams(
      PolicyServiceProperties properties,
      KafkaClients clients,
      OpenTelemetry openTelemetry,
      MeterRegistry registry) {
    this.properties = properties;
    this.clients = clients;
    this.telemetry = new AdmissionTelemetry(openTelemetry, registry);
    this.registry = registry;
  }

  @Override
  public synchronized void start() {
    if (properties.createTopics()) {
      createTopics();
    }
    pipeline =
        new AdmissionPipeline(
            properties.admission(),
            telemetry,
            clients,
            StreamsSettings.committingEvery(
                StreamsSettings.intake(
                    properties.applicationId(),
                    properties.streamThreads(),
                    properties.stateDir(),
                    properties.replicationFactor()),
                properties.intakeCommitInterval()),
            StreamsSettings.committingEvery(
                StreamsSettings.admission(
                    properties.applicationId(),
                    properties.stateDir(),
                    properties.replicationFactor()),
                properties.admissionCommitInterval()),
            PURGE_INTERVAL);
    // Kafka client metrics, consumer lag among them (kafka_consumer_fetch_manager_records_lag_max).
    streamsMetrics = new ArrayList<>();
    for (KafkaStreams streams : pipeline.streams()) {
      KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
      metrics.bindTo(registry);
      streamsMetrics.add(metrics);
    }
    pipeline.start();
  }

  @Override
  public synchronized void stop() {
    if (pipeline != null) {
      streamsMetrics.forEach(KafkaStreamsMetrics::close);
      pipeline.close(java.time.Duration.ofSeconds(10));
      pipeline = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return pipeline != null;
  }

  /**
   * True while intake and admission both run or rebalance and neither has a dead stream thread
   * waiting for its replacement: what readiness reports.
   */
  public synchronized boolean up() {
    return pipeline != null && pipeline.up();
  }

  /** Each application's liveness: "running" or why it stopped. */
  public Map<String, String> liveness() {
    return telemetry.liveness().states();
  }

  /** Stream threads that died (and were replaced) since start. */
  public synchronized long threadFailures() {
    return pipeline == null ? 0 : pipeline.threadFailures();
  }

  /** The running pipeline, null when stopped; for tests that stop one application. */
  synchronized AdmissionPipeline pipeline() {
    return pipeline;
  }

  /** The pipeline's state (the worse of intake and admission), for health checks. */
  public synchronized KafkaStreams.State state() {
    return pipeline == null ? KafkaStreams.State.NOT_RUNNING : pipeline.state();
  }

  /** Each application's own state. */
  public synchronized Map<String, String> states() {
    if (pipeline == null) {
      return Map.of();
    }
    return Map.of(
        "admission", pipeline.admission().state().name(),
        "intake", pipeline.intake().state().name());
  }

  private void createTopics() {
    short replication = (short) properties.replicationFactor();
    List<NewTopic> topics = Topics.all().stream().map(t -> t.newTopic(replication)).toList();
    try (Admin admin = clients.admin()) {
      for (NewTopic topic : topics) {
        AdmissionPipeline.createIfMissing(admin, topic);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
