package io.faultline.policy.admission;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.decision.AccountAccess;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.ids.FaultCoordinates;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.policy.authentication.RequestAuthentication;
import io.faultline.policy.claims.ClaimDecision;
import io.faultline.policy.claims.ClaimRule;
import io.faultline.policy.leases.Lease;
import io.faultline.policy.owners.AccountOwnerRule;
import io.faultline.policy.rules.AdmissionRules;
import io.faultline.policy.rules.RequestedTargets;
import io.faultline.policy.rules.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Admission's decisions, pure: a command, what was decided before it ({@link AdmissionView}) and
 * the time give an {@link Outcome}, and nothing is written here. Replaying the admission log
 * against the same state therefore gives the same outcomes.
 */
final class Admission {
  private final AdmissionSettings settings;
  private final RequestAuthentication authentication;

  Admission(AdmissionSettings settings) {
    this.settings = settings;
    this.authentication = new RequestAuthentication(settings.signatures());
  }

  /**
   * A request not shown to come from its tenant is refused before anything else, even before the
   * duplicate check: it must neither take nor touch the fault id (ADR 0008).
   *
   * @param appendedAtMs the request's append time on the requests topic
   */
  Optional<Outcome.Refused> refused(
      AdmissionCommand.Decide command, AdmissionView state, long appendedAtMs) {
    FaultRequested request = command.request();
    String tenant = request.tenantId().value();
    return authentication
        .check(tenant, command.signature(), state.policy(tenant), appendedAtMs)
        .map(
            r ->
                new Outcome.Refused(
                    tenant,
                    request.faultId().value(),
                    EventCodec.standard().toJson(request),
                    r.code(),
                    r.detail()));
  }

  /** As for a valid request; the dead letter holds the contract violations it was to get. */
  Optional<Outcome.Refused> refused(
      AdmissionCommand.RejectInvalid command, AdmissionView state, long appendedAtMs) {
    String tenant = command.tenantId();
    return authentication
        .check(tenant, command.signature(), state.policy(tenant), appendedAtMs)
        .map(
            r ->
                new Outcome.Refused(
                    tenant,
                    command.faultId(),
                    EventCodec.standard()
                        .toJson(
                            Map.of(
                                "tenantId",
                                tenant,
                                "faultId",
                                command.faultId(),
                                "violations",
                                command.violations().stream().map(Object::toString).toList())),
                    r.code(),
                    r.detail()));
  }

  /**
   * A fault (tenant, fault id) is decided once: a redelivered request, valid or not, is ignored;
   * another tenant's request with the same fault id is another fault. Asked apart from {@link
   * #decide} because a request that is decided gets a span first, a duplicate none.
   */
  Optional<Outcome.Ignored> repeated(String tenantId, String faultId, AdmissionView state) {
    return state.decided(tenantId, faultId)
        ? Optional.of(new Outcome.Ignored(faultId, "was already decided; duplicate ignored"))
        : Optional.empty();
  }

