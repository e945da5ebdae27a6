package io.faultline.executor.control;

import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.ids.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A halt asked for on this executor directly (its HTTP port), for when Kafka is not there to carry
 * one from the scheduler: applied to this executor's controls at once — the same path a control
 * read from the topic takes, so running faults of the scope roll back and end {@code ABORTED
 * HALTED} and its approvals do not start — then published on the controls topic for every other
 * executor and the policy service, once the broker takes it.
 *
 * <p>A second halt of a scope whose halt is still waiting for the broker is the same halt (same
 * control id, no second record). Resuming is the scheduler's: a resume read from the topic lifts
 * the halt here too.
 */
public final class Halts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Halts.class);

  /** How long an answer waits for the broker's acknowledgement before saying "pending". */
  static final Duration PUBLISH_WAIT = Duration.ofSeconds(2);

  private final Controls controls;
  private final ControlPublisher publisher;
  private final String executorId;
  private final Clock clock;
  private final Map<String, Issued> unpublished = new ConcurrentHashMap<>();

  /** A halt as applied here, and whether the controls topic has it. */
  public record Issued(FaultControl control, CompletableFuture<Void> published) {
    public boolean isPublished() {
      return published.isDone() && !published.isCompletedExceptionally();
    }
  }

  public Halts(Controls controls, ControlPublisher publisher, String executorId, Clock clock) {
    this.controls = Objects.requireNonNull(controls, "controls");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.executorId = Objects.requireNonNull(executorId, "executorId");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Halts a tenant ({@code tenant} set) or the platform ({@code tenant} null), applies it here and
   * queues its publication; waits up to {@link #PUBLISH_WAIT} for the broker.
   *
   * @param reason the operator's reason (may be null)
   * @param issuedBy who asked, as events record it ({@code user:<sub>})
   */
  public Issued halt(TenantId tenant, String reason, String issuedBy) {
    ControlAction action = tenant == null ? ControlAction.HALT_PLATFORM : ControlAction.HALT_TENANT;
    FaultControl control =
        new FaultControl(
            UUID.randomUUID().toString(),
            action,
            tenant,
            null,
            null,
            reason,
            issuedBy,
            clock.instant());
    Issued issued =
        unpublished.compute(
            control.key(),
            (key, earlier) -> {
              if (earlier != null && !earlier.published().isDone()) {
                return earlier;
              }
              return new Issued(control, new CompletableFuture<>());
            });
    if (issued.control() == control) {
      log.warn(
          "{} for {} asked on executor {} by {} (control {}): applied here now, published on the"
              + " controls topic when the broker takes it",
          action,
          control.key(),
          executorId,
          issuedBy,
          control.controlId());
      controls.apply(control);
      publisher
          .publish(control)
          .whenComplete(
              (ok, failed) -> {
                unpublished.remove(control.key(), issued);
                if (failed == null) {
                  issued.published().complete(null);
                } else {
                  issued.published().completeExceptionally(failed);
                }
              });
    }
    awaitPublished(issued);
    return issued;
  }

  private static void awaitPublished(Issued issued) {
    try {
      issued.published().get(PUBLISH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Reported as pending; the publisher keeps trying.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Halts applied here and not yet on the controls topic. */
  public int pending() {
    return publisher.pending();
  }

  @Override
  public void close() {
    publisher.close();
  }
}
