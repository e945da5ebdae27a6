package io.faultline.executor.run;

import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.observability.ExecutorMetrics;
import io.faultline.executor.observability.Observability;
import io.faultline.telemetry.FaultLogContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts approved faults (and faults taken over from a lost executor), each on its own virtual
 * thread, and routes aborts and halts to them. Thread-safe.
 */
public final class FaultRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FaultRunner.class);
  private static final URI APPROVALS_SOURCE = URI.create("/faultline/policy-service");

  private final FaultRegistry registry;
  private final AccountConnector connector;
  private final FaultLedger ledger;
  private final Controls controls;
  private final RunSettings settings;
  private final String executorId;
  private final RandomGenerator random;
  private final Tracer tracer;
  private final ExecutorMetrics metrics;
  private final Map<String, Execution> running = new ConcurrentHashMap<>();

  /** A runner that records no spans and no meters. */
  public FaultRunner(
      FaultRegistry registry,
      AccountConnector connector,
      FaultLedger ledger,
      Controls controls,
      RunSettings settings,
      String executorId) {
    this(registry, connector, ledger, controls, settings, executorId, Observability.none());
  }

  /**
   * @param observability where each fault's {@code fault.execute} span tree and the executor's
   *     meters go
   */
  public FaultRunner(
      FaultRegistry registry,
      AccountConnector connector,
      FaultLedger ledger,
      Controls controls,
      RunSettings settings,
      String executorId,
      Observability observability) {
    this.tracer = observability.tracer();
    this.metrics = new ExecutorMetrics(observability.meters());
    this.registry = registry;
    this.connector = connector;
    this.ledger = ledger;
    this.controls = controls;
    this.settings = settings;
    this.executorId = executorId;
    this.random = RandomGenerator.of("L64X128MixRandom");
    controls.onControl(
        control ->
            running
                .values()
                .forEach(
                    execution ->
                        Controls.stops(
                                control,
                                execution.approval().tenantId(),
                                execution.approval().faultId(),
                                execution.approval().runId())
                            .ifPresent(execution::abort)));
  }

  /**
   * Starts an approval on a new virtual thread.
   *
   * @return completes once the fault's first journal entry is committed (STARTED, or its terminal
   *     event when it may not start); the approval's offset may be committed then
   */
  public CompletableFuture<Void> start(
      FaultlineEvent<FaultApproved> approval, int partition, long offset) {
    CompletableFuture<Void> journaled = new CompletableFuture<>();
    Execution execution =
        Execution.fresh(approval, partition, offset, context(), () -> journaled.complete(null));
    launch(execution, journaled);
    return journaled;
  }

  /** As {@link #start(FaultlineEvent, int, long)}, for an approval known without its event. */
  public CompletableFuture<Void> start(
      FaultApproved approval, int partition, long offset, String traceparent) {
    return start(asEvent(approval, traceparent), partition, offset);
  }

  /**
   * Drives a fault found in flight in the journal to rollback and its terminal event, in the
   * fault's trace: a new {@code fault.execute} span whose parent is the approval's trace context
   * (or the journal's, when the approval had none).
   */
  public void takeOver(FaultlineEvent<FaultApproved> approval, JournalEntry entry) {
    try (FaultLogContext ignored =
        FaultLogContext.open(
            entry.tenantId(),
            entry.faultId(),
            Span.fromContext(TraceContexts.extract(entry.traceparent())))) {
      log.warn(
          "taking over fault {} (phase {}, written by executor {})",
          entry.faultId(),
          entry.phase(),
          entry.executor());
    }
    launch(Execution.recovered(approval, entry, context()), new CompletableFuture<>());
  }

  /**
   * As {@link #takeOver(FaultlineEvent, JournalEntry)}, for an approval known without its event.
   */
  public void takeOver(FaultApproved approval, JournalEntry entry) {
    takeOver(asEvent(approval, null), entry);
  }

  private static FaultlineEvent<FaultApproved> asEvent(FaultApproved approval, String traceparent) {
    return FaultlineEvent.of(UUID.randomUUID().toString(), APPROVALS_SOURCE, approval, traceparent);
  }

  private void launch(Execution execution, CompletableFuture<Void> journaled) {
    String id = execution.approval().faultId().value();
    String key =
        new FaultKey(execution.approval().tenantId(), execution.approval().faultId()).value();
    if (running.putIfAbsent(key, execution) != null) {
      log.info("fault {} is already running here; ignoring the duplicate", id);
      journaled.complete(null);
      return;
    }
    Thread.ofVirtual()
        .name("fault-" + id)
        .start(
            () -> {
              try {
                execution.run();
              } catch (RuntimeException | Error e) {
                log.error("fault {} ended with an unexpected error", id, e);
              } finally {
                running.remove(key, execution);
                // Never journaled (e.g. the ledger failed): keep the offset uncommitted so the
                // approval is delivered again rather than lost. No-op when already journaled.
                journaled.completeExceptionally(
                    new IllegalStateException("fault " + id + " was never journaled"));
              }
            });
  }

  private Execution.Context context() {
    return new Execution.Context(
        registry, connector, ledger, controls, settings, executorId, random, tracer, metrics);
  }

  /** Whether the fault ({@code faultKey}: {@code <tenant>/<fault id>}) runs here. */
  public boolean isRunning(String faultKey) {
    return running.containsKey(faultKey);
  }

  /** Faults in flight on this executor. */
  public int inFlight() {
    return running.size();
  }

  /**
   * A snapshot of the faults this executor drives now (fresh and taken over), for its heartbeat:
   * each from the moment its approval is accepted until its terminal event is being written;
   * released faults are left out. Safe to call from any thread.
   */
  public List<InFlightFault> inFlightFaults() {
    return running.values().stream().flatMap(e -> e.inFlight().stream()).toList();
  }

  /**
   * Stops the faults of partitions this executor no longer owns, without acting or publishing: the
   * new owner reads the journal and drives them to their end.
   */
  public void release(Collection<Integer> partitions) {
    running.values().stream()
        .filter(e -> partitions.contains(e.partition()))
        .forEach(Execution::release);
  }

  /** Releases every fault (shutdown: another executor takes them over). */
  @Override
  public void close() {
    running.values().forEach(Execution::release);
  }
}
