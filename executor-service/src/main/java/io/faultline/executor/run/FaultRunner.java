package io.faultline.executor.run;

import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.executor.claims.TargetClaims;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.guard.TenantGuards;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.observability.ExecutorMetrics;
import io.faultline.executor.observability.Observability;
import io.faultline.telemetry.FaultLogContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts approved faults (and faults taken over from a lost executor), each on a virtual thread of
 * its own while it acts and parked without one for its hold ({@link FaultThreads}), and routes
 * aborts and halts to them. Thread-safe.
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
  private final OwnDeadline deadline;
  private final TenantGuards guards;
  private final TargetClaims claims;
  private final Map<String, Execution> running = new ConcurrentHashMap<>();
  private final FaultThreads threads;

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

  /** A runner whose faults are never released by a heartbeat deadline (no heartbeat is sent). */
  public FaultRunner(
      FaultRegistry registry,
      AccountConnector connector,
      FaultLedger ledger,
      Controls controls,
      RunSettings settings,
      String executorId,
      Observability observability) {
    this(
        registry,
        connector,
        ledger,
        controls,
        settings,
        executorId,
        observability,
        new OwnDeadline(Duration.ofDays(365)),
        new TenantGuards());
  }

  /** A runner whose tag-selected faults claim nothing (no admission answers claims). */
  public FaultRunner(
      FaultRegistry registry,
      AccountConnector connector,
      FaultLedger ledger,
      Controls controls,
      RunSettings settings,
      String executorId,
      Observability observability,
      OwnDeadline deadline,
      TenantGuards guards) {
    this(
        registry,
        connector,
        ledger,
        controls,
        settings,
        executorId,
        observability,
        deadline,
        guards,
        TargetClaims.off());
  }

  /**
   * @param observability where each fault's {@code fault.execute} span tree and the executor's
   *     meters go
   * @param deadline this executor's own heartbeat deadline: a fault acts only while it holds
   * @param guards the tenants' current protected targets, applied with each approval's guard at
   *     resolution and before each inject batch
   * @param claims where tag-selected faults claim their resolved instances, when {@code settings}
   *     say they do ({@link RunSettings#claimsTargets()})
   */
  public FaultRunner(
      FaultRegistry registry,
      AccountConnector connector,
      FaultLedger ledger,
      Controls controls,
      RunSettings settings,
      String executorId,
      Observability observability,
      OwnDeadline deadline,
      TenantGuards guards,
      TargetClaims claims) {
    this.deadline = deadline;
    this.claims = claims;
    this.guards = guards;
    this.tracer = observability.tracer();
    this.metrics = new ExecutorMetrics(observability.meters());
    this.threads = new FaultThreads(settings, metrics);
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
    launch(execution, journaled, true);
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
    launch(Execution.recovered(approval, entry, context()), new CompletableFuture<>(), false);
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

  /**
   * Runs a fault unless it runs here already; {@code gated}: a fresh approval, which waits for a
   * place among the faults starting at once; a takeover does not wait.
   */
  private void launch(Execution execution, CompletableFuture<Void> journaled, boolean gated) {
    String id = execution.approval().faultId().value();
    String key =
        new FaultKey(execution.approval().tenantId(), execution.approval().faultId()).value();
    if (running.putIfAbsent(key, execution) != null) {
      log.info("fault {} is already running here; ignoring the duplicate", id);
      journaled.complete(null);
      return;
    }
    threads.start(
        execution,
        gated,
        () -> {
          running.remove(key, execution);
          // Never journaled (e.g. the ledger failed): keep the offset uncommitted so the approval
          // is delivered again rather than lost. No-op when already journaled.
          journaled.completeExceptionally(
              new IllegalStateException("fault " + id + " was never journaled"));
        });
  }

  private Execution.Context context() {
    return new Execution.Context(
        registry,
        connector,
        ledger,
        controls,
        settings,
        executorId,
        random,
        tracer,
        metrics,
        deadline,
        guards,
        claims);
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
   * Stops the faults another executor has claimed under a higher epoch than this one drives them
   * under, without acting or publishing (ADR 0007 §5).
   *
   * @param claimed the highest epoch seen claimed per fault key
   */
  public void fence(Map<String, Long> claimed) {
    running.forEach(
        (key, execution) -> {
          Long epoch = claimed.get(key);
          if (epoch != null && epoch > execution.epoch() && !execution.released()) {
            log.warn(
                "fault {} is claimed by another executor under epoch {} (this one drives epoch"
                    + " {}): releasing it",
                key,
                epoch,
                execution.epoch());
            execution.release();
          }
        });
  }

  /**
   * Releases every fault whose ownership lapsed (its checks would stop it at its next step; this
   * stops its waits now).
   *
   * @return how many were released by this call
   */
  public int releaseLapsed() {
    int released = 0;
    for (Execution execution : running.values()) {
      if (execution.releaseIfLapsed()) {
        released++;
      }
    }
    return released;
  }

  /**
   * Graceful shutdown: waits up to {@code settle} for faults caught before their hold (resolving,
   * injecting) to reach it, then hands every fault over: each stops and gives itself up in the
   * journal, and the owner of its approvals partition continues it at once.
   */
  public void handOver(Duration settle) {
    // Polling a few faults' phases at shutdown: nothing to signal on.
    pollWhile(
        Instant.now().plus(settle),
        100,
        () -> running.values().stream().anyMatch(e -> !e.settled() && !e.released()));
    running.values().forEach(Execution::handOver);
    // The handover entries are being written.
    pollWhile(Instant.now().plusSeconds(10), 50, () -> !running.isEmpty());
  }

  /**
   * Checks {@code condition} every {@code everyMillis} while it holds, until {@code until}. A fixed
   * pause is right here: the faults' phases change on their own threads, which signal nothing, and
   * this runs once, at shutdown.
   */
  private static void pollWhile(Instant until, long everyMillis, BooleanSupplier condition) {
    while (Instant.now().isBefore(until) && condition.getAsBoolean()) {
      try {
        Thread.sleep(everyMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Releases every fault (another executor takes them over after its grace). */
  @Override
  public void close() {
    running.values().forEach(Execution::release);
    threads.close();
  }
}