  /**
   * Decides a valid request whose fault id is not {@link #repeated}.
   *
   * @param traceparent the decision's trace context: its events carry its trace id, and the lease
   *     keeps it for a later {@code LEASE_EXPIRED}
   */
  Outcome.Decision decide(
      FaultRequested request, String traceparent, AdmissionView state, Instant now) {
    FaultCoordinates fault = request.coordinates();
    String tenant = request.tenantId().value();
    TenantPolicy policy = state.policy(tenant);
    Verdict verdict =
        AdmissionRules.evaluate(
            request,
            policy,
            state.platformHalted(),
            state.tenantHalted(tenant),
            state.active(),
            state.platformTokens(settings.platformMaxActiveFaults()),
            now);
    // Defence in depth behind the scheduler's registration (ADR 0007 §7).
    verdict = AccountOwnerRule.apply(verdict, request, settings.accountOwners());
    if (!verdict.approved()) {
      String detail =
          "rejected by "
              + verdict.failed().stream()
                  .map(o -> o.code().name())
                  .collect(Collectors.joining(", "));
      return new Outcome.Rejected(
          verdict,
          FaultLifecycleEvent.rejected(
              fault,
              now,
              verdict.dryRun(),
              request.parameters(),
              verdict.outcomes(),
              detail,
              traceId(traceparent)),
          traceparent);
    }
    RegisteredAccount account = policy.account(request.accountId()).orElseThrow();
    // The executor must start the fault by the start deadline (the approval's leaseExpiresAt);
    // the lease lasts one lease grace longer, so a fault started just before the deadline is
    // named by its executor's next heartbeat before its lease could expire. Then heartbeats keep
    // it (ADR 0007).
    Instant startBy = now.plus(settings.startDeadline());
    Instant expires = startBy.plus(settings.leaseGrace());
    FaultApproved approval =
        new FaultApproved(
            fault,
            request.parameters(),
            verdict.dryRun(),
            // During an external-id rotation the executor falls back to the previous id.
            new AccountAccess(
                account.roleArn(), account.externalId(), account.previousExternalIdAt(now)),
            ProtectedTargetGuard.of(policy.protectedTargets()),
            Math.max(1, policy.bounds().maxTargets()),
            request.requestedBy(),
            now,
            startBy,
            1,
            // The rule outcomes travel once, on the lifecycle topic; the executor needs none of
            // them, and they are most of an approval's bytes.
            List.of(),
            // A serial fault holds each resolved host in turn: only the executor can count them.
            policy.bounds().maxDurationSeconds());
    Lease lease =
        Lease.of(
            fault,
            verdict.dryRun(),
            RequestedTargets.of(request.parameters())
                .leaseKeys(request.accountId(), request.region()),
            expires.toEpochMilli(),
            1,
            traceparent);
    return new Outcome.Approved(
        verdict,
        lease,
        approval,
        FaultLifecycleEvent.approved(
            fault,
            now,
            verdict.dryRun(),
            request.parameters(),
            verdict.outcomes(),
            traceId(traceparent)));
  }

  /** Rejects a request that broke the contract but names its fault (not {@link #repeated}). */
  Outcome.Decision rejectInvalid(
      AdmissionCommand.RejectInvalid command, String traceparent, Instant now) {
    List<RuleOutcome> rules = new ArrayList<>();
    command
        .violations()
        .forEach(
            v -> rules.add(RuleOutcome.fail("contract", RuleCode.INVALID_REQUEST, v.toString())));
    FaultLifecycleEvent event =
        FaultLifecycleEvent.rejectedInvalid(
            FaultKey.of(command.tenantId(), command.faultId()),
            now,
            rules,
            "the request breaks the contract: " + RequestIntake.describe(command.violations()),
            traceId(traceparent));
    return new Outcome.Invalid(rules, event, traceparent);
  }

  /** A policy applies unless the one held has a higher revision; a tombstone removes it. */
  Outcome changePolicy(AdmissionCommand.PolicyChanged change, AdmissionView state) {
    if (change.policy() == null) {
      return new Outcome.PolicyRemoved(change.tenantId());
    }
    TenantPolicy current = state.policy(change.tenantId());
    if (current != null && current.revision() > change.policy().revision()) {
      return new Outcome.PolicyKept(
          change.tenantId(), change.policy().revision(), current.revision());
    }
    return new Outcome.PolicyStored(change.tenantId(), change.policy());
  }

  Outcome changeHalt(AdmissionCommand.HaltChanged halt) {
    return new Outcome.HaltSet(halt.scope(), halt.halted());
  }

