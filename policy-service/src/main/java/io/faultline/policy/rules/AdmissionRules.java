package io.faultline.policy.rules;

import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TagRule;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.policy.TimeWindow;
import io.faultline.events.request.FaultRequested;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates every admission rule for one request. Pure: the same inputs give the same verdict, so
 * the rules are tested without Kafka and replayed after a crash with the same result.
 */
public final class AdmissionRules {
  private AdmissionRules() {}

  /** The rule names, as they appear in {@link RuleOutcome#rule()}. */
  public static final String PLATFORM_HALT = "platform-halt",
      TENANT_HALT = "tenant-halt",
      TENANT_KNOWN = "tenant-known",
      ACCOUNT_OWNERSHIP = "account-ownership",
      REGION_ALLOWED = "region-allowed",
      FAULT_TYPE_ALLOWED = "fault-type-allowed",
      PROTECTED_TARGETS = "protected-targets",
      ALLOWED_WINDOW = "allowed-window",
      BLACKOUT_WINDOW = "blackout-window",
      MAX_DURATION = "max-duration",
      MAX_AFFECTED_PERCENT = "max-affected-percent",
      MAX_TARGETS = "max-targets",
      TENANT_CONCURRENCY = "tenant-concurrency",
      ACCOUNT_CONCURRENCY = "account-concurrency",
      PLATFORM_CONCURRENCY = "platform-concurrency",
      TARGET_BUSY = "target-busy",
      TARGET_COOLDOWN = "target-cooldown",
      DRY_RUN = "dry-run";

  /**
   * Every rule outcome for {@code request}.
   *
   * @param policy the tenant's policy, or null when none is registered (then only the halt and
   *     tenant rules can be evaluated)
   * @param platformMaxActive the platform tokens the tenant's admission partition holds: its share
   *     of the platform-wide maximum of active faults (ADR 0012), which {@code active} counts
   *     against
   */
  public static Verdict evaluate(
      FaultRequested request,
      TenantPolicy policy,
      boolean platformHalted,
      boolean tenantHalted,
      ActiveFaults active,
      int platformMaxActive,
      Instant now) {
    List<RuleOutcome> out = new ArrayList<>();
    String tenant = request.tenantId().value();
    out.add(
        platformHalted
            ? RuleOutcome.fail(PLATFORM_HALT, RuleCode.PLATFORM_HALTED, "the platform is halted")
            : RuleOutcome.pass(PLATFORM_HALT, "the platform is not halted"));
    out.add(
        tenantHalted
            ? RuleOutcome.fail(TENANT_HALT, RuleCode.TENANT_HALTED, tenant + " is halted")
            : RuleOutcome.pass(TENANT_HALT, tenant + " is not halted"));
    if (policy == null) {
      out.add(
          RuleOutcome.fail(
              TENANT_KNOWN,
              RuleCode.UNKNOWN_TENANT,
              "no policy is registered for tenant " + tenant + "; no other rule was evaluated"));
      return new Verdict(out, request.dryRun());
    }
    out.add(RuleOutcome.pass(TENANT_KNOWN, tenant + " has policy revision " + policy.revision()));
    ownership(request, policy, out);
    faultType(request, policy, out);
    RequestedTargets targets = RequestedTargets.of(request.parameters());
    protectedTargets(request, targets, policy.protectedTargets(), out);
    windows(policy, now, out);
    bounds(request, policy, targets, out);
    concurrency(request, policy, active, platformMaxActive, out);
    targets(request, policy, targets, active, now, out);
    boolean dryRun = request.dryRun() || policy.dryRunOnly();
    out.add(
        RuleOutcome.pass(
            DRY_RUN,
            policy.dryRunOnly()
                ? "the policy allows dry runs only: approved as a dry run"
                : request.dryRun() ? "dry run requested" : "a real run is allowed"));
    return new Verdict(out, dryRun);
  }

