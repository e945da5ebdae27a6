package io.faultline.policy.admission;

import io.faultline.events.topics.Topics;
import io.faultline.policy.authentication.AppendTimeCheck;
import io.faultline.policy.kafka.KafkaClients;
import io.faultline.policy.kafka.StreamsLiveness;
import io.faultline.policy.owners.AccountOwnerIndex;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.faultline.telemetry.kafka.StreamsPoisonHandlers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy service's two Kafka Streams applications, run together: intake and admission (see
 * {@link AdmissionTopology}). It creates the admission log (as many partitions as the requests
 * topic, ADR 0012) if it is missing, refuses one with another number of partitions (tenants would
 * move between partitions with their leases and shares left behind), and deletes admission-log
 * records that admission has committed past, as Kafka Streams does for its own repartition topics.
 */
public final class AdmissionPipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdmissionPipeline.class);

  /** Safety net only: records admission has committed past are deleted long before. */
  static final Duration ADMISSION_LOG_RETENTION = Duration.ofDays(7);

  /** How long start waits for the account-owner index to read what the topic holds. */
  static final Duration OWNERS_CATCH_UP = Duration.ofSeconds(30);

  private final AdmissionSettings settings;
  private final AccountOwnerIndex owners;
  private final KafkaClients clients;
  private final Properties admissionProps;
  private final Duration purgeInterval;
  private final KafkaStreams intake;
  private final KafkaStreams admission;
  private final StreamsLiveness intakeLiveness;
  private final StreamsLiveness admissionLiveness;
  private ScheduledExecutorService purger;
  private Admin admin;

  /**
   * @param clients builds every Kafka client of the pipeline on the deployment's configuration
   * @param intakeSettings the intake application's own settings ({@link StreamsSettings#intake}),
   *     laid over the clients' base configuration
   * @param admissionSettings the admission application's ({@link StreamsSettings#admission})
   * @param purgeInterval how often consumed admission-log records are deleted; null never (tests
   *     that replay the log)
   */
  public AdmissionPipeline(
      AdmissionSettings settings,
      AdmissionTelemetry telemetry,
      KafkaClients clients,
      Properties intakeSettings,
      Properties admissionSettings,
      Duration purgeInterval) {
    // The account-owner index, read by this instance beside the two applications (ADR 0007 §7);
    // the admin base carries connection and security, which is all a groupless reader needs.
    this.owners =
        new AccountOwnerIndex(clients.adminConfig(Map.of()), settings.topic(Topics.ACCOUNT_OWNERS));
    settings = settings.withAccountOwners(owners);
    this.settings = settings;
    this.clients = clients;
    this.admissionProps =
        clients.streamsConfig(withPoisonHandlers(admissionSettings, telemetry.poison()));
    this.purgeInterval = purgeInterval;
    this.admission =
        clients.streams(AdmissionTopology.admission(settings, telemetry), admissionProps);
    this.intake =
        clients.streams(
            AdmissionTopology.intake(settings, telemetry),
            withPoisonHandlers(intakeSettings, telemetry.poison()));
    this.admissionLiveness =
        new StreamsLiveness(ADMISSION, telemetry.liveness(), telemetry.registry());
    this.intakeLiveness = new StreamsLiveness(INTAKE, telemetry.liveness(), telemetry.registry());
    admissionLiveness.watch(admission);
    intakeLiveness.watch(intake);
  }

  /** The names of the two applications in {@code faultline_consumer_running}. */
  public static final String INTAKE = "intake";

  public static final String ADMISSION = "admission";

  private static Properties withPoisonHandlers(Properties settings, PoisonRecords poison) {
    Properties copy = new Properties();
    copy.putAll(settings);
    copy.putAll(StreamsPoisonHandlers.settings(poison));
    return copy;
  }

  /** Creates or checks the admission log, then starts admission and intake. */
  public synchronized void start() {
    // One admin client for the pipeline's life: the start-up check and every purge use it.
    admin = clients.admin();
    ensureAdmissionLog();
    AppendTimeCheck.problem(admin, settings.topic(Topics.FAULT_REQUESTS))
        .ifPresent(problem -> log.warn("signed requests (ADR 0008): {}", problem));
    owners.start();
    try {
      if (!owners.awaitCaughtUp(OWNERS_CATCH_UP)) {
        log.warn(
            "the account-owner index did not catch up in {}; deciding meanwhile", OWNERS_CATCH_UP);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admission.start();
    intake.start();
    if (purgeInterval != null) {
      purger =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread thread = new Thread(r, "admission-log-purge");
                thread.setDaemon(true);
                return thread;
              });
      purger.scheduleWithFixedDelay(
          this::purgeConsumedAdmissionLog,
          purgeInterval.toMillis(),
          purgeInterval.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /** Both applications, admission first. */
  public List<KafkaStreams> streams() {
    return List.of(admission, intake);
  }

  public KafkaStreams admission() {
    return admission;
  }

  public KafkaStreams intake() {
    return intake;
  }

  /**
   * True while both applications run or rebalance and neither has a dead stream thread waiting for
   * its replacement: what readiness reports.
   */
  public boolean up() {
    return admissionLiveness.up() && intakeLiveness.up();
  }

  /** Stream threads of either application that died (and were replaced) since start. */
  public long threadFailures() {
    return admissionLiveness.threadFailures() + intakeLiveness.threadFailures();
  }

  /**
   * The pipeline's state: the worse of the two, so a failed intake (no request reaches admission)
   * is as visible as a failed admission.
   */
  public KafkaStreams.State state() {
    KafkaStreams.State a = admission.state();
    KafkaStreams.State i = intake.state();
    for (KafkaStreams.State bad :
        List.of(
            KafkaStreams.State.ERROR,
            KafkaStreams.State.PENDING_ERROR,
            KafkaStreams.State.NOT_RUNNING,
            KafkaStreams.State.PENDING_SHUTDOWN,
            KafkaStreams.State.CREATED,
            KafkaStreams.State.REBALANCING)) {
      if (a == bad || i == bad) {
        return bad;
      }
    }
    return a;
  }

  @Override
  public synchronized void close() {
    close(Duration.ofSeconds(10));
  }

  public synchronized void close(Duration timeout) {
    if (purger != null) {
      purger.shutdownNow();
    }
    // Leave the groups: the admission task moves to another instance at once, not after the
    // session timeout, so a rolling deploy pauses admission for a rebalance only.
    CloseOptions options =
        CloseOptions.timeout(timeout)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    intake.close(options);
    admission.close(options);
    owners.close();
    if (admin != null) {
      admin.close(timeout);
    }
  }

  private void ensureAdmissionLog() {
    String topic = settings.admissionLog();
    int replication =
        Integer.parseInt(
            String.valueOf(
                admissionProps.getOrDefault(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1)));
    try {
      NewTopic newTopic =
          new NewTopic(topic, settings.admissionPartitions(), (short) replication)
              .configs(
                  Map.of(
                      TopicConfig.CLEANUP_POLICY_CONFIG,
                      TopicConfig.CLEANUP_POLICY_DELETE,
                      TopicConfig.RETENTION_MS_CONFIG,
                      Long.toString(ADMISSION_LOG_RETENTION.toMillis())));
      if (createIfMissing(admin, newTopic)) {
        log.info("created the admission log {}", topic);
      }
      TopicDescription description = describe(admin, topic);
      int partitions = description.partitions().size();
      if (partitions != settings.admissionPartitions()) {
        throw new IllegalStateException(
            "the admission log "
                + topic
                + " has "
                + partitions
                + " partitions; admission needs exactly "
                + settings.admissionPartitions()
                + ", as many as the requests topic (ADR 0012): drain the platform (halt, wait"
                + " until no fault runs; ADR 0007 §8), delete the admission log and start again");
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe the admission log " + topic, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Describes the topic; it may have been created a moment ago (here or by another instance),
   * before the brokers' metadata knew it, so "unknown topic" is retried for a few seconds. Streams
   * starts only once its source topic is visible.
   */
  private static TopicDescription describe(Admin admin, String topic)
      throws ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        // Metadata propagation, not a condition we can wait on: a short pause between attempts.
        Thread.sleep(100);
      }
    }
  }

  /** Deletes the admission-log records below admission's committed offsets, every partition. */
  void purgeConsumedAdmissionLog() {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(
                  String.valueOf(admissionProps.get(StreamsConfig.APPLICATION_ID_CONFIG)))
              .partitionsToOffsetAndMetadata()
              .get();
      Map<TopicPartition, RecordsToDelete> purge = new HashMap<>();
      committed.forEach(
          (partition, offset) -> {
            if (partition.topic().equals(settings.admissionLog())
                && offset != null
                && offset.offset() > 0) {
              purge.put(partition, RecordsToDelete.beforeOffset(offset.offset()));
            }
          });
      if (!purge.isEmpty()) {
        admin.deleteRecords(purge).all().get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
        log.warn("cannot purge the admission log: {}", e.getCause().toString());
      }
    } catch (RuntimeException e) {
      log.warn("cannot purge the admission log: {}", e.toString());
    }
  }

  /**
   * Creates {@code topic} unless it exists; true when it was created.
   *
   * @throws IllegalStateException for any other failure, naming the topic
   */
  static boolean createIfMissing(Admin admin, NewTopic topic) throws InterruptedException {
    try {
      admin.createTopics(List.of(topic)).all().get();
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw new IllegalStateException("cannot create " + topic.name(), e.getCause());
    }
  }
}
