package io.faultline.executor.observability;

import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The executor's own meters (names shared with the Grafana dashboard; Prometheus turns dots into
 * underscores and adds {@code _total} / {@code _seconds}):
 *
 * <ul>
 *   <li>{@code faultline.executor.active.faults} gauge {fault_type, tenant}: faults running here
 *   <li>{@code faultline.executor.phase.duration} timer {phase, fault_type, outcome=ok|failed}
 *   <li>{@code faultline.executor.faults.finished} counter {fault_type, tenant, stage, reason}:
 *       reason is the terminal event's {@link FailureReason} ({@code none} for COMPLETED), so an
 *       alert can single out {@code stage="FAILED", reason="ROLLBACK"}
 *   <li>{@code faultline.executor.command.cancels} counter {fault_type,
 *       cause=TIMEOUT|ABORTED|HALTED, outcome=accepted|refused}: CancelCommand calls for inject
 *       commands the executor stopped waiting for
 *   <li>{@code faultline.executor.faults.waiting} gauge {gate=start|rollback}: faults waiting, with
 *       no thread, for a place to start or to roll back after their hold
 *   <li>{@code faultline.executor.late.injects} counter {fault_type,
 *       end=success|failed|cancelled|timed_out|unknown, rolled_back_again=true|false}: how those
 *       inject commands ended, and whether the rollback was sent again for it
 * </ul>
 *
 * Thread-safe; called from every fault's thread.
 */
public final class ExecutorMetrics {
  public static final String ACTIVE_FAULTS = "faultline.executor.active.faults";
  public static final String PHASE_DURATION = "faultline.executor.phase.duration";
  public static final String FAULTS_FINISHED = "faultline.executor.faults.finished";
  public static final String COMMAND_CANCELS = "faultline.executor.command.cancels";
  public static final String LATE_INJECTS = "faultline.executor.late.injects";
  public static final String FAULTS_WAITING = "faultline.executor.faults.waiting";

  /** The {@code reason} tag of a terminal event without a reason (COMPLETED). */
  public static final String NO_REASON = "none";

  private final MeterRegistry registry;
  private final Map<TypeAndTenant, AtomicInteger> active = new ConcurrentHashMap<>();

  private record TypeAndTenant(String faultType, String tenant) {}

  public ExecutorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Reads how many faults wait at {@code gate} ({@code start} or {@code rollback}). */
  public void gate(String gate, IntSupplier waiting) {
    Gauge.builder(FAULTS_WAITING, waiting, w -> w.getAsInt())
        .description("Faults waiting, with no thread, for a place to start or to roll back")
        .tag("gate", gate)
        .strongReference(true)
        .register(registry);
  }

  /** A fault began running on this executor (fresh or taken over). */
  public void faultStarted(String faultType, String tenant) {
    active(faultType, tenant).incrementAndGet();
  }

  /** A fault stopped running here (ended, released or crashed). */
  public void faultStopped(String faultType, String tenant) {
    active(faultType, tenant).decrementAndGet();
  }

  private AtomicInteger active(String faultType, String tenant) {
    return active.computeIfAbsent(
        new TypeAndTenant(faultType, tenant),
        key -> {
          AtomicInteger count = new AtomicInteger();
          // The gauge holds the counter strongly: it reads 0 once the tenant's faults are done.
          Gauge.builder(ACTIVE_FAULTS, count, AtomicInteger::get)
              .description("Faults running on this executor")
              .tag("fault_type", key.faultType())
              .tag("tenant", key.tenant())
              .strongReference(true)
              .register(registry);
          return count;
        });
  }

  /**
   * How long one phase of a fault took.
   *
   * @param phase the span name without {@code fault.} (assume-role, resolve-targets, pre-check,
   *     ramp, inject, hold, rollback, verify)
   */
  public void phase(String phase, String faultType, boolean ok, Duration took) {
    Timer.builder(PHASE_DURATION)
        .description("Duration of one phase of a fault")
        .tag("phase", phase)
        .tag("fault_type", faultType)
        .tag("outcome", ok ? "ok" : "failed")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofHours(2))
        .register(registry)
        .record(took.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * CancelCommand was called for an inject command the executor stopped waiting for.
   *
   * @param cause why it stopped waiting (TIMEOUT, ABORTED, HALTED)
   * @param accepted false when the endpoint refused (the rollback runs anyway)
   */
  public void commandCancel(String faultType, String cause, boolean accepted) {
    Counter.builder(COMMAND_CANCELS)
        .description("CancelCommand calls for inject commands the executor stopped waiting for")
        .tag("fault_type", faultType)
        .tag("cause", cause)
        .tag("outcome", accepted ? "accepted" : "refused")
        .register(registry)
        .increment();
  }

  /**
   * An inject command the executor stopped waiting for has ended (or its bound passed unseen).
   *
   * @param end success, failed, cancelled, timed_out or unknown
   * @param rolledBackAgain whether the rollback was sent to its target again because of it
   */
  public void lateInject(String faultType, String end, boolean rolledBackAgain) {
    Counter.builder(LATE_INJECTS)
        .description("Inject commands the executor stopped waiting for, by how they ended")
        .tag("fault_type", faultType)
        .tag("end", end)
        .tag("rolled_back_again", Boolean.toString(rolledBackAgain))
        .register(registry)
        .increment();
  }

  /**
   * A fault's terminal event was published.
   *
   * @param reason the event's reason; null when it has none (COMPLETED)
   */
  public void finished(
      String faultType, String tenant, LifecycleStage stage, FailureReason reason) {
    Counter.builder(FAULTS_FINISHED)
        .description("Faults that reached a terminal stage on this executor")
        .tag("fault_type", faultType)
        .tag("tenant", tenant)
        .tag("stage", stage.name())
        .tag("reason", reason == null ? NO_REASON : reason.name())
        .register(registry)
        .increment();
  }
}
