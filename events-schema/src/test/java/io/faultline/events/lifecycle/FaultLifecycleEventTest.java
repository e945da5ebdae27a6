package io.faultline.events.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.Fixtures;
import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.EventFamily;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.ids.FaultCoordinates;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.request.FaultRequested;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each named factory makes its stage with the fields that stage carries, and nothing else. */
class FaultLifecycleEventTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final FaultRequested REQUEST = Fixtures.aProcessKillRequest();
  private static final FaultCoordinates FAULT = REQUEST.coordinates();
  private static final FaultParameters PARAMETERS = REQUEST.parameters();
  private static final Instant AT = Fixtures.NOW;
  private static final List<TargetOutcome> TARGETS =
      List.of(
          new TargetOutcome(
              "i-0abc12345def67890", "ec2-instance", TargetStatus.INJECTED, "cmd-1", null));
  private static final List<String> COMMANDS = List.of("cmd-1");
  private static final List<RuleOutcome> PASSED =
      List.of(RuleOutcome.pass("account-ownership", "account 111111111111 belongs to acme"));
  private static final List<RuleOutcome> FAILED =
      List.of(
          RuleOutcome.fail(
              "protected-targets", RuleCode.PROTECTED_TARGET, "i-0abc12345def67890 is protected"));

  /** The event read back from its own JSON, which is validated against its schema on the way. */
  private static FaultLifecycleEvent throughTheSchema(FaultLifecycleEvent event) {
    EventCodec codec = EventCodec.standard();
    FaultLifecycleEvent read =
        codec.fromJson(EventFamily.FAULT_LIFECYCLE, FaultLifecycleEvent.class, codec.toJson(event));
    assertThat(read).isEqualTo(event);
    return read;
  }

  @Test
  void approvedIsTheFirstEventWithEveryRuleEvaluated() {
    FaultLifecycleEvent event =
        throughTheSchema(FaultLifecycleEvent.approved(FAULT, AT, true, PARAMETERS, PASSED, TRACE));
    assertThat(event.coordinates()).isEqualTo(FAULT);
    assertThat(event.stage()).isEqualTo(LifecycleStage.APPROVED);
    assertThat(event.sequence()).isEqualTo(1);
    assertThat(event.occurredAt()).isEqualTo(AT);
    assertThat(event.producer()).isEqualTo("policy-service");
    assertThat(event.dryRun()).isTrue();
    assertThat(event.parameters()).isEqualTo(PARAMETERS.asMap());
    assertThat(event.rules()).isEqualTo(PASSED);
    assertThat(event.traceId()).isEqualTo(TRACE);
    assertThat(event.reason()).isNull();
    assertThat(event.detail()).isNull();
    assertThat(event.targets()).isEmpty();
    assertThat(event.ssmCommandIds()).isEmpty();
  }

  @Test
  void rejectedIsAPolicyRuleWithTheFailedRules() {
    FaultLifecycleEvent event =
        throughTheSchema(
            FaultLifecycleEvent.rejected(
                FAULT, AT, false, PARAMETERS, FAILED, "rejected by PROTECTED_TARGET", TRACE));
    assertThat(event.coordinates()).isEqualTo(FAULT);
    assertThat(event.stage()).isEqualTo(LifecycleStage.REJECTED);
    assertThat(event.sequence()).isEqualTo(1);
    assertThat(event.producer()).isEqualTo("policy-service");
    assertThat(event.reason()).isEqualTo(FailureReason.POLICY_RULE);
    assertThat(event.detail()).isEqualTo("rejected by PROTECTED_TARGET");
    assertThat(event.parameters()).isEqualTo(PARAMETERS.asMap());
    assertThat(event.rules()).isEqualTo(FAILED);
    assertThat(event.targets()).isEmpty();
    assertThat(event.ssmCommandIds()).isEmpty();
  }

  @Test
  void rejectedInvalidNamesOnlyTheFault() {
    List<RuleOutcome> violations =
        List.of(RuleOutcome.fail("contract", RuleCode.INVALID_REQUEST, "$.region: pattern"));
    FaultLifecycleEvent event =
        throughTheSchema(
            FaultLifecycleEvent.rejectedInvalid(
                FAULT.key(), AT, violations, "the request breaks the contract", TRACE));
    assertThat(event.coordinates())
        .isEqualTo(
            new FaultCoordinates(FAULT.faultId(), FAULT.tenantId(), null, null, null, null, null));
    assertThat(event.stage()).isEqualTo(LifecycleStage.REJECTED);
    assertThat(event.sequence()).isEqualTo(1);
    assertThat(event.producer()).isEqualTo("policy-service");
    assertThat(event.reason()).isEqualTo(FailureReason.INVALID_REQUEST);
    assertThat(event.rules()).isEqualTo(violations);
    assertThat(event.dryRun()).isFalse();
    assertThat(event.parameters()).isNull();
    assertThat(event.targets()).isEmpty();
  }

  @Test
  void leaseExpiredIsATimeoutWithoutParametersOrRules() {
    FaultLifecycleEvent event =
        throughTheSchema(
            FaultLifecycleEvent.leaseExpired(FAULT, 4, AT, true, "leases released", TRACE));
    assertThat(event.coordinates()).isEqualTo(FAULT);
    assertThat(event.stage()).isEqualTo(LifecycleStage.LEASE_EXPIRED);
    assertThat(event.sequence()).isEqualTo(4);
    assertThat(event.producer()).isEqualTo("policy-service");
    assertThat(event.reason()).isEqualTo(FailureReason.TIMEOUT);
    assertThat(event.detail()).isEqualTo("leases released");
    assertThat(event.dryRun()).isTrue();
    assertThat(event.parameters()).isNull();
    assertThat(event.rules()).isEmpty();
    assertThat(event.targets()).isEmpty();
  }

  private static final RunningFault RUNNING =
      new RunningFault(FAULT, false, PARAMETERS, TARGETS, COMMANDS, TRACE);

  /** The executor's factories for the steps of a running fault and its successful end. */
  @FunctionalInterface
  interface Step {
    FaultLifecycleEvent make(RunningFault fault, long sequence, Instant occurredAt, String detail);
  }

  record StepCase(Step factory, LifecycleStage stage) {}

  static Stream<Named<StepCase>> steps() {
    return Stream.of(
        Named.of("started", new StepCase(FaultLifecycleEvent::started, LifecycleStage.STARTED)),
        Named.of(
            "targetsResolved",
            new StepCase(FaultLifecycleEvent::targetsResolved, LifecycleStage.TARGETS_RESOLVED)),
        Named.of("injected", new StepCase(FaultLifecycleEvent::injected, LifecycleStage.INJECTED)),
        Named.of(
            "rollingBack",
            new StepCase(FaultLifecycleEvent::rollingBack, LifecycleStage.ROLLING_BACK)),
        Named.of(
            "completed", new StepCase(FaultLifecycleEvent::completed, LifecycleStage.COMPLETED)));
  }

  @ParameterizedTest
  @MethodSource("steps")
  void anExecutorStepRepeatsTheApprovalAndCarriesTargetsAndCommands(StepCase step) {
    FaultLifecycleEvent event = throughTheSchema(step.factory().make(RUNNING, 5, AT, "detail"));
    assertExecutorEvent(event, step.stage());
    assertThat(event.reason()).isNull();
  }

  @Test
  void failedAndAbortedCarryTheirReason() {
    FaultLifecycleEvent failed =
        throughTheSchema(
            FaultLifecycleEvent.failed(RUNNING, 5, AT, FailureReason.INJECT, "detail"));
    assertExecutorEvent(failed, LifecycleStage.FAILED);
    assertThat(failed.reason()).isEqualTo(FailureReason.INJECT);
    FaultLifecycleEvent aborted =
        throughTheSchema(
            FaultLifecycleEvent.aborted(RUNNING, 5, AT, FailureReason.HALTED, "detail"));
    assertExecutorEvent(aborted, LifecycleStage.ABORTED);
    assertThat(aborted.reason()).isEqualTo(FailureReason.HALTED);
  }

  @Test
  void failedAndAbortedNeedAReason() {
    assertThatThrownBy(() -> FaultLifecycleEvent.failed(RUNNING, 5, AT, null, "detail"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FaultLifecycleEvent.aborted(RUNNING, 5, AT, null, "detail"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDryRunStaysADryRunWithoutTargets() {
    FaultLifecycleEvent event =
        throughTheSchema(
            FaultLifecycleEvent.started(
                new RunningFault(FAULT, true, PARAMETERS, null, null, null), 2, AT, null));
    assertThat(event.dryRun()).isTrue();
    assertThat(event.targets()).isEmpty();
    assertThat(event.ssmCommandIds()).isEmpty();
    assertThat(event.detail()).isNull();
    assertThat(event.traceId()).isNull();
  }

  @Test
  void theExecutorFactoriesMakeWhatTheFixtureBuildsFieldByField() {
    RunningFault running =
        new RunningFault(
            FAULT,
            false,
            PARAMETERS,
            TARGETS,
            COMMANDS,
            Fixtures.aLifecycleEvent(LifecycleStage.STARTED, 1).traceId());
    long seq = 3;
    Instant at = AT.plusSeconds(seq);
    assertThat(FaultLifecycleEvent.started(running, seq, at, null))
        .isEqualTo(Fixtures.aLifecycleEvent(LifecycleStage.STARTED, seq));
    assertThat(FaultLifecycleEvent.targetsResolved(running, seq, at, null))
        .isEqualTo(Fixtures.aLifecycleEvent(LifecycleStage.TARGETS_RESOLVED, seq));
    assertThat(FaultLifecycleEvent.injected(running, seq, at, null))
        .isEqualTo(Fixtures.aLifecycleEvent(LifecycleStage.INJECTED, seq));
    assertThat(FaultLifecycleEvent.rollingBack(running, seq, at, null))
        .isEqualTo(Fixtures.aLifecycleEvent(LifecycleStage.ROLLING_BACK, seq));
    assertThat(FaultLifecycleEvent.completed(running, seq, at, null))
        .isEqualTo(Fixtures.aLifecycleEvent(LifecycleStage.COMPLETED, seq));
    assertThat(FaultLifecycleEvent.failed(running, seq, at, FailureReason.INJECT, "example"))
        .isEqualTo(Fixtures.aLifecycleEvent(LifecycleStage.FAILED, seq));
    assertThat(FaultLifecycleEvent.aborted(running, seq, at, FailureReason.ABORTED, "example"))
        .isEqualTo(Fixtures.aLifecycleEvent(LifecycleStage.ABORTED, seq));
  }

  @Test
  void failedInvalidNamesOnlyTheFault() {
    FaultLifecycleEvent event =
        throughTheSchema(
            FaultLifecycleEvent.failedInvalid(
                FaultKey.of("acme", "f-1"), 2, AT, "approval refused before any command", null));
    assertThat(event.coordinates())
        .isEqualTo(
            new FaultCoordinates(
                FaultKey.of("acme", "f-1").faultId(),
                Fixtures.TENANT,
                null,
                null,
                null,
                null,
                null));
    assertThat(event.stage()).isEqualTo(LifecycleStage.FAILED);
    assertThat(event.sequence()).isEqualTo(2);
    assertThat(event.producer()).isEqualTo("executor-service");
    assertThat(event.reason()).isEqualTo(FailureReason.INVALID_REQUEST);
    assertThat(event.dryRun()).isFalse();
    assertThat(event.parameters()).isNull();
    assertThat(event.targets()).isEmpty();
    assertThat(event.ssmCommandIds()).isEmpty();
    assertThat(event.rules()).isEmpty();
    assertThat(event.traceId()).isNull();
  }

  private static void assertExecutorEvent(FaultLifecycleEvent event, LifecycleStage stage) {
    assertThat(event.coordinates()).isEqualTo(FAULT);
    assertThat(event.stage()).isEqualTo(stage);
    assertThat(event.sequence()).isEqualTo(5);
    assertThat(event.occurredAt()).isEqualTo(AT);
    assertThat(event.producer()).isEqualTo("executor-service");
    assertThat(event.dryRun()).isFalse();
    assertThat(event.parameters()).isEqualTo(PARAMETERS.asMap());
    assertThat(event.targets()).isEqualTo(TARGETS);
    assertThat(event.ssmCommandIds()).isEqualTo(COMMANDS);
    assertThat(event.detail()).isEqualTo("detail");
    assertThat(event.traceId()).isEqualTo(TRACE);
    assertThat(event.rules()).isEmpty();
  }
}
