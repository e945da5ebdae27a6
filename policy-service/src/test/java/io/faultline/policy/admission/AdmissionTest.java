package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static io.faultline.policy.PolicyExamples.withCooldown;
import static io.faultline.policy.PolicyExamples.withParameters;
import static io.faultline.policy.PolicyExamples.withRevision;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.ids.FaultType;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.validation.Violation;
import io.faultline.policy.PolicyExamples;
import io.faultline.policy.leases.Lease;
import io.faultline.policy.leases.LeaseBook;
import io.faultline.policy.rules.ActiveFaults;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decisions alone: commands against an in-memory view, no Kafka. */
class AdmissionTest {
  private static final Instant NOW = AdmissionDriver.START;
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final String INSTANCE = "i-0a00000000000001";
  private static final String OTHER_INSTANCE = "i-0b00000000000002";
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final AdmissionSettings SETTINGS =
      new AdmissionSettings(2, Duration.ofMinutes(5), Duration.ofSeconds(1));

  private final Admission admission = new Admission(SETTINGS);
  private final View view = new View();

  @Test
  void approvesARequestWithinPolicyWithALeaseOnItsTargets() {
    view.policies.put("acme", policy("acme", "111111111111"));
    FaultRequested request =
        withParameters(
            processKill("acme", "f-1", "111111111111", INSTANCE),
            Map.of("TOTAL_CHAOS_DURATION", 60, "RAMP_TIME", 10));

    Outcome.Approved approved =
        (Outcome.Approved) admission.decide(request, TRACEPARENT, view, NOW);

    // The executor must start it by the start deadline, whatever its hold; until a heartbeat names
    // it, its lease lasts one grace longer.
    Instant startBy = NOW.plus(SETTINGS.startDeadline());
    Instant expires = startBy.plus(SETTINGS.leaseGrace());
    assertThat(approved.lease().targets()).containsExactly("ec2:" + INSTANCE);
    assertThat(approved.lease().expiresAtMs()).isEqualTo(expires.toEpochMilli());
    assertThat(approved.lease().lastSequence()).isEqualTo(1);
    assertThat(approved.lease().traceparent()).isEqualTo(TRACEPARENT);
    assertThat(approved.approval().leaseExpiresAt()).isEqualTo(startBy);
    assertThat(approved.approval().sequence()).isEqualTo(1);
    assertThat(approved.approval().access().externalId()).isEqualTo("ext-secret-acme");
    assertThat(approved.approval().rules()).isEmpty();
    // The executor checks a serial fault's hosts x duration against the policy's bound.
    assertThat(approved.approval().maxDurationSeconds())
        .isEqualTo(view.policies.get("acme").bounds().maxDurationSeconds());
    assertThat(approved.event().stage()).isEqualTo(LifecycleStage.APPROVED);
    assertThat(approved.event().sequence()).isEqualTo(1);
    assertThat(approved.event().traceId()).isEqualTo(TRACE_ID);
    assertThat(approved.event().rules()).allMatch(RuleOutcome::passed);
    assertThat(approved.traceparent()).isEqualTo(TRACEPARENT);
  }

  @Test
  void rejectsAnUnknownTenantWithoutEvaluatingAnotherRule() {
    Outcome.Decision decision =
        admission.decide(processKill("acme", "f-1", "111111111111", INSTANCE), null, view, NOW);

    assertRejected(decision, RuleCode.UNKNOWN_TENANT);
    assertThat(decision.rules()).hasSize(3);
    assertThat(decision.event().traceId()).isNull();
  }

  @Test
  void rejectsAnAccountTheTenantDoesNotOwnNamingEveryFailedRule() {
    view.policies.put("acme", policy("acme", "111111111111"));

    Outcome.Decision decision =
        admission.decide(
            processKill("acme", "f-1", "222222222222", INSTANCE), TRACEPARENT, view, NOW);

    assertRejected(decision, RuleCode.ACCOUNT_NOT_OWNED, RuleCode.REGION_NOT_ALLOWED);
    assertThat(decision.event().detail())
        .isEqualTo("rejected by ACCOUNT_NOT_OWNED, REGION_NOT_ALLOWED");
    assertThat(decision.event().traceId()).isEqualTo(TRACE_ID);
  }

