package io.faultline.executor.run;

import io.faultline.executor.observability.ExecutorMetrics;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs faults in stretches, each on a virtual thread of its own: from the start (or takeover) to
 * the end or to a hold the fault parks for without a thread ({@link Hold}), then from the hold's
 * end (or an abort, halt or release) on. Fresh starts wait for a place at the start gate, resumed
 * holds at the rollback gate ({@link StartGate}); takeovers start at once. Thread-safe.
 */
final class FaultThreads implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FaultThreads.class);

  private final HoldTimer holds = new HoldTimer();
  private final StartGate starts;
  private final StartGate rollbacks;

  FaultThreads(RunSettings settings, ExecutorMetrics metrics) {
    this.starts = new StartGate(settings.maxStarting());
    this.rollbacks = new StartGate(settings.maxRollingBack());
    metrics.gate("start", starts::waiting);
    metrics.gate("rollback", rollbacks::waiting);
  }

  /**
   * Runs {@code execution} from its first stretch.
   *
   * @param gated a fresh approval: it waits for a place among the faults starting at once
   * @param ended told once, on the fault's last thread, when it has ended or was released
   */
  void start(Execution execution, boolean gated, Runnable ended) {
    if (!gated) {
      drive(execution, execution::run, () -> {}, ended);
      return;
    }
    starts.enter(
        place -> {
          execution.beforeLongWait(place::leave);
          drive(execution, execution::run, place::leave, ended);
        });
  }

  /**
   * One stretch on a new virtual thread; when it parks, the hold timer runs the next one.
   *
   * @param afterStretch told once the stretch has parked or ended (its gate's place)
   */
  private void drive(
      Execution execution, Supplier<Hold> stretch, Runnable afterStretch, Runnable ended) {
    String id = execution.approval().faultId().value();
    Thread.ofVirtual()
        .name("fault-" + id)
        .start(
            () -> {
              Hold parked = null;
              try {
                parked = stretch.get();
              } catch (RuntimeException | Error e) {
                log.error("fault {} ended with an unexpected error", id, e);
              } finally {
                afterStretch.run();
                if (parked == null) {
                  ended.run();
                }
              }
              if (parked != null) {
                park(execution, parked, ended);
              }
            });
  }

  private void park(Execution execution, Hold hold, Runnable ended) {
    holds.park(
        hold.duration(),
        execution.signal(),
        full ->
            rollbacks.enter(
                place ->
                    drive(execution, () -> execution.resume(hold, full), place::leave, ended)));
  }

  /** Faults parked then are woken only by their signal (the runner releases every one first). */
  @Override
  public void close() {
    holds.close();
  }
}