  private static void ownership(
      FaultRequested request, TenantPolicy policy, List<RuleOutcome> out) {
    Optional<RegisteredAccount> account = policy.account(request.accountId());
    if (account.isEmpty()) {
      out.add(
          RuleOutcome.fail(
              ACCOUNT_OWNERSHIP,
              RuleCode.ACCOUNT_NOT_OWNED,
              "account " + request.accountId() + " is not registered by " + policy.tenantId()));
      out.add(
          RuleOutcome.fail(
              REGION_ALLOWED,
              RuleCode.REGION_NOT_ALLOWED,
              "region " + request.region() + " cannot be allowed in an account not owned"));
      return;
    }
    out.add(
        RuleOutcome.pass(
            ACCOUNT_OWNERSHIP,
            "account " + request.accountId() + " belongs to " + policy.tenantId()));
    out.add(
        account.get().regions().contains(request.region())
            ? RuleOutcome.pass(REGION_ALLOWED, "region " + request.region() + " is allowed")
            : RuleOutcome.fail(
                REGION_ALLOWED,
                RuleCode.REGION_NOT_ALLOWED,
                "region "
                    + request.region()
                    + " is not allowed for account "
                    + request.accountId()
                    + " (allowed: "
                    + account.get().regions()
                    + ")"));
  }

  private static void faultType(
      FaultRequested request, TenantPolicy policy, List<RuleOutcome> out) {
    out.add(
        policy.allowedFaultTypes().contains(request.faultType())
            ? RuleOutcome.pass(FAULT_TYPE_ALLOWED, request.faultType() + " is allowed")
            : RuleOutcome.fail(
                FAULT_TYPE_ALLOWED,
                RuleCode.FAULT_TYPE_NOT_ALLOWED,
                request.faultType() + " is not in " + policy.allowedFaultTypes()));
  }

  private static void protectedTargets(
      FaultRequested request,
      RequestedTargets targets,
      ProtectedTargets guard,
      List<RuleOutcome> out) {
    List<String> destinations =
        ProtectedDestinations.overlaps(request.parameters(), guard.destinations());
    if (!destinations.isEmpty()) {
      out.add(
          RuleOutcome.fail(
              PROTECTED_TARGETS,
              RuleCode.PROTECTED_DESTINATION,
              "protected destinations selected: " + String.join("; ", destinations)));
      return;
    }
    Optional<String> process =
        ProtectedProcesses.refusal(request.parameters(), guard.processNames());
    if (process.isPresent()) {
      out.add(RuleOutcome.fail(PROTECTED_TARGETS, RuleCode.PROTECTED_TARGET, process.get()));
      return;
    }
    List<String> hit = new ArrayList<>();
    targets.instanceIds().stream().filter(guard.instanceIds()::contains).forEach(hit::add);
    if (targets.clusterName() != null && guard.clusterNames().contains(targets.clusterName())) {
      hit.add(targets.clusterName());
    }
    if (!hit.isEmpty()) {
      out.add(
          RuleOutcome.fail(
              PROTECTED_TARGETS, RuleCode.PROTECTED_TARGET, "protected targets selected: " + hit));
      return;
    }
    if (targets.tagKey() != null) {
      Optional<TagRule> rule =
          guard.tags().stream()
              .filter(r -> r.matches(targets.tagKey(), targets.tagValue()))
              .findFirst();
      if (rule.isPresent()) {
        out.add(
            RuleOutcome.fail(
                PROTECTED_TARGETS,
                RuleCode.SELECTOR_MATCHES_ONLY_PROTECTED,
                "selector "
                    + targets.tagKey()
                    + ":"
                    + targets.tagValue()
                    + " only matches instances protected by tag rule "
                    + rule.get().key()
                    + "="
                    + rule.get().values()));
        return;
      }
    }
    out.add(
        RuleOutcome.pass(
            PROTECTED_TARGETS,
            "no protected target selected; the executor excludes protected targets after"
                + " resolution"));
  }