  @Test
  void rejectsAProtectedTarget() {
    view.policies.put("acme", policy("acme", "111111111111"));

    assertRejected(
        admission.decide(
            processKill("acme", "f-1", "111111111111", INSTANCE, PolicyExamples.PROTECTED_INSTANCE),
            null,
            view,
            NOW),
        RuleCode.PROTECTED_TARGET);
  }

  /** The permissive policy, also protecting two destinations and allowing the blackhole. */
  private static TenantPolicy protectingDestinations(String tenant) {
    TenantPolicy p = policy(tenant, "111111111111");
    ProtectedTargets t = p.protectedTargets();
    return new TenantPolicy(
            p.tenantId(),
            p.revision(),
            p.accounts(),
            java.util.stream.Stream.concat(
                    p.allowedFaultTypes().stream(),
                    java.util.stream.Stream.of(FaultType.of("ec2-network-blackhole")))
                .toList(),
            new ProtectedTargets(
                t.instanceIds(),
                t.clusterNames(),
                t.tags(),
                List.of("10.20.0.0/16", "192.168.7.9"),
                t.processNames()),
            p.windows(),
            p.bounds(),
            p.concurrency(),
            p.cooldownSeconds(),
            p.dryRunOnly(),
            p.updatedAt(),
            p.updatedBy())
        .withSigning(List.of(), false);
  }

  private static FaultRequested blackhole(Map<String, ?> destinations) {
    Map<String, Object> parameters = new HashMap<>(destinations);
    parameters.put("EC2_INSTANCE_ID", INSTANCE);
    return PolicyExamples.request(
        "acme", "f-1", "111111111111", "ec2-network-blackhole", parameters);
  }