  /**
   * A terminal event releases the fault's lease; any other raises its last known sequence. Only an
   * event of the lease's tenant, fault and account touches it (ADR 0007).
   */
  Outcome progress(AdmissionCommand.Progress progress, AdmissionView state) {
    Lease lease = state.lease(progress.tenantId(), progress.faultId()).orElse(null);
    if (lease == null) {
      return new Outcome.Ignored(progress.faultId(), "holds no lease; progress ignored");
    }
    if (progress.accountId() != null && !progress.accountId().equals(lease.accountId())) {
      return new Outcome.Ignored(
          progress.faultId(),
          "progress names account "
              + progress.accountId()
              + ", the lease account "
              + lease.accountId()
              + "; ignored");
    }
    if (progress.terminal()) {
      return new Outcome.Released(lease);
    }
    if (progress.sequence() > lease.lastSequence()) {
      return new Outcome.SequenceSeen(lease.withLastSequence(progress.sequence()));
    }
    return new Outcome.Ignored(progress.faultId(), "progress at an older sequence ignored");
  }

  /** A target claim, by {@link ClaimRule}; the tenant's cooldown applies to claimed instances. */
  Outcome.Claimed claim(AdmissionCommand.Claim command, AdmissionView state, Instant now) {
    String tenant = command.claim().tenantId().value();
    TenantPolicy policy = state.policy(tenant);
    ClaimDecision decision =
        ClaimRule.decide(
            command.claim(),
            state.lease(tenant, command.claim().faultId().value()),
            state.active(),
            java.time.Duration.ofSeconds(
                policy == null ? 0 : Math.max(0, policy.cooldownSeconds())),
            now);
    return new Outcome.Claimed(decision.extended(), decision.answer(), command.traceparent());
  }

  /**
   * Keeps the leases of the faults a heartbeat names until its append time + lease grace; a fault
   * of another tenant or account renews nothing (ADR 0007).
   */
  List<Outcome.Renewed> heartbeat(
      AdmissionCommand.Heartbeat heartbeat, AdmissionView state, long appendedAtMs) {
    long until = appendedAtMs + settings.leaseGrace().toMillis();
    List<Outcome.Renewed> renewed = new ArrayList<>();
    for (AdmissionCommand.Heartbeat.Running running : heartbeat.faults()) {
      state
          .lease(running.tenantId(), running.faultId())
          .filter(l -> running.accountId() == null || running.accountId().equals(l.accountId()))
          .filter(l -> l.expiresAtMs() < until)
          .ifPresent(l -> renewed.add(new Outcome.Renewed(l.renewedUntil(until))));
    }
    return renewed;
  }

  /**
   * Every lease whose expiry the heartbeat clock has passed, each with a {@code LEASE_EXPIRED}
   * event carrying the last sequence seen for the fault: the policy never takes a number after 1
   * (ADR 0007 §6), and the event's id is its own.
   *
   * @param heartbeatClock the latest heartbeat append time read, never the policy's own clock: an
   *     outage or backlog of the policy service delays expiry instead of causing it
   * @param now when the event is written
   */
  List<Outcome.Expired> expire(AdmissionView state, Instant heartbeatClock, Instant now) {
    List<Outcome.Expired> expired = new ArrayList<>();
    for (Lease lease : state.expiredAt(heartbeatClock.toEpochMilli())) {
      expired.add(
          new Outcome.Expired(
              lease,
              FaultLifecycleEvent.leaseExpired(
                  lease.coordinates(),
                  lease.lastSequence(),
                  now,
                  lease.dryRun(),
                  "no heartbeat named the fault and no terminal event arrived by "
                      + Instant.ofEpochMilli(lease.expiresAtMs())
                      + " (start deadline or last heartbeat + lease grace, in heartbeat time);"
                      + " leases on "
                      + lease.targets()
                      + " released",
                  traceId(lease.traceparent()))));
    }
    return expired;
  }

  /** The trace id of a W3C traceparent, or null: lifecycle events carry it in their data. */
  private static String traceId(String traceparent) {
    return TraceContexts.traceId(traceparent).orElse(null);
  }
}
