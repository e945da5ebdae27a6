package io.faultline.executor;

import io.faultline.executor.control.ControlConsumer;
import io.faultline.executor.control.ControlPublisher;
import io.faultline.executor.control.Controls;
import io.faultline.executor.control.Halts;
import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.heartbeat.HeartbeatPublisher;
import io.faultline.executor.intake.ApprovalConsumer;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.observability.Observability;
import io.faultline.executor.recovery.JournalIndex;
import io.faultline.executor.recovery.Takeover;
import io.faultline.executor.run.FaultRunner;
import io.faultline.executor.run.RunSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One executor instance, assembled from its parts: controls first (so halts are known before any
 * approval starts), then the ledger, the runner, its heartbeat, recovery and the approvals
 * consumer.
 */
public final class Executor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Executor.class);

  /**
   * @param kafka builds every Kafka client (bootstrap servers, security)
   * @param executorId unique per running instance (also the ledger's transactional id suffix and
   *     the heartbeat's key)
   * @param heartbeatInterval how often the executor names the faults it runs (ADR 0007 §3)
   */
  public record Config(
      KafkaClients kafka,
      String groupId,
      String executorId,
      Duration sessionTimeout,
      int maxInFlight,
      RunSettings run,
      Duration heartbeatInterval) {
    /** {@code faultline.executor.heartbeat-interval}'s default. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

    public Config {
      Objects.requireNonNull(kafka, "kafka");
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(executorId, "executorId");
      Objects.requireNonNull(sessionTimeout, "sessionTimeout");
      Objects.requireNonNull(run, "run");
      Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
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
          kafka, groupId, executorId, sessionTimeout, maxInFlight, run, DEFAULT_HEARTBEAT_INTERVAL);
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
      return new Config(kafka, groupId, executorId, sessionTimeout, maxInFlight, run, interval);
    }
  }

  private final Config config;
  private final ControlConsumer controlConsumer;
  private final FaultLedger ledger;
  private final FaultRunner runner;
  private final HeartbeatPublisher heartbeats;
  private final ApprovalConsumer approvals;
  private final Halts halts;

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
    try {
      if (!controlConsumer.awaitCaughtUp(Duration.ofSeconds(60))) {
        throw new IllegalStateException("controls topic not read within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    this.halts =
        new Halts(
            controls,
            new ControlPublisher(config.kafka(), observability.meters()),
            config.executorId(),
            Clock.systemUTC());
    this.ledger = new FaultLedger(config.kafka(), "faultline-executor-" + config.executorId());
    this.runner =
        new FaultRunner(
            registry,
            connector,
            ledger,
            controls,
            config.run(),
            config.executorId(),
            observability);
    this.heartbeats =
        new HeartbeatPublisher(
            config.kafka(),
            config.executorId(),
            config.heartbeatInterval(),
            runner::inFlightFaults,
            observability.meters());
    JournalIndex index = new JournalIndex(config.kafka(), observability.poison());
    this.approvals =
        new ApprovalConsumer(
            config.kafka(),
            new ApprovalConsumer.Settings(
                config.groupId(), config.sessionTimeout(), config.maxInFlight()),
            config.executorId(),
            runner,
            index,
            new Takeover(config.kafka(), runner),
            ledger,
            observability.meters(),
            observability.poison(),
            observability.readers(),
            controlConsumer::isApplying);
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
    // Beating before the first approval is read: no fault runs unnamed.
    executor.heartbeats.start();
    executor.approvals.start();
    log.info("executor {} started in group {}", config.executorId(), config.groupId());
    return executor;
  }

  public String id() {
    return config.executorId();
  }

  /** Halts asked for on this executor directly (its HTTP port): applied here, then published. */
  public Halts halts() {
    return halts;
  }

  /** Faults running on this executor now. */
  public int inFlight() {
    return runner.inFlight();
  }

  /**
   * Stops consuming and releases the running faults (another executor of the group takes them over
   * from the journal and names them in its own heartbeat), stops the heartbeat, then closes.
   */
  @Override
  public void close() {
    approvals.close();
    runner.close();
    // Released faults are no longer named; only faults still writing their terminal event were.
    heartbeats.close();
    halts.close();
    ledger.close();
    controlConsumer.close();
  }
}
