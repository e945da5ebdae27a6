package io.faultline.executor.probe;

import io.faultline.executor.control.ControlPublisher;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.guard.TenantAccounts;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.observability.Observability;
import io.faultline.executor.probe.egress.EgressClient;
import java.time.Clock;
import java.time.Duration;

/**
 * The run-watch feature of an executor (ADR 0010), assembled: the reader of its share of {@code
 * faultline.run-watches.v1}, the watches it evaluates with the registered probe types, run events
 * out, and breaches into {@code ABORT_RUN STOP_CONDITION}.
 */
public final class RunWatches implements AutoCloseable {
  /** The reader's name among the readers whose state readiness reports. */
  public static final String READER = WatchReader.READER;

  // All null when this executor watches nothing (faultline.executor.probes.enabled=false).
  private final RunEventPublisher events;
  private final Watches watches;
  private final WatchReader reader;

  private RunWatches(RunEventPublisher events, Watches watches, WatchReader reader) {
    this.events = events;
    this.watches = watches;
    this.reader = reader;
  }

  /**
   * An executor's run watches as {@code settings} say: started with the standard probe types, or
   * none at all when they are off.
   *
   * @param connector the executor's connector: CloudWatch probes use it when it reaches AWS (the
   *     local transport acts on this host and has no CloudWatch)
   * @param accounts the tenants' registered accounts (whose role a CloudWatch probe assumes)
   */
  public static RunWatches forExecutor(
      KafkaClients kafka,
      WatchSettings settings,
      String executorId,
      Duration sessionTimeout,
      AccountConnector connector,
      TenantAccounts accounts,
      Controls controls,
      ControlPublisher publisher,
      Observability observability) {
    if (!settings.enabled()) {
      return new RunWatches(null, null, null);
    }
    Clock clock = Clock.systemUTC();
    ProbeTools tools =
        new ProbeTools(
            connector instanceof CloudWatchConnector cloudWatch ? cloudWatch : null,
            new ProbeAccounts(accounts, clock),
            clock,
            EgressClient.of(settings.egress()));
    return start(
        kafka,
        settings,
        executorId,
        sessionTimeout,
        ProbeRegistry.standard(tools),
        controls,
        publisher,
        observability,
        clock);
  }

  /**
   * Starts reading and evaluating watches.
   *
   * @param controls this executor's controls: a breach is applied here at once
   * @param publisher publishes the breach's {@code ABORT_RUN} for every other executor
   * @param sessionTimeout how soon a dead executor's watch partitions move to another one
   */
  public static RunWatches start(
      KafkaClients kafka,
      WatchSettings settings,
      String executorId,
      Duration sessionTimeout,
      ProbeRegistry registry,
      Controls controls,
      ControlPublisher publisher,
      Observability observability,
      Clock clock) {
    RunEventPublisher events = new RunEventPublisher(kafka, observability.meters());
    Watches watches =
        new Watches(
            registry,
            new WatchRun.Sinks(events, new BreachAborts(controls, publisher, executorId, clock)),
            clock);
    WatchReader reader =
        new WatchReader(
            kafka,
            settings.groupId(),
            executorId,
            sessionTimeout,
            watches,
            observability.meters(),
            observability.poison(),
            observability.readers());
    reader.start();
    return new RunWatches(events, watches, reader);
  }

  /** How many runs this executor watches now. */
  public int watched() {
    return watches == null ? 0 : watches.size();
  }

  @Override
  public void close() {
    if (reader == null) {
      return;
    }
    reader.close();
    watches.close();
    events.close();
  }
}
