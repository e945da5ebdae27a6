package io.faultline.policy.load;

import io.faultline.events.ExecutorStandIn;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.topics.Topics;
import io.faultline.policy.PolicyExamples;
import io.faultline.policy.admission.Broker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays the executor for the load driver through an {@link ExecutorStandIn}: a fixed time after
 * each approval, the lifecycle events of a process-kill fault that ran on its one instance and
 * rolled back (STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED, sequences 2 to 6), as
 * the executor publishes them. The policy service reads every one of them (intake turns each into a
 * progress command, the terminal one releases the lease), so with the stand-in the service does a
 * production instance's work per fault and holds only the leases of faults still "running".
 */
final class LoadExecutor implements AutoCloseable {
  private static final List<LifecycleStage> STAGES =
      List.of(
          LifecycleStage.STARTED,
          LifecycleStage.TARGETS_RESOLVED,
          LifecycleStage.INJECTED,
          LifecycleStage.ROLLING_BACK,
          LifecycleStage.COMPLETED);

  private record Approved(String faultId, String tenant, long dueNanos) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(dueNanos, ((Approved) other).dueNanos);
    }
  }

  private final Broker broker;
  private final Duration hold;
  private final DelayQueue<Approved> due = new DelayQueue<>();
  private final AtomicLong faultsEnded = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private final AtomicLong handedOver = new AtomicLong();

  LoadExecutor(Broker broker, Duration hold) {
    this.broker = broker;
    this.hold = hold;
    this.thread = new Thread(this::run, "executor-stand-in");
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs the approved fault: its events follow after the hold. */
  void approved(String faultId, String tenant) {
    handedOver.incrementAndGet();
    due.add(new Approved(faultId, tenant, System.nanoTime() + hold.toNanos()));
  }

  /** Whether every fault handed over so far has ended. */
  boolean idle() {
    return faultsEnded.get() == handedOver.get();
  }

  /** Faults whose terminal event has been sent. */
  long faultsEnded() {
    return faultsEnded.get();
  }

  private void run() {
    try (ExecutorStandIn executor =
        new ExecutorStandIn(broker.producer(), broker.topic(Topics.FAULT_LIFECYCLE))) {
      while (running) {
        Approved fault = due.poll(100, TimeUnit.MILLISECONDS);
        if (fault == null) {
          continue;
        }
        for (int i = 0; i < STAGES.size(); i++) {
          executor.send(event(fault, STAGES.get(i), i + 2));
        }
        faultsEnded.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The driver's fault ids end in "-<i>", which gives the account and the instance. */
  private static FaultLifecycleEvent event(Approved fault, LifecycleStage stage, int sequence) {
    int i = Integer.parseInt(fault.faultId().substring(fault.faultId().lastIndexOf('-') + 1));
    String phase =
        fault.faultId().substring(0, fault.faultId().lastIndexOf('-')).replaceFirst(".*-", "");
    String instance = LoadDriver.instance(phase, i);
    String account = LoadDriver.account(i % LoadDriver.TENANTS);
    boolean resolved = stage != LifecycleStage.STARTED;
    boolean injected = stage == LifecycleStage.INJECTED || stage == LifecycleStage.ROLLING_BACK;
    String command = "cmd-" + fault.faultId();
    return new FaultLifecycleEvent(
        FaultId.of(fault.faultId()),
        TenantId.of(fault.tenant()),
        null,
        null,
        FaultType.of("ec2-process-kill"),
        AccountId.of(account),
        PolicyExamples.REGION,
        stage,
        sequence,
        Instant.now(),
        "executor-service",
        false,
        Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_ID", instance),
        resolved
            ? List.of(
                new TargetOutcome(
                    instance,
                    "ec2-instance",
                    stage == LifecycleStage.COMPLETED
                        ? TargetStatus.ROLLED_BACK
                        : injected ? TargetStatus.INJECTED : TargetStatus.RESOLVED,
                    injected || stage == LifecycleStage.COMPLETED ? command : null,
                    null))
            : List.of(),
        injected || stage == LifecycleStage.COMPLETED ? List.of(command) : List.of(),
        null,
        null,
        List.of(),
        null);
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
