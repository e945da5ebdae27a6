package io.faultline.executor.run;

import io.faultline.events.decision.FaultApproved;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.lifecycle.JournalEntry;
import java.util.Collection;
import java.util.Map;
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

  private final FaultRegistry registry;
  private final AccountConnector connector;
  private final FaultLedger ledger;
  private final Controls controls;
  private final RunSettings settings;
  private final String executorId;
  private final RandomGenerator random;
  private final Map<String, Execution> running = new ConcurrentHashMap<>();

  public FaultRunner(
      FaultRegistry registry,
      AccountConnector connector,
      FaultLedger ledger,
      Controls controls,
      RunSettings settings,
      String executorId) {
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
      FaultApproved approval, int partition, long offset, String traceparent) {
    CompletableFuture<Void> journaled = new CompletableFuture<>();
    Execution execution =
        Execution.fresh(approval, partition, offset, traceparent, context(), journaled::complete);
    launch(execution, journaled);
    return journaled;
  }

  /** Drives a fault found in flight in the journal to rollback and its terminal event. */
  public void takeOver(FaultApproved approval, JournalEntry entry) {
    log.warn(
        "taking over fault {} (phase {}, written by executor {})",
        entry.faultId(),
        entry.phase(),
        entry.executor());
    launch(Execution.recovered(approval, entry, context()), new CompletableFuture<>());
  }

  private void launch(Execution execution, CompletableFuture<Void> journaled) {
    String id = execution.approval().faultId().value();
    if (running.putIfAbsent(id, execution) != null) {
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
                running.remove(id, execution);
                // Never journaled (e.g. the ledger failed): keep the offset uncommitted so the
                // approval is delivered again rather than lost. No-op when already journaled.
                journaled.completeExceptionally(
                    new IllegalStateException("fault " + id + " was never journaled"));
              }
            });
  }

  private Execution.Context context() {
    return new Execution.Context(
        registry, connector, ledger, controls, settings, executorId, random);
  }

  public boolean isRunning(String faultId) {
    return running.containsKey(faultId);
  }

  /** Faults in flight on this executor. */
  public int inFlight() {
    return running.size();
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