  private static void windows(TenantPolicy policy, Instant now, List<RuleOutcome> out) {
    ZonedDateTime local;
    try {
      local = now.atZone(ZoneId.of(policy.windows().timeZone()));
    } catch (java.time.DateTimeException e) {
      out.add(
          RuleOutcome.fail(
              ALLOWED_WINDOW,
              RuleCode.OUTSIDE_ALLOWED_WINDOW,
              "unknown time zone " + policy.windows().timeZone() + ": no window can be checked"));
      return;
    }
    List<TimeWindow> allowed = policy.windows().allowed();
    if (allowed.isEmpty()) {
      out.add(RuleOutcome.pass(ALLOWED_WINDOW, "no allowed windows: any time is allowed"));
    } else if (allowed.stream().anyMatch(w -> TimeWindows.contains(w, local, false))) {
      out.add(RuleOutcome.pass(ALLOWED_WINDOW, local + " is inside an allowed window"));
    } else {
      out.add(
          RuleOutcome.fail(
              ALLOWED_WINDOW,
              RuleCode.OUTSIDE_ALLOWED_WINDOW,
              local + " is outside every allowed window"));
    }
    Optional<TimeWindow> blackout =
        policy.windows().blackout().stream()
            .filter(w -> TimeWindows.contains(w, local, true))
            .findFirst();
    out.add(
        blackout.isPresent()
            ? RuleOutcome.fail(
                BLACKOUT_WINDOW,
                RuleCode.IN_BLACKOUT_WINDOW,
                local + " is inside blackout window " + describe(blackout.get()))
            : RuleOutcome.pass(BLACKOUT_WINDOW, local + " is outside every blackout window"));
  }

  private static String describe(TimeWindow window) {
    return window.usesCron()
        ? "cron '" + window.cron() + "' for " + window.durationMinutes() + " min"
        : window.days() + " " + window.start() + "-" + window.end();
  }

  private static void bounds(
      FaultRequested request,
      TenantPolicy policy,
      RequestedTargets targets,
      List<RuleOutcome> out) {
    long seconds = holdAndRamp(request).toSeconds();
    int maxSeconds = policy.bounds().maxDurationSeconds();
    out.add(
        seconds <= maxSeconds
            ? RuleOutcome.pass(MAX_DURATION, seconds + " s (with ramps) <= " + maxSeconds + " s")
            : RuleOutcome.fail(
                MAX_DURATION,
                RuleCode.DURATION_EXCEEDS_MAX,
                "TOTAL_CHAOS_DURATION + 2 x RAMP_TIME = "
                    + seconds
                    + " s exceeds the maximum of "
                    + maxSeconds
                    + " s"));
    int percent =
        request.parameters().text("INSTANCE_AFFECTED_PERC").map(Integer::parseInt).orElse(0);
    int maxPercent = policy.bounds().maxAffectedPercent();
    out.add(
        percent <= maxPercent
            ? RuleOutcome.pass(MAX_AFFECTED_PERCENT, percent + "% <= " + maxPercent + "%")
            : RuleOutcome.fail(
                MAX_AFFECTED_PERCENT,
                RuleCode.AFFECTED_PERCENT_EXCEEDS_MAX,
                "INSTANCE_AFFECTED_PERC "
                    + percent
                    + "% exceeds the maximum of "
                    + maxPercent
                    + "%"));
    int count = targets.instanceIds().size();
    int maxTargets = policy.bounds().maxTargets();
    out.add(
        count <= maxTargets
            ? RuleOutcome.pass(MAX_TARGETS, count + " explicit targets <= " + maxTargets)
            : RuleOutcome.fail(
                MAX_TARGETS,
                RuleCode.TARGET_COUNT_EXCEEDS_MAX,
                count + " explicit targets exceed the maximum of " + maxTargets));
  }

