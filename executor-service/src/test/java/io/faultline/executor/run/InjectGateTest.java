package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.policy.TagRule;
import io.faultline.executor.TestFaults;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.guard.TenantGuards;
import io.faultline.executor.observability.ExecutorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InjectGateTest {
  private static final Target WEB = new Target("i-web", Target.EC2_INSTANCE, Map.of(), "");
  private static final Target DB =
      new Target("i-db", Target.EC2_INSTANCE, Map.of("data-classification", "pci"), "");
  private static final TargetSelector BY_TAG = new TargetSelector.InstanceTag("app", "web", 100);

  @Test
  void excludesTargetsByIdAndByTagRule() {
    ProtectedTargetGuard guard =
        new ProtectedTargetGuard(
            List.of("i-web"), List.of(), List.of(new TagRule("data-classification", List.of())));

    assertThat(InjectGate.protectedNow(List.of(WEB, DB), guard, null))
        .containsExactly(
            Map.entry("i-web", "instance id is protected"),
            Map.entry("i-db", "tag data-classification=pci is protected"));
  }

  @Test
  void excludesEveryTargetOfAClusterThatBecameProtected() {
    ProtectedTargetGuard guard =
        new ProtectedTargetGuard(List.of(), List.of("payments"), List.of());

    assertThat(InjectGate.protectedNow(List.of(WEB, DB), guard, "payments"))
        .containsOnlyKeys("i-web", "i-db")
        .containsValue("cluster payments is protected");
    assertThat(InjectGate.protectedNow(List.of(WEB, DB), guard, "web")).isEmpty();
    assertThat(InjectGate.protectedNow(List.of(WEB, DB), ProtectedTargetGuard.none(), null))
        .isEmpty();
  }

  @Test
  void admitsTheWholeBatchWhenNothingIsProtectedOrHalted() {
    Fixture f = new Fixture(ProtectedTargetGuard.none(), new Controls());

    assertThat(f.gate.admit(List.of(WEB, DB))).containsExactly(WEB, DB);
    assertThat(f.aborts).isEmpty();
    assertThat(f.journaled.get()).isZero();
    assertThat(f.targets.list()).containsExactly(WEB, DB);
  }

  @Test
  void aTenantWithoutAKnownPolicyKeepsItsApprovalsGuard() {
    Fixture f =
        new Fixture(
            new ProtectedTargetGuard(List.of("i-db"), List.of(), List.of()), new Controls());

    assertThat(f.gate.admit(List.of(WEB, DB))).containsExactly(WEB);

    assertThat(f.targets.list()).containsExactly(WEB);
    assertThat(f.targets.outcomes())
        .contains(
            new TargetOutcome(
                "i-db",
                Target.EC2_INSTANCE,
                TargetStatus.EXCLUDED_PROTECTED,
                null,
                "became protected after approval: instance id is protected"));
    assertThat(f.journaled.get()).isEqualTo(1);
  }

  @Test
  void aHaltStopsTheFaultAndAdmitsNothing() {
    Controls controls = new Controls();
    Fixture f = new Fixture(ProtectedTargetGuard.none(), controls);
    controls.apply(
        new FaultControl(
            "ctl-1",
            ControlAction.HALT_TENANT,
            f.approval.tenantId(),
            null,
            null,
            "incident",
            "user:test",
            Instant.now()));

    assertThat(f.gate.admit(List.of(WEB, DB))).isEmpty();

    assertThat(f.aborts).containsExactly(FailureReason.HALTED);
    assertThat(f.targets.list()).containsExactly(WEB, DB);
  }

  @Test
  void anAbortedRunStopsTheFault() {
    Controls controls = new Controls();
    Fixture f = new Fixture(ProtectedTargetGuard.none(), controls);
    controls.apply(
        new FaultControl(
            "ctl-2",
            ControlAction.ABORT_RUN,
            f.approval.tenantId(),
            null,
            f.approval.runId(),
            "bad run",
            "user:test",
            Instant.now()));

    assertThat(f.gate.admit(List.of(WEB))).isEmpty();
    assertThat(f.aborts).containsExactly(FailureReason.ABORTED);
  }

  /** A gate over WEB and DB for an approval carrying {@code guard}. */
  private static final class Fixture {
    final FaultApproved approval;
    final TargetLedger targets = new TargetLedger();
    final List<FailureReason> aborts = new ArrayList<>();
    final AtomicInteger journaled = new AtomicInteger();
    final InjectGate gate;

    Fixture(ProtectedTargetGuard guard, Controls controls) {
      approval =
          TestFaults.approval(
              TestFaults.unique("f-gate"),
              TestFaults.unique("gate"),
              "111111111111",
              "ec2-process-kill",
              Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:web"),
              false,
              guard,
              10);
      targets.actOn(List.of(WEB, DB), List.of());
      FaultTrace trace =
          new FaultTrace(
              OpenTelemetry.noop().getTracer("test"),
              new ExecutorMetrics(new SimpleMeterRegistry()),
              approval);
      gate =
          new InjectGate(
              approval,
              BY_TAG,
              controls,
              new TenantGuards(),
              targets,
              trace,
              aborts::add,
              journaled::incrementAndGet);
    }
  }
}
