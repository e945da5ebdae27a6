package io.faultline.events;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.AccountAccess;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.policy.Bounds;
import io.faultline.events.policy.Concurrency;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TagRule;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.policy.TimeWindow;
import io.faultline.events.policy.Windows;
import io.faultline.events.probe.CloudWatchAlarmSettings;
import io.faultline.events.probe.HttpProbeMethod;
import io.faultline.events.probe.HttpSettings;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.WatchPhase;
import io.faultline.events.request.FaultRequested;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test data for the contract; shared with the services through this module's test-jar. */
public final class Fixtures {
  private Fixtures() {}

  public static final TenantId TENANT = TenantId.of("acme");
  public static final AccountId ACCOUNT = AccountId.of("111111111111");
  public static final AwsRegion REGION = AwsRegion.of("eu-west-1");
  public static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  public static final String ROLE_ARN = "arn:aws:iam::111111111111:role/faultline-target";
  public static final String EXTERNAL_ID = "acme-7f3c9a1e";

  public static FaultRequested aProcessKillRequest() {
    return aProcessKillRequest(TENANT.value(), "f-process-kill-1");
  }

  /** The process kill of {@link #aProcessKillRequest()} as another tenant's fault. */
  public static FaultRequested aProcessKillRequest(String tenant, String faultId) {
    return aRequest(
        TenantId.of(tenant),
        faultId,
        "ec2-process-kill",
        Map.of(
            "PROCESS_IDS", "1234,1235", "EC2_INSTANCE_ID", "i-0abc12345def67890", "FORCE", true));
  }

  public static FaultRequested anEcsAgentStopRequest() {
    return aRequest(
        "f-ecs-agent-stop-1",
        "ecs-agent-stop",
        Map.of("CLUSTER_NAME", "checkout-cluster", "TOTAL_CHAOS_DURATION", 60));
  }

  public static FaultRequested anHttpResetPeerRequest() {
    return aRequest(
        "f-http-reset-1",
        "ec2-http-reset-peer",
        Map.of(
            "EC2_INSTANCE_TAG",
            "app:checkout",
            "INSTANCE_AFFECTED_PERC",
            50,
            "TARGET_SERVICE_PORT",
            8080,
            "NETWORK_INTERFACE",
            "eth0"));
  }

  public static FaultRequested aRequest(
      String faultId, String faultType, Map<String, ?> parameters) {
    return aRequest(TENANT, faultId, faultType, parameters);
  }

  private static FaultRequested aRequest(
      TenantId tenant, String faultId, String faultType, Map<String, ?> parameters) {
    return FaultRequested.of(
        FaultId.of(faultId),
        tenant,
        ExperimentId.of("exp-checkout-resilience"),
        RunId.of("run-42"),
        FaultType.of(faultType),
        ACCOUNT,
        REGION,
        parameters,
        false,
        "user:alice",
        NOW,
        "game day");
  }

  public static FaultApproved anApproval(FaultRequested request) {
    return new FaultApproved(
        request.faultId(),
        request.tenantId(),
        request.experimentId(),
        request.runId(),
        request.faultType(),
        request.accountId(),
        request.region(),
        FaultCatalogue.standard().validate(request.faultType(), request.parameters().asMap()),
        request.dryRun(),
        new AccountAccess(ROLE_ARN, EXTERNAL_ID),
        new ProtectedTargetGuard(
            List.of("i-0feed00000000001"),
            List.of(),
            List.of(new TagRule("chaos:protected", List.of("true")))),
        10,
        request.requestedBy(),
        NOW,
        NOW.plus(Duration.ofMinutes(5)),
        1,
        List.of(RuleOutcome.pass("account-ownership", "account 111111111111 belongs to acme")));
  }

  public static FaultLifecycleEvent aLifecycleEvent(LifecycleStage stage, long sequence) {
    FaultRequested request = aProcessKillRequest();
    boolean failed =
        stage == LifecycleStage.FAILED
            || stage == LifecycleStage.ABORTED
            || stage == LifecycleStage.REJECTED
            || stage == LifecycleStage.LEASE_EXPIRED;
    FailureReason reason =
        switch (stage) {
          case REJECTED -> FailureReason.POLICY_RULE;
          case ABORTED -> FailureReason.ABORTED;
          case FAILED -> FailureReason.INJECT;
          case LEASE_EXPIRED -> FailureReason.TIMEOUT;
          default -> null;
        };
    return new FaultLifecycleEvent(
        request.faultId(),
        request.tenantId(),
        request.experimentId(),
        request.runId(),
        request.faultType(),
        request.accountId(),
        request.region(),
        stage,
        sequence,
        NOW.plusSeconds(sequence),
        stage.producer(),
        false,
        request.parameters().asMap(),
        List.of(
            new TargetOutcome(
                "i-0abc12345def67890", "ec2-instance", TargetStatus.INJECTED, "cmd-1", null)),
        List.of("cmd-1"),
        reason,
        failed ? "example" : null,
        stage == LifecycleStage.REJECTED
            ? List.of(
                RuleOutcome.fail(
                    "protected-targets",
                    RuleCode.PROTECTED_TARGET,
                    "i-0abc12345def67890 is protected"))
            : List.of(),
        "4bf92f3577b34da6a3ce929d0e0e4736");
  }

  public static FaultControl aHalt() {
    return new FaultControl(
        "ctl-1", ControlAction.HALT_TENANT, TENANT, null, null, "incident", "user:bob", NOW);
  }

  public static TenantPolicy aPolicy() {
    return new TenantPolicy(
        TENANT,
        1,
        List.of(new RegisteredAccount(ACCOUNT, ROLE_ARN, EXTERNAL_ID, List.of(REGION))),
        List.of(
            FaultType.of("ec2-process-kill"),
            FaultType.of("ecs-agent-stop"),
            FaultType.of("ec2-http-reset-peer")),
        new ProtectedTargets(
            List.of("i-0feed00000000001"),
            List.of("payments-prod"),
            List.of(
                new TagRule("chaos:protected", List.of("true")),
                new TagRule("data-classification", List.of("pci", "phi")))),
        new Windows(
            "Europe/Berlin",
            List.of(
                new TimeWindow(
                    List.of("MON", "TUE", "WED", "THU", "FRI"), "09:00", "17:00", null, null)),
            List.of(new TimeWindow(null, null, null, "0 0 24 12 *", 1440))),
        new Bounds(3600, 50, 20),
        new Concurrency(5, 2),
        300,
        false,
        NOW,
        "user:alice");
  }

  /** A stop condition on the CloudWatch alarm {@code alarmName} in the fixture account. */
  public static ProbeDefinition anAlarmProbe(String name, String alarmName) {
    return ProbeDefinition.of(name, new CloudWatchAlarmSettings(alarmName, ACCOUNT, REGION));
  }

  public static ProbeDefinition anHttpProbe(String name) {
    return ProbeDefinition.of(
            name,
            new HttpSettings(
                URI.create("http://10.0.0.5:8080/health"),
                HttpProbeMethod.GET,
                200,
                500,
                null,
                HttpSettings.MAX_TIMEOUT_MS))
        .withInterval(5);
  }

  /** A run watch in RUNNING with one alarm stop condition and one HTTP steady-state probe. */
  public static RunWatch aRunWatch(String runId) {
    return new RunWatch(
        TENANT,
        RunId.of(runId),
        ExperimentId.of("exp-checkout"),
        List.of(anHttpProbe("api-ok")),
        List.of(anAlarmProbe("errors", "api-5xx")),
        WatchPhase.RUNNING,
        1,
        null,
        2,
        NOW);
  }
}