  private static void concurrency(
      FaultRequested request,
      TenantPolicy policy,
      ActiveFaults active,
      int platformMax,
      List<RuleOutcome> out) {
    int tenant = active.activeForTenant(request.tenantId().value());
    int tenantMax = policy.concurrency().maxActiveFaults();
    out.add(
        tenant < tenantMax
            ? RuleOutcome.pass(TENANT_CONCURRENCY, tenant + " of " + tenantMax + " active")
            : RuleOutcome.fail(
                TENANT_CONCURRENCY,
                RuleCode.TENANT_CONCURRENCY_LIMIT,
                request.tenantId() + " already has " + tenant + " of " + tenantMax + " active"));
    int account = active.activeForAccount(request.accountId().value());
    int accountMax = policy.concurrency().maxActiveFaultsPerAccount();
    out.add(
        account < accountMax
            ? RuleOutcome.pass(ACCOUNT_CONCURRENCY, account + " of " + accountMax + " active")
            : RuleOutcome.fail(
                ACCOUNT_CONCURRENCY,
                RuleCode.ACCOUNT_CONCURRENCY_LIMIT,
                "account "
                    + request.accountId()
                    + " already has "
                    + account
                    + " of "
                    + accountMax
                    + " active"));
    int platform = active.activeOnPlatform();
    out.add(
        platform < platformMax
            ? RuleOutcome.pass(
                PLATFORM_CONCURRENCY, platform + " of " + platformMax + " platform tokens in use")
            : RuleOutcome.fail(
                PLATFORM_CONCURRENCY,
                RuleCode.PLATFORM_CONCURRENCY_LIMIT,
                "the platform limit is reached: "
                    + platform
                    + " active faults hold all "
                    + platformMax
                    + " platform tokens of this admission partition, and no other partition had"
                    + " one to spare"));
  }

  private static void targets(
      FaultRequested request,
      TenantPolicy policy,
      RequestedTargets targets,
      ActiveFaults active,
      Instant now,
      List<RuleOutcome> out) {
    List<String> keys = targets.conflictKeys(request.accountId(), request.region());
    List<String> busy = new ArrayList<>();
    List<String> cooling = new ArrayList<>();
    Duration cooldown = Duration.ofSeconds(Math.max(0, policy.cooldownSeconds()));
    for (String key : keys) {
      active
          .holderOf(key)
          .ifPresent(holders -> busy.add(key + " (" + holders(holders, request) + ")"));
      active
          .lastEnded(key)
          .filter(ended -> ended.plus(cooldown).isAfter(now))
          .ifPresent(ended -> cooling.add(key + " (until " + ended.plus(cooldown) + ")"));
    }
    out.add(
        busy.isEmpty()
            ? RuleOutcome.pass(TARGET_BUSY, "no selected target has an active fault")
            : RuleOutcome.fail(
                TARGET_BUSY, RuleCode.TARGET_BUSY, "targets with an active fault: " + busy));
    out.add(
        cooling.isEmpty()
            ? RuleOutcome.pass(TARGET_COOLDOWN, "no selected target is cooling down")
            : RuleOutcome.fail(
                TARGET_COOLDOWN, RuleCode.TARGET_COOLDOWN, "targets cooling down: " + cooling));
  }

  /**
   * The faults holding a target, as the requester may see them: its own by fault id, another
   * tenant's without naming the tenant or the fault.
   */
  private static String holders(String faultKeys, FaultRequested request) {
    String own = request.tenantId().value() + "/";
    return java.util.Arrays.stream(faultKeys.split(", "))
        .map(
            k ->
                k.startsWith(own) ? "fault " + k.substring(own.length()) : "another tenant's fault")
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** TOTAL_CHAOS_DURATION plus a ramp before and after: how long the fault holds its targets. */
  public static Duration holdAndRamp(FaultRequested request) {
    int hold = request.parameters().text("TOTAL_CHAOS_DURATION").map(Integer::parseInt).orElse(0);
    int ramp = request.parameters().text("RAMP_TIME").map(Integer::parseInt).orElse(0);
    return Duration.ofSeconds(hold + 2L * ramp);
  }
}
