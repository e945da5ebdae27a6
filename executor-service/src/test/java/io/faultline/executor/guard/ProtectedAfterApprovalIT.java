package io.faultline.executor.guard;

import static io.faultline.events.lifecycle.LifecycleStage.ABORTED;
import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.FAILED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.faultline.events.control.ControlAction;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.TagRule;
import io.faultline.executor.RunningExecutor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.MotoAccounts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the tenant protects or halts during a fault's RAMP_TIME, after its approval and its target
 * resolution, reaches the fault before its inject: the whole executor on a real broker against
 * moto, the tenant's policy published on the tenant-policies topic as the scheduler would.
 */
@Tag("waits-in-pairs")
class ProtectedAfterApprovalIT extends RunningExecutor {
  /** Long enough to publish a policy or a halt after TARGETS_RESOLVED and have it read. */
  private static final int RAMP_SECONDS = 4;

  private record Fault(String account, String tag, List<String> instances, FaultApproved approval) {
    String id() {
      return approval.faultId().value();
    }
  }

  /** A fault on two running instances, both resolved, with a ramp before its inject. */
  private static Fault twoInstanceFaultWithARamp(String name) {
    String account = MotoAccounts.freshAccount();
    String tag = TestFaults.unique(name);
    List<String> instances = MotoAccounts.runInstances(account, 2, Map.of("app", tag));
    FaultApproved approval =
        TestFaults.approval(
            TestFaults.unique("f-" + name),
            TestFaults.unique(name),
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                "4242",
                "EC2_INSTANCE_TAG",
                "app:" + tag,
                "INSTANCE_AFFECTED_PERC",
                100,
                "RAMP_TIME",
                RAMP_SECONDS,
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            ProtectedTargetGuard.none(),
            10);
    TestFaults.publish(approval, TestFaults.traceparent());
    FaultLifecycleEvent resolved =
        lifecycle.awaitStage(approval.faultId().value(), TARGETS_RESOLVED, WAIT);
    assertThat(resolved.targets())
        .extracting(TargetOutcome::targetId, TargetOutcome::status)
        .containsExactlyInAnyOrder(
            tuple(instances.get(0), TargetStatus.RESOLVED),
            tuple(instances.get(1), TargetStatus.RESOLVED));
    return new Fault(account, tag, instances, approval);
  }

  @Test
  void anInstanceProtectedDuringTheRampIsNotInjectedAndIsReportedProtected() {
    Fault fault = twoInstanceFaultWithARamp("one-protected");
    String spared = fault.instances().get(0);
    String hit = fault.instances().get(1);

    TestFaults.publishPolicy(
        fault.approval().tenantId(),
        fault.account(),
        2,
        new ProtectedTargets(List.of(spared), List.of(), List.of()));

    FaultLifecycleEvent end = lifecycle.awaitTerminal(fault.id(), WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    assertThat(lifecycle.stages(fault.id()))
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    assertThat(commands(fault.account()))
        .extracting(c -> parameters(c).get("Action"), RunningExecutor::instanceIds)
        .containsExactly(
            tuple(List.of("inject"), List.of(hit)), tuple(List.of("rollback"), List.of(hit)));
    FaultLifecycleEvent injected = lifecycle.awaitStage(fault.id(), INJECTED, WAIT);
    assertThat(injected.targets())
        .extracting(TargetOutcome::targetId, TargetOutcome::status, TargetOutcome::detail)
        .contains(
            tuple(
                spared,
                TargetStatus.EXCLUDED_PROTECTED,
                "became protected after approval: instance id is protected"));
    assertThat(injected.targets())
        .filteredOn(t -> t.targetId().equals(hit))
        .extracting(TargetOutcome::status)
        .containsExactly(TargetStatus.INJECTED);
    assertThat(end.targets())
        .filteredOn(t -> t.targetId().equals(spared))
        .extracting(TargetOutcome::status)
        .containsExactly(TargetStatus.EXCLUDED_PROTECTED);
  }

  @Test
  void aFaultWhoseEveryTargetBecameProtectedEndsWithoutAnyCommand() {
    Fault fault = twoInstanceFaultWithARamp("all-protected");

    TestFaults.publishPolicy(
        fault.approval().tenantId(),
        fault.account(),
        2,
        new ProtectedTargets(
            List.of(), List.of(), List.of(new TagRule("app", List.of(fault.tag())))));

    FaultLifecycleEvent end = lifecycle.awaitTerminal(fault.id(), WAIT);
    assertThat(end.stage()).isEqualTo(FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.TARGET_SELECTION);
    assertThat(end.detail())
        .isEqualTo(
            "no eligible target: every target became protected after approval; nothing injected");
    assertThat(lifecycle.stages(fault.id())).containsExactly(STARTED, TARGETS_RESOLVED, FAILED);
    assertThat(end.targets())
        .extracting(TargetOutcome::targetId, TargetOutcome::status, TargetOutcome::detail)
        .containsExactlyInAnyOrder(
            tuple(
                fault.instances().get(0),
                TargetStatus.EXCLUDED_PROTECTED,
                "became protected after approval: tag app=" + fault.tag() + " is protected"),
            tuple(
                fault.instances().get(1),
                TargetStatus.EXCLUDED_PROTECTED,
                "became protected after approval: tag app=" + fault.tag() + " is protected"));
    assertThat(commands(fault.account())).isEmpty();
  }

  @Test
  void aHaltDuringTheRampEndsTheFaultBeforeAnyInject() {
    Fault fault = twoInstanceFaultWithARamp("halt-ramp");

    TestFaults.control(ControlAction.HALT_TENANT, fault.approval().tenantId(), null);

    FaultLifecycleEvent end = lifecycle.awaitTerminal(fault.id(), WAIT);
    TestFaults.control(ControlAction.RESUME_TENANT, fault.approval().tenantId(), null);
    assertThat(end.stage()).isEqualTo(ABORTED);
    assertThat(end.reason()).isEqualTo(FailureReason.HALTED);
    assertThat(end.detail()).isEqualTo("aborted before anything was injected");
    assertThat(lifecycle.stages(fault.id())).containsExactly(STARTED, TARGETS_RESOLVED, ABORTED);
    assertThat(commands(fault.account())).isEmpty();
  }
}
