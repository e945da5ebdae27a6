package io.faultline.executor;

import io.faultline.executor.claims.ExecutorClaims;
import io.faultline.executor.control.ControlConsumer;
import io.faultline.executor.control.ControlPublisher;
import io.faultline.executor.control.Controls;
import io.faultline.executor.control.Halts;
import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.guard.TenantGuards;
import io.faultline.executor.guard.TenantPolicyReader;
import io.faultline.executor.heartbeat.HeartbeatPublisher;
import io.faultline.executor.intake.ApprovalConsumer;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.observability.Observability;
import io.faultline.executor.ownership.OwnershipWatch;
import io.faultline.executor.probe.RunWatches;
import io.faultline.executor.probe.WatchSettings;
import io.faultline.executor.recovery.JournalIndex;
import io.faultline.executor.recovery.Takeover;
import io.faultline.executor.run.FaultRunner;
import io.faultline.executor.run.OwnDeadline;
import io.faultline.executor.run.RunSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One executor instance, assembled from its parts: controls first (so halts are known before any
 * approval starts), then the ledger, the runner, its heartbeat, recovery and the approvals
 * consumer, and the run watches (ADR 0010).
 */
public final class Executor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Executor.class);

  /** The ledger's name among the readers whose state readiness reports. */
  public static final String LEDGER = "ledger";

  /**
   * @param kafka builds every Kafka client (bootstrap servers, security)
   * @param executorId unique per running instance (also the ledger's transactional id suffix and
   *     the heartbeat's key)
   * @param heartbeatInterval how often the executor names the faults it runs (ADR 0007 §3)
   * @param takeoverGrace how long no heartbeat may name a fault before the owner of its approvals
   *     partition takes it over (ADR 0007 §5); this executor stops acting on its own faults after
   *     two thirds of it without an appended heartbeat
   * @param probes whether and in which group this executor evaluates run watches
   */
  public record Config(
      KafkaClients kafka,
      String groupId,
      String executorId,
      Duration sessionTimeout,
      int maxInFlight,
      RunSettings run,
      Duration heartbeatInterval,
      Duration takeoverGrace,
      WatchSettings probes) {
    /** {@code faultline.executor.heartbeat-interval}'s default. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

    /** {@code faultline.executor.takeover-grace}'s default (the policy's lease-grace is 30 s). */
    public static final Duration DEFAULT_TAKEOVER_GRACE = Duration.ofSeconds(15);

    public Config {
      Objects.requireNonNull(kafka, "kafka");
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(executorId, "executorId");
      Objects.requireNonNull(sessionTimeout, "sessionTimeout");
      Objects.requireNonNull(run, "run");
      Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
      Objects.requireNonNull(takeoverGrace, "takeoverGrace");
      Objects.requireNonNull(probes, "probes");
      if (takeoverGrace.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
        throw new IllegalArgumentException(
            "takeover-grace ("
                + takeoverGrace
                + ") must be at least twice the heartbeat-interval ("
                + heartbeatInterval
                + "): a live executor would lose its faults between two beats");
      }
    }

    /** An executor watching runs in the default group. */
    public Config(
        KafkaClients kafka,
        String groupId,
        String executorId,
        Duration sessionTimeout,
        int maxInFlight,
        RunSettings run,
        Duration heartbeatInterval,
        Duration takeoverGrace) {
      this(
          kafka,
          groupId,
          executorId,
          sessionTimeout,
          maxInFlight,
          run,
          heartbeatInterval,
          takeoverGrace,
          WatchSettings.defaults());
    }

    /** An executor with the default heartbeat interval. */
    public Config(
        KafkaClients kafka,
        String groupId,
        String executorId,
        Duration sessionTimeout,
        int maxInFlight,
        RunSettings run) {
      this(
          kafka,
          groupId,
          executorId,
          sessionTimeout,
          maxInFlight,
          run,
          DEFAULT_HEARTBEAT_INTERVAL,
          DEFAULT_TAKEOVER_GRACE);
    }

    /** An executor on an open broker (tests, the benchmark). */
    public Config(
        String bootstrapServers,
        String groupId,
        String executorId,
        Duration sessionTimeout,
        int maxInFlight,
        RunSettings run) {
      this(
          KafkaClients.of(bootstrapServers), groupId, executorId, sessionTimeout, maxInFlight, run);
    }

    public Config withHeartbeatInterval(Duration interval) {
      return withOwnership(interval, takeoverGrace);
    }

    /** The same, with heartbeats every {@code interval} and takeovers after {@code grace}. */
    public Config withOwnership(Duration interval, Duration grace) {
      return new Config(
          kafka, groupId, executorId, sessionTimeout, maxInFlight, run, interval, grace, probes);
    }

    /** The same, with run watches as {@code settings} say. */
    public Config withProbes(WatchSettings settings) {
      return new Config(
          kafka,
          groupId,
          executorId,
          sessionTimeout,
          maxInFlight,
          run,
          heartbeatInterval,
          takeoverGrace,
          settings);
    }
  }

  /** How long a graceful shutdown waits for faults caught resolving or injecting to hold. */
  static final Duration HANDOVER_SETTLE = Duration.ofSeconds(20);

  private final Config config;
  private final String instanceId;
  private final ControlConsumer controlConsumer;
  private final TenantPolicyReader policies;
  private final OwnDeadline deadline;
  private final FaultLedger ledger;
  private final FaultRunner runner;
  private final HeartbeatPublisher heartbeats;
  private final OwnershipWatch ownership;
  private final ApprovalConsumer approvals;
  private final Halts halts;
  private final RunWatches watches;
  private final ExecutorClaims claims;

  private Executor(
      Config config,
      AccountConnector connector,
      FaultRegistry registry,
      Observability observability) {
    this.config = config;
    Controls controls = new Controls();
    this.controlConsumer =
        new ControlConsumer(
            config.kafka(),
            controls,
            observability.meters(),
            observability.poison(),
            observability.readers());
    // The tenants' protected targets now, applied again before each inject batch.
    this.policies =
        new TenantPolicyReader(
            config.kafka(),
            new TenantGuards(),
            observability.meters(),
            observability.poison(),
            observability.readers());
    CaughtUp.await("controls topic", controlConsumer::awaitCaughtUp);
    CaughtUp.await("tenant-policies topic", policies::awaitCaughtUp);
    this.instanceId = InstanceIds.of(config.executorId());
    // One publisher for the halts asked for here and the aborts of breached stop conditions.
    ControlPublisher controlPublisher =
        new ControlPublisher(config.kafka(), observability.meters());
    this.halts = new Halts(controls, controlPublisher, instanceId, Clock.systemUTC());
    this.deadline = OwnDeadline.forTakeoverGrace(config.takeoverGrace());
    this.ledger =
        new FaultLedger(config.kafka(), "faultline-executor-" + instanceId, observability.meters());
    ledger.actingWhile(() -> deadline.generation() != OwnDeadline.LAPSED);
    // Tag-selected faults claim the instances they resolved from admission (issue 16).
    this.claims =
        ExecutorClaims.forExecutor(config.kafka(), config.run().claimsTargets(), observability);
    this.runner =
        new FaultRunner(
            registry,
            connector,
            ledger,
            controls,
            config.run(),
            instanceId,
            observability,
            deadline,
            policies.guards(),
            claims);
    this.heartbeats =
        new HeartbeatPublisher(
            config.kafka(),
            instanceId,
            config.heartbeatInterval(),
            runner::inFlightFaults,
            observability.meters(),
            deadline::appended);
    AtomicReference<OwnershipWatch> watch = new AtomicReference<>();
    JournalIndex index =
        new JournalIndex(
            config.kafka(),
            observability.poison(),
            () -> watch.get() == null ? Instant.EPOCH : watch.get().clock());
    this.ownership =
        new OwnershipWatch(
            config.kafka(),
            config.takeoverGrace(),
            index,
            runner,
            new Takeover(config.kafka(), runner, heartbeats::beatNow),
            observability.poison(),
            observability.readers());
    watch.set(ownership);
    this.approvals =
        new ApprovalConsumer(
            config.kafka(),
            new ApprovalConsumer.Settings(
                config.groupId(), config.sessionTimeout(), config.maxInFlight()),
            instanceId,
            runner,
            index,
            ledger,
            observability.meters(),
            observability.poison(),
            observability.readers(),
            () ->
                controlConsumer.isApplying()
                    && deadline.generation() != OwnDeadline.LAPSED
                    && !ledger.failed());
    this.watches =
        RunWatches.forExecutor(
            config.kafka(),
            config.probes(),
            instanceId,
            config.sessionTimeout(),
            connector,
            policies.accounts(),
            controls,
            controlPublisher,
            observability);
    observability.readers().running(LEDGER);
    ledger.onFailure(
        e -> {
          observability.readers().stopped(LEDGER, "ledger failed: " + e.getMessage());
          log.error(
              "executor {}: its ledger can no longer write ({}); intake stops and its faults are"
                  + " released to other executors",
              instanceId,
              e.getMessage());
          runner.close();
          Thread.ofVirtual().name("ledger-failed").start(approvals::close);
        });
  }

  /** Builds and starts an executor that records no spans and no meters. */
  public static Executor start(Config config, AccountConnector connector, FaultRegistry registry) {
    return start(config, connector, registry, Observability.none());
  }

  /**
   * Builds and starts an executor; returns once the controls are caught up.
   *
   * @param observability where the faults' spans and the executor's meters (faults, phases, Kafka
   *     consumer lag) go
   */
  public static Executor start(
      Config config,
      AccountConnector connector,
      FaultRegistry registry,
      Observability observability) {
    Executor executor = new Executor(config, connector, registry, observability);
    // Beating before the first approval is read: no fault runs unnamed. Who else is alive is
    // known before any fault is taken over.
    executor.heartbeats.start();
    executor.ownership.start();
    try {
      CaughtUp.await("heartbeats", executor.ownership::awaitCaughtUp);
    } catch (IllegalStateException e) {
      executor.close();
      throw e;
    }
    executor.approvals.start();
    log.info(
        "executor {} started in group {} (takeover grace {})",
        executor.instanceId,
        config.groupId(),
        config.takeoverGrace());
    return executor;
  }

  /** This instance's id: the configured id and a suffix of its own (journal, heartbeats). */
  public String id() {
    return instanceId;
  }

  /** Halts asked for on this executor directly (its HTTP port): applied here, then published. */
  public Halts halts() {
    return halts;
  }

  /** Runs whose watch this executor evaluates now (0 when run watches are off). */
  public int watchedRuns() {
    return watches.watched();
  }

  /** Faults running on this executor now. */
  public int inFlight() {
    return runner.inFlight();
  }

  /**
   * Graceful shutdown: stops taking approvals, hands the running faults over (each is given up in
   * the journal, and the owner of its approvals partition continues it at once and names it in its
   * own heartbeat), stops the heartbeat, then closes.
   */
  @Override
  public void close() {
    watches.close();
    approvals.close();
    ownership.close();
    runner.handOver(HANDOVER_SETTLE);
    // Handed-over faults are no longer named.
    heartbeats.close();
    claims.close();
    halts.close();
    ledger.close();
    controlConsumer.close();
    policies.close();
  }
}
