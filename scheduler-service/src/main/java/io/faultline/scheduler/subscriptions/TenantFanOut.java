package io.faultline.scheduler.subscriptions;

import io.faultline.scheduler.engine.SchedulerProperties;
import io.faultline.scheduler.kafka.KafkaClients;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.faultline.telemetry.kafka.StreamsPoisonHandlers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Runs the fan-out ({@link FanOutTopology}) as its own exactly-once Streams application, {@code
 * <faultline.scheduler.application-id>-fanout}, so its groups, transactional ids and internal
 * topics fall under the scheduler's prefixed ACLs. Reports itself as the reader {@value #READER}
 * (readiness, {@code faultline_consumer_running}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SubscriptionProperties.class)
class TenantFanOut implements AutoCloseable {
  static final String READER = "tenant-fanout";

  private static final Logger log = LoggerFactory.getLogger(TenantFanOut.class);

  private final SubscriptionProperties subscriptions;
  private final SchedulerProperties scheduler;
  private final KafkaClients clients;
  private final PoisonRecords poison;
  private final ConsumerLiveness liveness;
  private TenantTopics topics;
  private KafkaStreams streams;

  TenantFanOut(
      SubscriptionProperties subscriptions,
      SchedulerProperties scheduler,
      KafkaClients clients,
      PoisonRecords poison,
      ConsumerLiveness liveness) {
    this.subscriptions = subscriptions;
    this.scheduler = scheduler;
    this.clients = clients;
    this.poison = poison;
    this.liveness = liveness;
  }

  @EventListener(ApplicationReadyEvent.class)
  synchronized void start() {
    if (!subscriptions.enabled() || streams != null) {
      return;
    }
    topics = new TenantTopics(clients.admin(), subscriptions.replicationFactor());
    Map<String, Object> settings = new HashMap<>();
    settings.put(StreamsConfig.APPLICATION_ID_CONFIG, scheduler.applicationId() + "-fanout");
    settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir());
    settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    settings.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    settings.putAll(StreamsPoisonHandlers.settings(poison));
    KafkaStreams created = clients.streams(FanOutTopology.build(topics::ensure, poison), settings);
    created.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.REBALANCING) {
            liveness.running(READER);
          } else if (now != KafkaStreams.State.CREATED) {
            liveness.stopped(READER, "streams " + now);
          }
        });
    created.setUncaughtExceptionHandler(
        e -> {
          log.error("tenant fan-out thread failed; replacing it", e);
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    liveness.running(READER);
    streams = created;
    created.start();
  }

  private static String stateDir() {
    try {
      // Only the global store of registered tenants, in memory; Streams still wants a directory.
      return Files.createTempDirectory("faultline-fanout-").toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (streams != null) {
      streams.close(
          CloseOptions.timeout(Duration.ofSeconds(10))
              .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      liveness.stopped(READER, "closed");
    }
    if (topics != null) {
      topics.close();
    }
  }
}
