package io.faultline.scheduler.engine;

import io.faultline.events.signing.RequestSigner;
import io.faultline.scheduler.kafka.KafkaClients;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.faultline.telemetry.kafka.StreamsPoisonHandlers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
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
 *
 * <p>Its fault requests are signed with the platform key ({@link PlatformSigning}), when one is
 * configured.
 *
 * <p>It reports itself as the reader {@value #READER} to {@link ConsumerLiveness}: running while
 * the Streams client is RUNNING or REBALANCING with all its stream threads alive, stopped
 * otherwise.
 */
@Component
public class SchedulerEngine implements AutoCloseable {
  /** The engine's name in {@code faultline_consumer_running{consumer=...}}. */
  public static final String READER = "engine";

  private static final Logger log = LoggerFactory.getLogger(SchedulerEngine.class);

  private final SchedulerProperties properties;
  private final Clock clock;
  private final int configuredPort;
  private final PublishTelemetry telemetry;
  private final MeterRegistry registry;
  private final KafkaClients clients;
  private final PoisonRecords poison;
  private final ConsumerLiveness liveness;
  private final RequestSigner signer;
  private volatile KafkaStreams streams;
  private volatile int streamThreads;
  private KafkaStreamsMetrics streamsMetrics;
  private volatile String self;

  SchedulerEngine(
      SchedulerProperties properties,
      Clock clock,
      @Value("${server.port:8080}") int configuredPort,
      OpenTelemetry openTelemetry,
      MeterRegistry registry,
      KafkaClients clients,
      PoisonRecords poison,
      ConsumerLiveness liveness) {
    this.telemetry = new PublishTelemetry(openTelemetry, registry);
    this.registry = registry;
    this.properties = properties;
    this.clock = clock;
    this.configuredPort = configuredPort;
    this.clients = clients;
    this.poison = poison;
    this.liveness = liveness;
    // Read at start, so a configured key that cannot be used stops the service before it serves.
    this.signer = PlatformSigning.signer(properties.signing()).orElse(null);
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

  /** The engine's own Streams settings, layered over {@code spring.kafka.streams.*}. */
  Map<String, Object> streamsSettings(String self) {
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, properties.applicationId());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir());
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // Leave the group on close, so a stopped instance's tenants move at once, not after a timeout.
    config.put(StreamsConfig.consumerPrefix("internal.leave.group.on.close"), true);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    // A record no processor can read or apply is counted and skipped, never a stopped thread.
    config.putAll(StreamsPoisonHandlers.settings(poison));
    return config;
  }

  private synchronized void start(int port) {
    if (streams != null) {
      return;
    }
    self = properties.advertisedHost() + ":" + port;
    Map<String, Object> settings = streamsSettings(self);
    streamThreads =
        new StreamsConfig(clients.streamsConfig(settings))
            .getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG);
    KafkaStreams created =
        clients.streams(
            SchedulerTopology.build(
                clock,
                new EngineSettings(
                    properties.tick(),
                    properties.misfireThreshold(),
                    properties.inMemoryStores(),
                    properties.commandsTopic(),
                    properties.bounds(),
                    properties.probes().readingTimeout()),
                telemetry,
                poison,
                signer),
            settings);
    // Consumer lag (kafka_consumer_fetch_manager_records_lag_max) and the rest of the Streams
    // clients' metrics, as spring-kafka's KafkaStreamsMicrometerListener would bind them.
    streamsMetrics = new KafkaStreamsMetrics(created);
    streamsMetrics.bindTo(registry);
    created.setStateListener(
        (now, before) -> {
          log.info("scheduler engine {} -> {} ({})", before, now, self);
          report(now);
        });
    created.setUncaughtExceptionHandler(
        e -> {
          log.error("scheduler engine thread failed; replacing it", e);
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams = created;
    created.start();
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

  /**
   * Why the engine does not read its topics, or empty while it does (RUNNING or REBALANCING, every
   * configured stream thread alive). Also brings {@link ConsumerLiveness} up to date, since a
   * removed or dead stream thread changes no client state.
   */
  Optional<String> problem() {
    KafkaStreams s = streams;
    Optional<String> problem;
    if (s == null) {
      problem = Optional.of("not started");
    } else {
      problem = problem(s.state(), s);
    }
    if (s != null) {
      problem.ifPresentOrElse(p -> liveness.stopped(READER, p), () -> liveness.running(READER));
    }
    return problem;
  }

  private Optional<String> problem(KafkaStreams.State state, KafkaStreams s) {
    if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
      return Optional.of("streams " + state);
    }
    long alive;
    try {
      alive =
          s.metadataForLocalThreads().stream()
              .map(ThreadMetadata::threadState)
              .filter(t -> !t.equals("DEAD") && !t.equals("PENDING_SHUTDOWN"))
              .count();
    } catch (IllegalStateException e) {
      // The client left RUNNING/REBALANCING since its state was read.
      return Optional.of("streams " + s.state());
    }
    if (alive < streamThreads) {
      return Optional.of("stream threads alive " + alive + "/" + streamThreads);
    }
    return Optional.empty();
  }

  private void report(KafkaStreams.State state) {
    switch (state) {
      case RUNNING, REBALANCING -> liveness.running(READER);
      case CREATED -> {
        // Not started yet: nothing to report.
      }
      default -> liveness.stopped(READER, "streams " + state);
    }
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
