package io.faultline.policy;

import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.policy.Bounds;
import io.faultline.events.policy.Concurrency;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TagRule;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.policy.Windows;
import io.faultline.events.request.FaultRequested;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Policies and requests for admission tests, varied one field at a time. */
public final class PolicyExamples {
  private PolicyExamples() {}

  public static final AwsRegion REGION = AwsRegion.of("eu-west-1");
  public static final String PROTECTED_INSTANCE = "i-0feed00000000001";
  public static final String PROTECTED_CLUSTER = "payments-prod";
  public static final Instant REQUESTED_AT = Instant.parse("2026-11-18T09:59:00Z");

  public static String roleArn(String account) {
    return "arn:aws:iam::" + account + ":role/faultline-target";
  }

  public static String externalId(String tenant) {
    return "ext-secret-" + tenant;
  }

  /** A permissive policy: any time, generous bounds, the protected targets above. */
  public static TenantPolicy policy(String tenant, String... accounts) {
    return new TenantPolicy(
            TenantId.of(tenant),
            1,
            java.util.Arrays.stream(accounts)
                .map(
                    a ->
                        new RegisteredAccount(
                            AccountId.of(a), roleArn(a), externalId(tenant), List.of(REGION)))
                .toList(),
            List.of(
                FaultType.of("ec2-process-kill"),
                FaultType.of("ecs-agent-stop"),
                FaultType.of("ec2-http-reset-peer")),
            new ProtectedTargets(
                List.of(PROTECTED_INSTANCE),
                List.of(PROTECTED_CLUSTER),
                List.of(
                    new TagRule("chaos:protected", List.of("true")),
                    new TagRule("data-classification", List.of("pci", "phi")))),
            Windows.always(),
            new Bounds(3600, 50, 5),
            new Concurrency(10, 10),
            0,
            false,
            REQUESTED_AT,
            "user:test")
        // Rules tests: these tenants publish unsigned (ADR 0008 tests sign in their own).
        .withSigning(List.of(), false);
  }

  public static FaultRequested processKill(
      String tenant, String faultId, String account, String... instanceIds) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("PROCESS_IDS", "1234");
    parameters.put("EC2_INSTANCE_ID", String.join(",", instanceIds));
    return request(tenant, faultId, account, "ec2-process-kill", parameters);
  }

  public static FaultRequested ecsAgentStop(
      String tenant, String faultId, String account, String cluster) {
    return request(tenant, faultId, account, "ecs-agent-stop", Map.of("CLUSTER_NAME", cluster));
  }

  public static FaultRequested httpResetByTag(
      String tenant, String faultId, String account, String selector, int percent) {
    return request(
        tenant,
        faultId,
        account,
        "ec2-http-reset-peer",
        Map.of("EC2_INSTANCE_TAG", selector, "INSTANCE_AFFECTED_PERC", percent));
  }

  public static FaultRequested request(
      String tenant, String faultId, String account, String type, Map<String, ?> parameters) {
    return FaultRequested.of(
        FaultId.of(faultId),
        TenantId.of(tenant),
        ExperimentId.of("exp-1"),
        RunId.of("run-1"),
        FaultType.of(type),
        AccountId.of(account),
        REGION,
        parameters,
        false,
        "user:test",
        REQUESTED_AT,
        null);
  }

  /** The same request with other tunables. */
  public static FaultRequested withParameters(FaultRequested request, Map<String, ?> extra) {
    Map<String, Object> merged = new LinkedHashMap<>(request.parameters().asMap());
    merged.putAll(extra);
    return FaultRequested.of(
        request.faultId(),
        request.tenantId(),
        request.experimentId(),
        request.runId(),
        request.faultType(),
        request.accountId(),
        request.region(),
        merged,
        request.dryRun(),
        request.requestedBy(),
        request.requestedAt(),
        request.reason());
  }

  public static FaultRequested inRegion(FaultRequested request, String region) {
    return FaultRequested.of(
        request.faultId(),
        request.tenantId(),
        request.experimentId(),
        request.runId(),
        request.faultType(),
        request.accountId(),
        AwsRegion.of(region),
        request.parameters().asMap(),
        request.dryRun(),
        request.requestedBy(),
        request.requestedAt(),
        request.reason());
  }

  public static TenantPolicy withWindows(TenantPolicy p, Windows windows) {
    return copy(
        p,
        p.revision(),
        p.allowedFaultTypes(),
        windows,
        p.bounds(),
        p.concurrency(),
        p.cooldownSeconds(),
        p.dryRunOnly());
  }

  public static TenantPolicy withBounds(TenantPolicy p, Bounds bounds) {
    return copy(
        p,
        p.revision(),
        p.allowedFaultTypes(),
        p.windows(),
        bounds,
        p.concurrency(),
        p.cooldownSeconds(),
        p.dryRunOnly());
  }

  public static TenantPolicy withConcurrency(TenantPolicy p, int maxActive, int maxPerAccount) {
    return copy(
        p,
        p.revision(),
        p.allowedFaultTypes(),
        p.windows(),
        p.bounds(),
        new Concurrency(maxActive, maxPerAccount),
        p.cooldownSeconds(),
        p.dryRunOnly());
  }

  public static TenantPolicy withCooldown(TenantPolicy p, int seconds) {
    return copy(
        p,
        p.revision(),
        p.allowedFaultTypes(),
        p.windows(),
        p.bounds(),
        p.concurrency(),
        seconds,
        p.dryRunOnly());
  }

  public static TenantPolicy dryRunOnly(TenantPolicy p) {
    return copy(
        p,
        p.revision(),
        p.allowedFaultTypes(),
        p.windows(),
        p.bounds(),
        p.concurrency(),
        p.cooldownSeconds(),
        true);
  }

  public static TenantPolicy withRevision(TenantPolicy p, long revision) {
    return copy(
        p,
        revision,
        p.allowedFaultTypes(),
        p.windows(),
        p.bounds(),
        p.concurrency(),
        p.cooldownSeconds(),
        p.dryRunOnly());
  }

  public static TenantPolicy withFaultTypes(TenantPolicy p, String... types) {
    return copy(
        p,
        p.revision(),
        java.util.Arrays.stream(types).map(FaultType::of).toList(),
        p.windows(),
        p.bounds(),
        p.concurrency(),
        p.cooldownSeconds(),
        p.dryRunOnly());
  }

  private static TenantPolicy copy(
      TenantPolicy p,
      long revision,
      List<FaultType> types,
      Windows windows,
      Bounds bounds,
      Concurrency concurrency,
      int cooldown,
      boolean dryRunOnly) {
    return new TenantPolicy(
            p.tenantId(),
            revision,
            p.accounts(),
            types,
            p.protectedTargets(),
            windows,
            bounds,
            concurrency,
            cooldown,
            dryRunOnly,
            p.updatedAt(),
            p.updatedBy())
        // Rules tests: these tenants publish unsigned (ADR 0008 tests sign in their own).
        .withSigning(List.of(), false);
  }
}