  @Test
  void rejectsDestinationIpsOverlappingAProtectedDestinationNamingBoth() {
    view.policies.put("acme", protectingDestinations("acme"));

    Outcome.Decision decision =
        admission.decide(
            blackhole(Map.of("DESTINATION_IPS", "172.16.0.9,10.0.0.0/8")), null, view, NOW);

    assertRejected(decision, RuleCode.PROTECTED_DESTINATION);
    assertThat(decision.rules())
        .filteredOn(r -> !r.passed())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.rule()).isEqualTo("protected-targets");
              assertThat(r.message())
                  .contains(
                      "DESTINATION_IPS 10.0.0.0/8 overlaps protected destination 10.20.0.0/16")
                  .doesNotContain("172.16.0.9");
            });
  }

  @Test
  void approvesHostNamesAndCarriesTheProtectedDestinationsToTheExecutor() {
    view.policies.put("acme", protectingDestinations("acme"));

    Outcome.Decision decision =
        admission.decide(
            blackhole(Map.of("DESTINATION_HOSTS", "db.internal", "DESTINATION_IPS", "172.16.0.9")),
            null,
            view,
            NOW);

    assertThat(decision).isInstanceOf(Outcome.Approved.class);
    assertThat(((Outcome.Approved) decision).approval().guard().destinations())
        .containsExactly("10.20.0.0/16", "192.168.7.9");
  }

  @Test
  void rejectsATargetHeldByAnotherFaultAndBeyondThePlatformLimit() {
    view.policies.put("acme", policy("acme", "111111111111"));
    view.book.take(lease("f-0", "other", List.of("ec2:" + INSTANCE), 1));
    view.book.take(lease("f-9", "other", List.of("ec2:" + OTHER_INSTANCE), 1));

    Outcome.Decision decision =
        admission.decide(processKill("acme", "f-1", "111111111111", INSTANCE), null, view, NOW);

    assertRejected(decision, RuleCode.PLATFORM_CONCURRENCY_LIMIT, RuleCode.TARGET_BUSY);
    // The holder belongs to another tenant: neither that tenant nor its fault id is named.
    assertThat(decision.rules())
        .filteredOn(r -> r.code() == RuleCode.TARGET_BUSY)
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.message())
                    .contains("another tenant's fault")
                    .doesNotContain("other/"));
  }

  @Test
  void rejectsATargetStillCoolingDown() {
    view.policies.put("acme", withCooldown(policy("acme", "111111111111"), 600));
    view.book.take(lease("f-0", "acme", List.of("ec2:" + INSTANCE), 1));
    view.book.release(Lease.keyOf("acme", "f-0"), NOW.minusSeconds(60));

    assertRejected(
        admission.decide(processKill("acme", "f-1", "111111111111", INSTANCE), null, view, NOW),
        RuleCode.TARGET_COOLDOWN);
  }

  @Test
  void rejectsEveryRequestWhileThePlatformOrItsTenantIsHalted() {
    view.policies.put("acme", policy("acme", "111111111111"));
    FaultRequested request = processKill("acme", "f-1", "111111111111", INSTANCE);

    view.haltedTenants.add("acme");
    assertRejected(admission.decide(request, null, view, NOW), RuleCode.TENANT_HALTED);

    view.haltedTenants.clear();
    view.platformHalted = true;
    assertRejected(admission.decide(request, null, view, NOW), RuleCode.PLATFORM_HALTED);
  }

  @Test
  void setsAndLiftsAHaltAsCommanded() {
    assertThat(admission.changeHalt(new AdmissionCommand.HaltChanged("tenant/acme", true)))
        .isEqualTo(new Outcome.HaltSet("tenant/acme", true));
    assertThat(admission.changeHalt(new AdmissionCommand.HaltChanged("platform", false)))
        .isEqualTo(new Outcome.HaltSet("platform", false));
  }

  @Test
  void rejectsAnInvalidRequestWithOneFailedRulePerViolation() {
    AdmissionCommand.RejectInvalid command =
        new AdmissionCommand.RejectInvalid(
            "acme",
            "f-1",
            List.of(
                new Violation("$.parameters.RAMP_TIME", "maximum", "too long"),
                new Violation("$.region", "pattern", "not a region")),
            TRACEPARENT);

    Outcome.Decision decision = admission.rejectInvalid(command, TRACEPARENT, NOW);

    assertThat(decision).isInstanceOf(Outcome.Invalid.class);
    assertThat(decision.approved()).isFalse();
    assertThat(decision.rules())
        .extracting(RuleOutcome::code)
        .containsExactly(RuleCode.INVALID_REQUEST, RuleCode.INVALID_REQUEST);
    FaultLifecycleEvent event = decision.event();
    assertThat(event.stage()).isEqualTo(LifecycleStage.REJECTED);
    assertThat(event.sequence()).isEqualTo(1);
    assertThat(event.reason()).isEqualTo(FailureReason.INVALID_REQUEST);
    assertThat(event.detail()).startsWith("the request breaks the contract: ");
    assertThat(event.traceId()).isEqualTo(TRACE_ID);
  }

  @Test
  void decidesATenantsFaultOnlyOnce() {
    assertThat(admission.repeated("acme", "f-1", view)).isEmpty();

    view.decided.add("acme/f-1");

    assertThat(admission.repeated("acme", "f-1", view))
        .get()
        .extracting(Outcome.Ignored::faultId)
        .isEqualTo("f-1");
  }

  @Test
  void anotherTenantsFaultWithTheSameIdIsAnotherFault() {
    view.decided.add("acme/f-1");

    // Globex cannot pre-claim Acme's (predictable) fault ids, nor Acme Globex's.
    assertThat(admission.repeated("globex", "f-1", view)).isEmpty();
  }

  @Test
  void aTerminalEventOfAnotherTenantOrAccountReleasesNothing() {
    Lease lease = lease("f-1", "acme", List.of("ec2:" + INSTANCE), 3);
    view.book.take(lease);

    Outcome otherTenant =
        admission.progress(
            new AdmissionCommand.Progress("globex", "f-1", "111111111111", 6, true), view);
    Outcome otherAccount =
        admission.progress(
            new AdmissionCommand.Progress("acme", "f-1", "222222222222", 6, true), view);

    assertThat(otherTenant).isInstanceOf(Outcome.Ignored.class);
    assertThat(otherAccount).isInstanceOf(Outcome.Ignored.class);
    assertThat(view.book.lease(lease.key())).contains(lease);
  }

  @Test
  void releasesTheLeaseOnATerminalEvent() {
    Lease lease = lease("f-1", "acme", List.of("ec2:" + INSTANCE), 3);
    view.book.take(lease);

    assertThat(
            admission.progress(
                new AdmissionCommand.Progress("acme", "f-1", "111111111111", 6, true), view))
        .isEqualTo(new Outcome.Released(lease));
    // An executor's refusal of an approval it could not read names no account.
    assertThat(
            admission.progress(new AdmissionCommand.Progress("acme", "f-1", null, 6, true), view))
        .isEqualTo(new Outcome.Released(lease));
  }

  @Test
  void remembersOnlyANewerSequenceOfARunningFault() {
    view.book.take(lease("f-1", "acme", List.of("ec2:" + INSTANCE), 3));

    Outcome newer =
        admission.progress(
            new AdmissionCommand.Progress("acme", "f-1", "111111111111", 4, false), view);
    Outcome older =
        admission.progress(
            new AdmissionCommand.Progress("acme", "f-1", "111111111111", 2, false), view);

    assertThat(newer).isInstanceOf(Outcome.SequenceSeen.class);
    assertThat(((Outcome.SequenceSeen) newer).lease().lastSequence()).isEqualTo(4);
    assertThat(older).isInstanceOf(Outcome.Ignored.class);
  }

  @Test
  void ignoresProgressOfAFaultThatHoldsNoLease() {
    assertThat(
            admission.progress(
                new AdmissionCommand.Progress("acme", "f-1", "111111111111", 2, true), view))
        .isInstanceOf(Outcome.Ignored.class);
  }

  @Test
  void aHeartbeatKeepsTheLeasesOfTheFaultsItNamesOnlyForTheirOwnTenantAndAccount() {
    Lease running = lease("f-1", "acme", List.of("ec2:" + INSTANCE), 3);
    view.book.take(running);
    long appended = NOW.plusSeconds(120).toEpochMilli();

    List<Outcome.Renewed> renewed =
        admission.heartbeat(
            new AdmissionCommand.Heartbeat(
                "ex-1",
                List.of(
                    new AdmissionCommand.Heartbeat.Running("acme", "f-1", "111111111111"),
                    new AdmissionCommand.Heartbeat.Running("globex", "f-1", "111111111111"),
                    new AdmissionCommand.Heartbeat.Running("acme", "f-9", "111111111111"))),
            view,
            appended);

    assertThat(renewed)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.lease().key()).isEqualTo("acme/f-1");
              assertThat(r.lease().expiresAtMs())
                  .isEqualTo(appended + SETTINGS.leaseGrace().toMillis());
              assertThat(r.lease().lastSequence()).isEqualTo(3);
            });
    assertThat(
            admission.heartbeat(
                new AdmissionCommand.Heartbeat(
                    "ex-1",
                    List.of(new AdmissionCommand.Heartbeat.Running("acme", "f-1", "999999999999"))),
                view,
                appended))
        .as("a heartbeat naming another account renews nothing")
        .isEmpty();
  }

  @Test
  void expiresASilentLeaseByTheHeartbeatClockWithTheLastSequenceSeen() {
    Lease silent = lease("f-1", "acme", List.of("ec2:" + INSTANCE), 4);
    view.book.take(silent);
    view.book.take(
        new Lease(
            "f-2",
            "acme",
            "111111111111",
            "eu-west-1",
            "ec2-process-kill",
            null,
            null,
            false,
            List.of("ec2:" + OTHER_INSTANCE),
            NOW.plusSeconds(1).toEpochMilli(),
            1,
            null));

    Instant wall = NOW.plusSeconds(3600);
    List<Outcome.Expired> expired = admission.expire(view, NOW, wall);

    assertThat(expired).extracting(Outcome.Expired::lease).containsExactly(silent);
    FaultLifecycleEvent event = expired.getFirst().event();
    assertThat(event.stage()).isEqualTo(LifecycleStage.LEASE_EXPIRED);
    // Never a sequence of its own: the executor's next number stays the executor's (ADR 0007 §6).
    assertThat(event.sequence()).isEqualTo(4);
    assertThat(event.reason()).isEqualTo(FailureReason.TIMEOUT);
    assertThat(event.occurredAt()).isEqualTo(wall);
    assertThat(event.traceId()).isEqualTo(TRACE_ID);
    assertThat(event.detail()).contains("[ec2:" + INSTANCE + "]");
  }

  @Test
  void keepsTheHeldPolicyAgainstAnOlderRevision() {
    view.policies.put("acme", withRevision(policy("acme", "111111111111"), 5));
    TenantPolicy older = withRevision(policy("acme", "222222222222"), 4);

    assertThat(admission.changePolicy(new AdmissionCommand.PolicyChanged("acme", older), view))
        .isEqualTo(new Outcome.PolicyKept("acme", 4, 5));
  }

  @Test
  void storesASameOrNewerRevisionAndRemovesATombstonedTenant() {
    view.policies.put("acme", withRevision(policy("acme", "111111111111"), 5));
    TenantPolicy same = withRevision(policy("acme", "222222222222"), 5);
    TenantPolicy newer = withRevision(policy("acme", "333333333333"), 6);

    assertThat(admission.changePolicy(new AdmissionCommand.PolicyChanged("acme", same), view))
        .isEqualTo(new Outcome.PolicyStored("acme", same));
    assertThat(admission.changePolicy(new AdmissionCommand.PolicyChanged("acme", newer), view))
        .isEqualTo(new Outcome.PolicyStored("acme", newer));
    assertThat(admission.changePolicy(new AdmissionCommand.PolicyChanged("acme", null), view))
        .isEqualTo(new Outcome.PolicyRemoved("acme"));
  }

  @Test
  void storesTheFirstPolicyOfANewTenant() {
    TenantPolicy first = withRevision(policy("acme", "111111111111"), 1);

    assertThat(admission.changePolicy(new AdmissionCommand.PolicyChanged("acme", first), view))
        .isEqualTo(new Outcome.PolicyStored("acme", first));
  }

  private static void assertRejected(Outcome.Decision decision, RuleCode... codes) {
    assertThat(decision).isInstanceOf(Outcome.Rejected.class);
    assertThat(decision.approved()).isFalse();
    assertThat(decision.rules())
        .filteredOn(r -> !r.passed())
        .extracting(RuleOutcome::code)
        .containsExactly(codes);
    assertThat(decision.event().stage()).isEqualTo(LifecycleStage.REJECTED);
    assertThat(decision.event().sequence()).isEqualTo(1);
    assertThat(decision.event().reason()).isEqualTo(FailureReason.POLICY_RULE);
  }

  /** A lease of account 111111111111 that expired a minute ago. */
  private static Lease lease(String faultId, String tenant, List<String> targets, long sequence) {
    return new Lease(
        faultId,
        tenant,
        "111111111111",
        "eu-west-1",
        "ec2-process-kill",
        null,
        null,
        false,
        targets,
        NOW.minusSeconds(60).toEpochMilli(),
        sequence,
        TRACEPARENT);
  }

  /** Admission's state as plain collections. */
  private static final class View implements AdmissionView {
    final Map<String, TenantPolicy> policies = new HashMap<>();
    final Set<String> haltedTenants = new HashSet<>();
    final Set<String> decided = new HashSet<>();
    final LeaseBook book = new LeaseBook();
    boolean platformHalted;

    @Override
    public TenantPolicy policy(String tenantId) {
      return policies.get(tenantId);
    }

    @Override
    public boolean platformHalted() {
      return platformHalted;
    }

    @Override
    public boolean tenantHalted(String tenantId) {
      return haltedTenants.contains(tenantId);
    }

    @Override
    public boolean decided(String tenantId, String faultId) {
      return decided.contains(tenantId + "/" + faultId);
    }

    @Override
    public ActiveFaults active() {
      return book;
    }

    @Override
    public Optional<Lease> lease(String tenantId, String faultId) {
      return book.lease(Lease.keyOf(tenantId, faultId));
    }

    @Override
    public List<Lease> expiredAt(long nowMs) {
      return book.expiredAt(nowMs);
    }
  }
}
