package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.PROTECTED_CLUSTER;
import static io.faultline.policy.PolicyExamples.PROTECTED_INSTANCE;
import static io.faultline.policy.PolicyExamples.ecsAgentStop;
import static io.faultline.policy.PolicyExamples.externalId;
import static io.faultline.policy.PolicyExamples.httpResetByTag;
import static io.faultline.policy.PolicyExamples.inRegion;
import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static io.faultline.policy.PolicyExamples.roleArn;
import static io.faultline.policy.PolicyExamples.withParameters;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.policy.Bounds;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.policy.TimeWindow;
import io.faultline.events.policy.Windows;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.policy.PolicyExamples;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdmissionTopologyTest {
  static final String T = "acme";
  static final String A = "111111111111";
  static final String B = "222222222222";
  static final Duration GRACE = Duration.ofMinutes(5);

  AdmissionDriver driver =
      new AdmissionDriver(new AdmissionSettings(3, GRACE, Duration.ofSeconds(1)));

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void intakeIsStatelessAndAdmissionAloneReadsTheAdmissionLogWithItsStores() {
    AdmissionSettings settings = new AdmissionSettings(3, GRACE, Duration.ofSeconds(1), "p.");
    TopologyDescription intake = AdmissionTopology.intake(settings).describe();
    TopologyDescription admission = AdmissionTopology.admission(settings).describe();

    assertThat(intake.subtopologies())
        .flatExtracting(TopologyDescription.Subtopology::nodes)
        .filteredOn(n -> n instanceof TopologyDescription.Processor)
        .allSatisfy(n -> assertThat(((TopologyDescription.Processor) n).stores()).isEmpty());
    assertThat(intake.subtopologies())
        .flatExtracting(TopologyDescription.Subtopology::nodes)
        .filteredOn(n -> n instanceof TopologyDescription.Sink)
        .extracting(n -> ((TopologyDescription.Sink) n).topic())
        .containsExactlyInAnyOrder(
            "p." + AdmissionSettings.ADMISSION_LOG, "p." + Topics.DEAD_LETTERS.name());

    assertThat(admission.subtopologies()).hasSize(1);
    assertThat(admission.subtopologies().iterator().next().nodes())
        .filteredOn(n -> n instanceof TopologyDescription.Source)
        .singleElement()
        .satisfies(
            n ->
                assertThat(((TopologyDescription.Source) n).topicSet())
                    .containsExactly("p." + AdmissionSettings.ADMISSION_LOG));
    assertThat(admission.subtopologies().iterator().next().nodes())
        .filteredOn(n -> n.name().equals("admission"))
        .singleElement()
        .satisfies(
            n ->
                assertThat(((TopologyDescription.Processor) n).stores())
                    .containsExactlyInAnyOrder(
                        "admission-policies",
                        "admission-halts",
                        "admission-decisions",
                        "admission-leases",
                        "admission-cooldowns",
                        "admission-escrow",
                        "admission-parked"));
    // Admission writes back to its own log: the escrow's asks and grants (ADR 0012).
    assertThat(admission.subtopologies().iterator().next().nodes())
        .filteredOn(n -> n.name().equals("escrow-sink"))
        .singleElement()
        .satisfies(
            n ->
                assertThat(((TopologyDescription.Sink) n).topic())
                    .isEqualTo("p." + AdmissionSettings.ADMISSION_LOG));
  }

  private FaultLifecycleEvent decide(FaultRequested request) {
    driver.request(request);
    List<FaultLifecycleEvent> events = driver.lifecycle();
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  private static List<RuleCode> failedCodes(FaultLifecycleEvent event) {
    return event.rules().stream().filter(r -> !r.passed()).map(RuleOutcome::code).toList();
  }

  private FaultApproved assertApproved(FaultLifecycleEvent event) {
    assertThat(failedCodes(event)).isEmpty();
    assertThat(event.stage()).isEqualTo(LifecycleStage.APPROVED);
    List<FaultApproved> approvals = driver.approvals();
    assertThat(approvals)
        .singleElement()
        .satisfies(a -> assertThat(a.faultId()).isEqualTo(event.faultId()));
    return approvals.get(0);
  }

  private void assertRejected(FaultLifecycleEvent event, RuleCode... codes) {
    assertThat(event.stage()).isEqualTo(LifecycleStage.REJECTED);
    assertThat(event.reason()).isEqualTo(FailureReason.POLICY_RULE);
    assertThat(failedCodes(event)).containsExactlyInAnyOrder(codes);
    assertThat(driver.approvals()).isEmpty();
  }

  @Test
  void approvesARequestWithinPolicyWithAccessGuardAndLease() {
    driver.policy(policy(T, A));
    FaultRequested request =
        withParameters(
            processKill(T, "f-1", A, "i-0abc12345def67890"),
            Map.of("TOTAL_CHAOS_DURATION", 120, "RAMP_TIME", 10));
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    driver.request(request, traceparent);

    List<FaultApproved> approvals = driver.approvals();
    assertThat(approvals).hasSize(1);
    FaultApproved approval = approvals.get(0);
    assertThat(approval.faultId()).isEqualTo(request.faultId());
    assertThat(approval.access().roleArn()).isEqualTo(roleArn(A));
    assertThat(approval.access().externalId()).isEqualTo(externalId(T));
    assertThat(approval.guard().instanceIds()).containsExactly(PROTECTED_INSTANCE);
    assertThat(approval.guard().clusterNames()).containsExactly(PROTECTED_CLUSTER);
    assertThat(approval.guard().tags()).hasSize(2);
    assertThat(approval.maxTargets()).isEqualTo(5);
    assertThat(approval.sequence()).isEqualTo(1);
    assertThat(approval.dryRun()).isFalse();
    assertThat(approval.approvedAt()).isEqualTo(AdmissionDriver.START);
    assertThat(approval.leaseExpiresAt())
        .isEqualTo(AdmissionDriver.START.plus(AdmissionSettings.DEFAULT_START_DEADLINE));

    List<FaultlineEvent<FaultLifecycleEvent>> events = driver.lifecycleEvents();
    assertThat(events).hasSize(1);
    FaultlineEvent<FaultLifecycleEvent> event = events.get(0);
    assertThat(event.traceparent()).isEqualTo(traceparent);
    assertThat(event.source().toString()).isEqualTo("/faultline/policy-service");
    FaultLifecycleEvent approved = event.data();
    assertThat(approved.stage()).isEqualTo(LifecycleStage.APPROVED);
    assertThat(failedCodes(approved)).isEmpty();
    assertThat(approved.sequence()).isEqualTo(1);
    assertThat(approved.producer()).isEqualTo("policy-service");
    assertThat(approved.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(approved.rules()).extracting(RuleOutcome::rule).hasSizeGreaterThan(15);
    assertThat(approved.toString()).doesNotContain(externalId(T));
  }

  @Test
  void lifecycleDecisionsNeverCarryTheExternalId() {
    driver.policy(policy(T, A));
    driver.request(processKill(T, "f-1", A, "i-0abc12345def67890"));
    driver.request(processKill(T, "f-2", A, PROTECTED_INSTANCE));
    assertThat(driver.approvals()).hasSize(1);
    // the raw bytes, not just the record: nothing on the lifecycle topic may leak the secret
    assertThat(driver.lifecycleRaw())
        .hasSize(2)
        .allSatisfy(
            bytes -> assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("ext-"));
  }

  @Test
  void rejectsAnUnknownTenant() {
    FaultLifecycleEvent event = decide(processKill(T, "f-1", A, "i-0abc12345def67890"));
    assertRejected(event, RuleCode.UNKNOWN_TENANT);
  }

  @Test
  void rejectsAnAccountTheTenantDoesNotOwn() {
    driver.policy(policy(T, A));
    driver.policy(policy("other", B));
    FaultLifecycleEvent event = decide(processKill(T, "f-1", B, "i-0abc12345def67890"));
    assertRejected(event, RuleCode.ACCOUNT_NOT_OWNED, RuleCode.REGION_NOT_ALLOWED);
  }

  @Test
  void rejectsARegionNotAllowedForTheAccountAndApprovesAnAllowedOne() {
    driver.policy(policy(T, A));
    assertRejected(
        decide(inRegion(processKill(T, "f-1", A, "i-0abc12345def67890"), "us-east-1")),
        RuleCode.REGION_NOT_ALLOWED);
    assertApproved(decide(processKill(T, "f-2", A, "i-0abc12345def67890")));
  }

  @Test
  void rejectsAFaultTypeTheTenantDoesNotAllow() {
    driver.policy(PolicyExamples.withFaultTypes(policy(T, A), "ecs-agent-stop"));
    assertRejected(
        decide(processKill(T, "f-1", A, "i-0abc12345def67890")), RuleCode.FAULT_TYPE_NOT_ALLOWED);
    assertApproved(decide(ecsAgentStop(T, "f-2", A, "checkout")));
  }

  @Test
  void rejectsAProtectedInstanceAmongExplicitTargets() {
    driver.policy(policy(T, A));
    assertRejected(
        decide(processKill(T, "f-1", A, "i-0abc12345def67890", PROTECTED_INSTANCE)),
        RuleCode.PROTECTED_TARGET);
  }

  @Test
  void rejectsAProtectedClusterAndApprovesAnother() {
    driver.policy(policy(T, A));
    assertRejected(decide(ecsAgentStop(T, "f-1", A, PROTECTED_CLUSTER)), RuleCode.PROTECTED_TARGET);
    assertApproved(decide(ecsAgentStop(T, "f-2", A, "checkout")));
  }

  @Test
  void rejectsATagSelectorThatCanOnlyMatchProtectedInstances() {
    driver.policy(policy(T, A));
    assertRejected(
        decide(httpResetByTag(T, "f-1", A, "chaos:protected:true", 10)),
        RuleCode.SELECTOR_MATCHES_ONLY_PROTECTED);
    assertRejected(
        decide(httpResetByTag(T, "f-2", A, "data-classification:pci", 10)),
        RuleCode.SELECTOR_MATCHES_ONLY_PROTECTED);
    FaultApproved approval =
        assertApproved(decide(httpResetByTag(T, "f-3", A, "data-classification:public", 10)));
    assertThat(approval.guard().tags()).hasSize(2);
  }

  @Test
  void rejectsOutsideTheWeeklyAllowedWindowInThePolicyTimeZone() {
    // 10:00 UTC on a Wednesday is 11:00 in Berlin, 05:00 in New York.
    TimeWindow officeHours =
        new TimeWindow(List.of("MON", "TUE", "WED", "THU", "FRI"), "09:00", "17:00", null, null);
    driver.policy(
        PolicyExamples.withWindows(
            policy(T, A), new Windows("America/New_York", List.of(officeHours), List.of())));
    assertRejected(
        decide(processKill(T, "f-1", A, "i-0abc12345def67890")), RuleCode.OUTSIDE_ALLOWED_WINDOW);
    driver.policy(
        PolicyExamples.withRevision(
            PolicyExamples.withWindows(
                policy(T, A), new Windows("Europe/Berlin", List.of(officeHours), List.of())),
            2));
    assertApproved(decide(processKill(T, "f-2", A, "i-0abc12345def67890")));
  }

  @Test
  void rejectsInsideACronBlackoutWindowAndApprovesAfterIt() {
    // Every day from 10:30 Berlin time, for 60 minutes.
    TimeWindow blackout = new TimeWindow(null, null, null, "30 10 * * *", 60);
    driver.policy(
        PolicyExamples.withWindows(
            policy(T, A), new Windows("Europe/Berlin", List.of(), List.of(blackout))));
    assertRejected(
        decide(processKill(T, "f-1", A, "i-0abc12345def67890")), RuleCode.IN_BLACKOUT_WINDOW);
    driver.advance(Duration.ofMinutes(31));
    assertApproved(decide(processKill(T, "f-2", A, "i-0abc12345def67890")));
  }

  @Test
  void rejectsADurationWithRampsAboveTheMaximum() {
    driver.policy(PolicyExamples.withBounds(policy(T, A), new Bounds(100, 50, 5)));
    FaultRequested base = processKill(T, "f-1", A, "i-0abc12345def67890");
    assertRejected(
        decide(withParameters(base, Map.of("TOTAL_CHAOS_DURATION", 90, "RAMP_TIME", 10))),
        RuleCode.DURATION_EXCEEDS_MAX);
    assertApproved(
        decide(
            withParameters(
                processKill(T, "f-2", A, "i-0abc12345def67890"),
                Map.of("TOTAL_CHAOS_DURATION", 80, "RAMP_TIME", 10))));
  }

  @Test
  void rejectsAnAffectedPercentageAboveTheMaximum() {
    driver.policy(policy(T, A));
    assertRejected(
        decide(httpResetByTag(T, "f-1", A, "app:checkout", 51)),
        RuleCode.AFFECTED_PERCENT_EXCEEDS_MAX);
    assertApproved(decide(httpResetByTag(T, "f-2", A, "app:checkout", 50)));
  }

  @Test
  void rejectsMoreExplicitTargetsThanTheMaximum() {
    driver.policy(PolicyExamples.withBounds(policy(T, A), new Bounds(3600, 50, 2)));
    assertRejected(
        decide(
            processKill(
                T, "f-1", A, "i-00000000000000001", "i-00000000000000002", "i-00000000000000003")),
        RuleCode.TARGET_COUNT_EXCEEDS_MAX);
    assertApproved(decide(processKill(T, "f-2", A, "i-00000000000000001", "i-00000000000000002")));
  }

  @Test
  void rejectsBeyondTheTenantConcurrencyUntilAFaultEnds() {
    driver.policy(PolicyExamples.withConcurrency(policy(T, A, B), 2, 5));
    assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));
    assertApproved(decide(processKill(T, "f-2", B, "i-00000000000000002")));
    assertRejected(
        decide(processKill(T, "f-3", A, "i-00000000000000003")), RuleCode.TENANT_CONCURRENCY_LIMIT);
    driver.executor(T, "f-1", LifecycleStage.COMPLETED, 5);
    assertApproved(decide(processKill(T, "f-4", A, "i-00000000000000003")));
  }

  @Test
  void aFaultIsItsTenantAndIdSoNoTenantCanPreClaimOrReleaseAnothersFault() {
    driver.policy(PolicyExamples.withConcurrency(policy(T, A), 1, 5));
    driver.policy(policy("globex", B));
    // Globex publishes Acme's next (predictable) fault id first.
    assertApproved(decide(processKill("globex", "run-1.w0.t0", B, "i-00000000000000009")));
    assertApproved(decide(processKill(T, "run-1.w0.t0", A, "i-00000000000000001")));

    // Globex's terminal event for that id releases Globex's lease, never Acme's.
    driver.executor("globex", "run-1.w0.t0", LifecycleStage.COMPLETED, 5);
    assertRejected(
        decide(processKill(T, "f-2", A, "i-00000000000000002")), RuleCode.TENANT_CONCURRENCY_LIMIT);

    driver.executor(T, "run-1.w0.t0", LifecycleStage.COMPLETED, 5);
    assertApproved(decide(processKill(T, "f-3", A, "i-00000000000000002")));
  }

  @Test
  void skipsAnExecutorEventThatBreaksItsRulesWithoutReleasingTheLeaseOrStalling() {
    driver.policy(PolicyExamples.withConcurrency(policy(T, A, B), 1, 5));
    assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));
    ProducerRecord<String, byte[]> completed =
        EventCodec.standard()
            .encode(
                Topics.FAULT_LIFECYCLE,
                FaultlineEvent.of(
                    AdmissionDriver.TEST_SOURCE,
                    AdmissionDriver.executorEvent(
                        T, "f-1", LifecycleStage.COMPLETED, 5, driver.now())));
    // ce_type says COMPLETED, the data says STARTED: neither is believed.
    driver.rawLifecycle(
        completed.key(),
        completed.headers(),
        new String(completed.value(), StandardCharsets.UTF_8)
            .replace("\"stage\":\"COMPLETED\"", "\"stage\":\"STARTED\"")
            .getBytes(StandardCharsets.UTF_8));
    assertRejected(
        decide(processKill(T, "f-2", A, "i-00000000000000002")), RuleCode.TENANT_CONCURRENCY_LIMIT);

    driver.rawLifecycle(completed.key(), completed.headers(), completed.value());
    assertApproved(decide(processKill(T, "f-3", A, "i-00000000000000002")));
  }

  @Test
  void rejectsBeyondTheAccountConcurrency() {
    driver.policy(PolicyExamples.withConcurrency(policy(T, A, B), 5, 1));
    assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));
    assertRejected(
        decide(processKill(T, "f-2", A, "i-00000000000000002")),
        RuleCode.ACCOUNT_CONCURRENCY_LIMIT);
    assertApproved(decide(processKill(T, "f-3", B, "i-00000000000000003")));
  }

  @Test
  void rejectsBeyondThePlatformConcurrencyAcrossTenants() {
    for (int i = 1; i <= 4; i++) {
      driver.policy(policy("tenant-" + i, "00000000000" + i));
    }
    for (int i = 1; i <= 3; i++) {
      assertApproved(
          decide(
              processKill("tenant-" + i, "f-" + i, "00000000000" + i, "i-0000000000000000" + i)));
    }
    assertRejected(
        decide(processKill("tenant-4", "f-4", "000000000004", "i-00000000000000004")),
        RuleCode.PLATFORM_CONCURRENCY_LIMIT);
    driver.executor("tenant-2", "f-2", LifecycleStage.FAILED, 4);
    assertApproved(decide(processKill("tenant-4", "f-5", "000000000004", "i-00000000000000004")));
  }

  @Test
  void rejectsATargetBusyWithAnotherTenantsFault() {
    driver.policy(policy(T, A));
    driver.policy(policy("globex", A));
    assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));
    assertRejected(
        decide(processKill("globex", "f-2", A, "i-00000000000000001")), RuleCode.TARGET_BUSY);
    assertApproved(decide(ecsAgentStop(T, "f-3", A, "checkout")));
    assertRejected(decide(ecsAgentStop("globex", "f-4", A, "checkout")), RuleCode.TARGET_BUSY);
  }

  @Test
  void tagSelectedFaultsShareTheirAccountWithEveryEc2Fault() {
    driver.policy(policy(T, A));
    driver.policy(policy("globex", A));
    // Which instances a tag selects only the executor knows: it claims them after resolving
    // (TargetClaimsTopologyTest), so the decision holds no instance and no account-wide scope.
    assertApproved(decide(httpResetByTag(T, "f-1", A, "app:checkout", 10)));
    assertApproved(decide(httpResetByTag("globex", "f-2", A, "team:payments", 10)));
    assertApproved(decide(processKill("globex", "f-3", A, "i-00000000000000001")));
  }

  @Test
  void rejectsATargetCoolingDownAfterItsLastFault() {
    driver.policy(PolicyExamples.withCooldown(policy(T, A), 300));
    assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));
    driver.executor(T, "f-1", LifecycleStage.COMPLETED, 6);
    driver.advance(Duration.ofSeconds(299));
    assertRejected(
        decide(processKill(T, "f-2", A, "i-00000000000000001")), RuleCode.TARGET_COOLDOWN);
    driver.advance(Duration.ofSeconds(2));
    assertApproved(decide(processKill(T, "f-3", A, "i-00000000000000001")));
  }

  @Test
  void approvesADryRunOnlyPolicyAsADryRun() {
    driver.policy(PolicyExamples.dryRunOnly(policy(T, A)));
    FaultLifecycleEvent event = decide(processKill(T, "f-1", A, "i-00000000000000001"));
    assertThat(event.dryRun()).isTrue();
    assertThat(assertApproved(event).dryRun()).isTrue();
  }

  @Test
  void rejectsAHaltedTenantUntilResumed() {
    driver.policy(policy(T, A));
    driver.policy(policy("globex", B));
    driver.control(ControlAction.HALT_TENANT, T);
    assertRejected(decide(processKill(T, "f-1", A, "i-00000000000000001")), RuleCode.TENANT_HALTED);
    assertApproved(decide(processKill("globex", "f-2", B, "i-00000000000000002")));
    driver.control(ControlAction.RESUME_TENANT, T);
    assertApproved(decide(processKill(T, "f-3", A, "i-00000000000000001")));
  }

  @Test
  void rejectsEveryoneWhileThePlatformIsHalted() {
    driver.policy(policy(T, A));
    driver.control(ControlAction.HALT_PLATFORM, null);
    assertRejected(
        decide(processKill(T, "f-1", A, "i-00000000000000001")), RuleCode.PLATFORM_HALTED);
    driver.control(ControlAction.RESUME_PLATFORM, null);
    assertApproved(decide(processKill(T, "f-2", A, "i-00000000000000001")));
  }

  @Test
  void aPartitionStartingOnEmptyStoresWithStartHaltedRefusesEveryoneUntilThePlatformResumes() {
    driver.close();
    driver =
        new AdmissionDriver(
            new AdmissionSettings(3, GRACE, Duration.ofSeconds(1)).withStartHalted(true));
    driver.policy(policy(T, A));
    assertRejected(
        decide(processKill(T, "f-1", A, "i-00000000000000001")), RuleCode.PLATFORM_HALTED);
    // The halt read again after the upgrade's reset changes nothing; only a resume ends it.
    driver.control(ControlAction.HALT_PLATFORM, null);
    assertRejected(
        decide(processKill(T, "f-2", A, "i-00000000000000001")), RuleCode.PLATFORM_HALTED);
    driver.control(ControlAction.RESUME_PLATFORM, null);
    assertApproved(decide(processKill(T, "f-3", A, "i-00000000000000001")));
  }

  @Test
  void withoutStartHaltedAPartitionOnEmptyStoresDecidesAtOnce() {
    driver.policy(policy(T, A));
    assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));
  }

  @Test
  void decidesTheSameFaultIdOnlyOnce() {
    driver.policy(policy(T, A));
    FaultRequested request = processKill(T, "f-1", A, "i-00000000000000001");
    driver.request(request);
    driver.request(request);
    driver.request(processKill(T, "f-1", A, PROTECTED_INSTANCE));
    assertThat(driver.approvals()).hasSize(1);
    assertThat(driver.lifecycle()).hasSize(1);
  }

  @Test
  void carriesThePreviousExternalIdOnApprovalsOnlyWhileTheRotationOverlapLasts() {
    TenantPolicy base = policy(T, A);
    RegisteredAccount account = base.accounts().getFirst();
    TenantPolicy rotated =
        new TenantPolicy(
                base.tenantId(),
                base.revision(),
                List.of(
                    new RegisteredAccount(
                        account.accountId(),
                        account.roleArn(),
                        "ext-rotated-" + T,
                        account.regions(),
                        externalId(T),
                        AdmissionDriver.START.plus(Duration.ofHours(1)))),
                base.allowedFaultTypes(),
                base.protectedTargets(),
                base.windows(),
                base.bounds(),
                base.concurrency(),
                base.cooldownSeconds(),
                base.dryRunOnly(),
                base.updatedAt(),
                base.updatedBy())
            // Rules tests: these tenants publish unsigned (ADR 0008 tests sign in their own).
            .withSigning(List.of(), false);
    driver.policy(rotated);
    FaultApproved during = assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));
    assertThat(during.access().externalId()).isEqualTo("ext-rotated-" + T);
    assertThat(during.access().previousExternalId()).isEqualTo(externalId(T));
    assertThat(during.toString()).doesNotContain(externalId(T)).doesNotContain("ext-rotated-");
    driver.executor(T, "f-1", LifecycleStage.COMPLETED, 3);
    driver.advance(Duration.ofHours(1));
    FaultApproved after = assertApproved(decide(processKill(T, "f-2", A, "i-00000000000000002")));
    assertThat(after.access().externalId()).isEqualTo("ext-rotated-" + T);
    assertThat(after.access().previousExternalId()).isNull();
  }

  @Test
  void forgetsADecidedFaultIdOnlyAfterTheRequestsTopicRetention() {
    driver.policy(policy(T, A));
    FaultRequested request = processKill(T, "f-1", A, "i-00000000000000001");
    assertApproved(decide(request));
    driver.executor(T, "f-1", LifecycleStage.COMPLETED, 3);
    driver.advance(AdmissionProcessor.MEMORY.minusHours(1));
    driver.request(request);
    assertThat(driver.lifecycle()).isEmpty();
    driver.advance(Duration.ofHours(2));
    assertApproved(decide(request));
  }

  @Test
  void aLeaseLastsAsLongAsHeartbeatsNameItThenExpiresByHeartbeatTimeAndFreesItsTarget() {
    driver.policy(policy(T, A));
    FaultRequested request =
        withParameters(
            processKill(T, "f-1", A, "i-00000000000000001"), Map.of("TOTAL_CHAOS_DURATION", 60));
    assertApproved(decide(request));
    driver.executor(T, "f-1", LifecycleStage.STARTED, 2);
    driver.executor(T, "f-1", LifecycleStage.INJECTED, 4);
    Instant start = driver.now();
    // Heartbeats name the fault for 20 minutes: far beyond its hold and the start deadline.
    Instant last = start;
    for (int s = 5; s <= 20 * 60; s += 5) {
      last = start.plusSeconds(s);
      driver.heartbeat("ex-1", last, A, T + "/f-1");
    }
    driver.advance(Duration.ofMinutes(25));
    assertThat(driver.lifecycle()).isEmpty();
    assertRejected(decide(processKill(T, "f-2", A, "i-00000000000000001")), RuleCode.TARGET_BUSY);

    // Its executor goes silent; another executor's heartbeats move the clock past the grace.
    driver.heartbeat("ex-2", last.plus(GRACE).minusSeconds(1), A);
    driver.advance(Duration.ofSeconds(2));
    assertThat(driver.lifecycle()).isEmpty();
    driver.heartbeat("ex-2", last.plus(GRACE).plusSeconds(1), A);
    driver.advance(Duration.ofSeconds(2));

    assertThat(driver.lifecycle())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.stage()).isEqualTo(LifecycleStage.LEASE_EXPIRED);
              assertThat(e.reason()).isEqualTo(FailureReason.TIMEOUT);
              assertThat(e.sequence()).as("the last sequence seen, not a new one").isEqualTo(4);
              assertThat(e.faultId().value()).isEqualTo("f-1");
            });
    assertApproved(decide(processKill(T, "f-3", A, "i-00000000000000001")));
  }

  @Test
  void withoutHeartbeatsNothingExpiresSoAPolicyOutageOrBacklogCannotFreeARunningTarget() {
    driver.policy(policy(T, A));
    assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));

    driver.advance(Duration.ofHours(2));
    assertThat(driver.lifecycle()).isEmpty();

    // A backlog read late: heartbeats appended while the fault ran keep it, judged by their append
    // times and not by the (much later) time they are read.
    Instant approved = AdmissionDriver.START;
    for (int s = 5; s <= 600; s += 5) {
      driver.heartbeat("ex-1", approved.plusSeconds(s), A, T + "/f-1");
    }
    driver.advance(Duration.ofSeconds(2));
    assertThat(driver.lifecycle()).isEmpty();
    assertRejected(decide(processKill(T, "f-2", A, "i-00000000000000001")), RuleCode.TARGET_BUSY);
  }

  @Test
  void aFaultNoHeartbeatEverNamedExpiresOneGraceAfterItsStartDeadline() {
    driver.policy(policy(T, A));
    assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));
    Instant deadline =
        AdmissionDriver.START.plus(AdmissionSettings.DEFAULT_START_DEADLINE).plus(GRACE);

    driver.heartbeat("ex-1", deadline.minusSeconds(1), A);
    driver.advance(Duration.ofSeconds(2));
    assertThat(driver.lifecycle()).isEmpty();
    driver.heartbeat("ex-1", deadline.plusSeconds(1), A);
    driver.advance(Duration.ofSeconds(2));

    assertThat(driver.lifecycle())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.stage()).isEqualTo(LifecycleStage.LEASE_EXPIRED);
              assertThat(e.sequence()).isEqualTo(1);
            });
  }

  @Test
  void aHeartbeatOfAnotherTenantsFaultWithTheSameIdKeepsNothing() {
    driver.policy(policy(T, A));
    assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));
    Instant deadline =
        AdmissionDriver.START.plus(AdmissionSettings.DEFAULT_START_DEADLINE).plus(GRACE);

    driver.heartbeat("ex-1", deadline.minusSeconds(5), A, "globex/f-1");
    driver.heartbeat("ex-1", deadline.plusSeconds(1), A, "globex/f-1");
    driver.advance(Duration.ofSeconds(2));

    assertThat(driver.lifecycle())
        .extracting(FaultLifecycleEvent::stage)
        .containsExactly(LifecycleStage.LEASE_EXPIRED);
  }

  @Test
  void aRequestNamingATenantWithoutAPolicyDoesNotTakeTheFaultIdFromIt() {
    assertRejected(
        decide(processKill(T, "f-early", A, "i-00000000000000001")), RuleCode.UNKNOWN_TENANT);

    driver.policy(policy(T, A));

    assertApproved(decide(processKill(T, "f-early", A, "i-00000000000000001")));
  }

  @Test
  void aTerminalEventBeforeExpiryPreventsTheExpiry() {
    driver.policy(policy(T, A));
    assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));
    driver.executor(T, "f-1", LifecycleStage.ABORTED, 3);
    driver.advance(Duration.ofHours(1));
    assertThat(driver.lifecycle()).isEmpty();
  }

  @Test
  void rejectsAnInvalidRequestThatNamesItsTenantAndFault() {
    driver.policy(policy(T, A));
    FaultRequested valid = processKill(T, "f-bad", A, "i-00000000000000001");
    String json =
        new String(
                io.faultline.events.cloudevents.EventCodec.standard().toJson(valid),
                StandardCharsets.UTF_8)
            .replace("\"1234\"", "\"1; rm -rf /\"");
    var record =
        io.faultline.events.cloudevents.EventCodec.standard()
            .encode(Topics.FAULT_REQUESTS, FaultlineEvent.of(AdmissionDriver.TEST_SOURCE, valid));
    driver.raw(T, record.headers(), json.getBytes(StandardCharsets.UTF_8));

    FaultLifecycleEvent event = driver.lifecycle().get(0);
    assertThat(event.stage()).isEqualTo(LifecycleStage.REJECTED);
    assertThat(event.reason()).isEqualTo(FailureReason.INVALID_REQUEST);
    assertThat(event.faultId().value()).isEqualTo("f-bad");
    assertThat(failedCodes(event)).containsOnly(RuleCode.INVALID_REQUEST);
    assertThat(event.rules()).anySatisfy(r -> assertThat(r.message()).contains("PROCESS_IDS"));
    assertThat(driver.deadLetters()).isEmpty();
    // a later valid request with the same fault id is a duplicate: one decision per fault id
    driver.request(valid);
    assertThat(driver.lifecycle()).isEmpty();
  }

  @Test
  void sendsUnreadableInputToTheDeadLetterTopicAndKeepsGoing() {
    driver.policy(policy(T, A));
    RecordHeaders headers = new RecordHeaders();
    headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
    driver.raw(T, headers, "{not json".getBytes(StandardCharsets.UTF_8));
    driver.raw(null, new RecordHeaders(), new byte[] {0, 1, 2});
    driver.raw(T, new RecordHeaders(), null);

    List<TestRecord<String, byte[]>> dead = driver.deadLetters();
    assertThat(dead).hasSize(3);
    TestRecord<String, byte[]> first = dead.get(0);
    assertThat(first.key()).isEqualTo(T);
    assertThat(header(first, "faultline.error.reason")).isNotBlank();
    assertThat(header(first, "faultline.error.violations")).isNotBlank();
    assertThat(header(first, "faultline.error.topic")).isEqualTo(Topics.FAULT_REQUESTS.name());
    assertThat(header(first, "faultline.error.partition")).isEqualTo("0");
    assertThat(header(first, "faultline.error.offset")).isEqualTo("0");
    assertThat(header(dead.get(1), "faultline.error.offset")).isEqualTo("1");
    assertThat(driver.lifecycle()).isEmpty();

    assertApproved(decide(processKill(T, "f-1", A, "i-00000000000000001")));
  }

  @Test
  void keepsTheNewestPolicyRevisionAndForgetsARemovedTenant() {
    driver.policy(
        PolicyExamples.withRevision(
            PolicyExamples.withFaultTypes(policy(T, A), "ecs-agent-stop"), 5));
    driver.policy(PolicyExamples.withRevision(policy(T, A), 4));
    assertRejected(
        decide(processKill(T, "f-1", A, "i-00000000000000001")), RuleCode.FAULT_TYPE_NOT_ALLOWED);
    driver.removePolicy(T);
    assertRejected(
        decide(processKill(T, "f-2", A, "i-00000000000000001")), RuleCode.UNKNOWN_TENANT);
  }

  private static String header(TestRecord<String, byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  static Instant start() {
    return AdmissionDriver.START;
  }
}
