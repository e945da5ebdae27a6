package io.faultline.scheduler.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs the engine's Kafka Streams application. Every instance joins the same application id; Kafka
 * assigns partitions (tenants) to instances, so no leader election exists or is needed. It starts
 * once the HTTP port is known, because the port is this instance's address for routed reads.
 */
@Component
public class SchedulerEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SchedulerEngine.class);

  private final SchedulerProperties properties;
  private final Clock clock;
  private final String bootstrapServers;
  private final int configuredPort;
  private final PublishTelemetry telemetry;
  private final MeterRegistry registry;
  private volatile KafkaStreams streams;
  private KafkaStreamsMetrics streamsMetrics;
  private volatile String self;

  SchedulerEngine(
      SchedulerProperties properties,
      Clock clock,
      @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers,
      @Value("${server.port:8080}") int configuredPort,
      OpenTelemetry openTelemetry,
      MeterRegistry registry) {
    this.telemetry = new PublishTelemetry(openTelemetry, registry);
    this.registry = registry;
    this.properties = properties;
    this.clock = clock;
    this.bootstrapServers = bootstrapServers;
    this.configuredPort = configuredPort;
  }

  @EventListener
  void onWebServer(WebServerInitializedEvent event) {
    if (event.getApplicationContext().getServerNamespace() == null) {
      start(event.getWebServer().getPort());
    }
  }

  @EventListener
  void onReady(ApplicationReadyEvent event) {
    // Without a web server (MockMvc tests) nobody can route to us; every partition is ours.
    start(configuredPort);
  }

  private synchronized void start(int port) {
    if (streams != null) {
      return;
    }
    self = properties.advertisedHost() + ":" + port;
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, properties.applicationId());
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir());
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // Leave the group on close, so a stopped instance's tenants move at once, not after a timeout.
    config.put(StreamsConfig.consumerPrefix("internal.leave.group.on.close"), true);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    KafkaStreams created =
        new KafkaStreams(
            SchedulerTopology.build(
                clock,
                new EngineSettings(
                    properties.tick(),
                    properties.misfireThreshold(),
                    properties.inMemoryStores(),
                    properties.commandsTopic()),
                telemetry),
            config);
    // Consumer lag (kafka_consumer_fetch_manager_records_lag_max) and the rest of the Streams
    // clients' metrics, as spring-kafka's KafkaStreamsMicrometerListener would bind them.
    streamsMetrics = new KafkaStreamsMetrics(created);
    streamsMetrics.bindTo(registry);
    created.setStateListener(
        (now, before) -> log.info("scheduler engine {} -> {} ({})", before, now, self));
    created.setUncaughtExceptionHandler(
        e -> {
          log.error("scheduler engine thread failed; replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    created.start();
    streams = created;
  }

  private String stateDir() {
    if (properties.stateDir() != null && !properties.stateDir().isBlank()) {
      return properties.stateDir();
    }
    try {
      return Files.createTempDirectory("faultline-scheduler-").toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The running Streams instance, or null before start. */
  public KafkaStreams streams() {
    return streams;
  }

  /** This instance's {@code host:port} as other instances see it. */
  public String self() {
    return self;
  }

  public boolean isRunning() {
    KafkaStreams s = streams;
    return s != null && s.state() == KafkaStreams.State.RUNNING;
  }

  @Override
  public synchronized void close() {
    if (streams != null) {
      streams.close(java.time.Duration.ofSeconds(20));
      streams = null;
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
      streamsMetrics = null;
    }
  }
}
