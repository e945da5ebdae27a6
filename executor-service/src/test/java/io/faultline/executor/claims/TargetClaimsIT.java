package io.faultline.executor.claims;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.LifecycleTap;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.AdmissionStandIn;
import io.faultline.executor.Executor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tag-selected faults claim the instances they resolved (issue 16 item 2): the whole executor on a
 * real broker against moto's EC2 tags, admission played by {@link AdmissionStandIn}. Faults on
 * disjoint instances of one account run side by side; overlapping ones never send a command to the
 * same instance; without an answer a fault fails before anything is sent.
 */
@Tag("waits-in-pairs")
class TargetClaimsIT {
  static final Duration WAIT = Duration.ofSeconds(90);
  // Generous: the machine running the tests may be loaded; the stand-in answers in milliseconds.
  static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(20);

  static RequestRecorder recorder;
  static AwsAccountConnector connector;
  static Executor executor;
  static LifecycleTap lifecycle;
  static AdmissionStandIn admission;

  @BeforeAll
  static void start() {
    MotoAccounts.init();
    TestFaults.createTopics();
    admission = new AdmissionStandIn();
    recorder = new RequestRecorder();
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(MotoServer.shared().endpoint())
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            recorder);
    executor =
        Executor.start(
            new Executor.Config(
                TestKafka.bootstrapServers(),
                TestFaults.unique("claims"),
                "claims-1",
                Duration.ofSeconds(6),
                100,
                RunSettings.defaults()
                    .withPrecheck(RunSettings.Precheck.SKIP)
                    .withPolling(Duration.ofMillis(100), Duration.ofMillis(500))
                    .withClaimTimeout(CLAIM_TIMEOUT)),
            connector,
            FaultRegistry.discover());
    lifecycle = new LifecycleTap();
  }

  @AfterAll
  static void stop() {
    lifecycle.close();
    executor.close();
    connector.close();
    admission.close();
  }

  @Test
  void tagSelectedFaultsOnDisjointInstancesOfOneAccountAreInjectedAtTheSameTime() {
    String account = MotoAccounts.freshAccount();
    // Tag values of their own: moto may still hold instances of an earlier run in this account.
    String checkoutTag = TestFaults.unique("checkout");
    String searchTag = TestFaults.unique("search");
    List<String> checkout = MotoAccounts.runInstances(account, 2, Map.of("team", checkoutTag));
    List<String> search = MotoAccounts.runInstances(account, 2, Map.of("team", searchTag));
    String tenant = TestFaults.unique("side");
    String a = TestFaults.unique("f-a");
    String b = TestFaults.unique("f-b");

    TestFaults.publish(
        diskFill(a, tenant, account, "team:" + checkoutTag, 8), TestFaults.traceparent());
    TestFaults.publish(
        diskFill(b, tenant, account, "team:" + searchTag, 8), TestFaults.traceparent());

    lifecycle.awaitAllEnded(List.of(a, b), WAIT);
    assertThat(lifecycle.awaitTerminal(a, WAIT).stage()).isEqualTo(COMPLETED);
    assertThat(lifecycle.awaitTerminal(b, WAIT).stage()).isEqualTo(COMPLETED);
    // Each was injected before the other started rolling back: they held at the same time.
    assertThat(at(a, INJECTED)).isBefore(at(b, ROLLING_BACK));
    assertThat(at(b, INJECTED)).isBefore(at(a, ROLLING_BACK));
    assertThat(injectedOn(account)).containsExactlyInAnyOrderElementsOf(concat(checkout, search));
    assertThat(admission.claims()).filteredOn(c -> c.tenantId().value().equals(tenant)).hasSize(2);
  }

  @Test
  void overlappingTagSelectedFaultsNeverInjectTheSameInstance() {
    String account = MotoAccounts.freshAccount();
    String webTag = TestFaults.unique("web");
    String frontTag = TestFaults.unique("front");
    List<String> web = MotoAccounts.runInstances(account, 2, Map.of("team", webTag));
    List<String> both =
        MotoAccounts.runInstances(account, 1, Map.of("team", webTag, "tier", frontTag));
    List<String> front = MotoAccounts.runInstances(account, 1, Map.of("tier", frontTag));
    String tenant = TestFaults.unique("overlap");
    String first = TestFaults.unique("f-first");
    String second = TestFaults.unique("f-second");

    TestFaults.publish(
        diskFill(first, tenant, account, "team:" + webTag, 6), TestFaults.traceparent());
    lifecycle.awaitStage(first, INJECTED, WAIT);
    TestFaults.publish(
        diskFill(second, tenant, account, "tier:" + frontTag, 6), TestFaults.traceparent());

    lifecycle.awaitAllEnded(List.of(first, second), WAIT);
    FaultLifecycleEvent secondEnd = lifecycle.awaitTerminal(second, WAIT);
    assertThat(secondEnd.stage()).isEqualTo(COMPLETED);
    assertThat(secondEnd.targets())
        .filteredOn(t -> t.targetId().equals(both.getFirst()))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.status()).isEqualTo(TargetStatus.SKIPPED);
              assertThat(t.detail()).startsWith("TARGET_BUSY");
            });
    assertThat(secondEnd.targets())
        .filteredOn(t -> t.status() == TargetStatus.ROLLED_BACK)
        .extracting(TargetOutcome::targetId)
        .containsExactlyElementsOf(front);
    // Every instance received the inject of one fault only.
    List<String> injected = injectedOn(account);
    assertThat(injected).doesNotHaveDuplicates();
    assertThat(injected).containsExactlyInAnyOrderElementsOf(concat(concat(web, both), front));
  }

  @Test
  void failsNamingTheClaimWhenNoGrantComesAndSendsNothing() {
    String account = MotoAccounts.freshAccount();
    String lonelyTag = TestFaults.unique("lonely");
    MotoAccounts.runInstances(account, 2, Map.of("team", lonelyTag));
    String tenant = TestFaults.unique("silent");
    admission.silence(tenant);
    String faultId = TestFaults.unique("f-silent");

    TestFaults.publish(
        diskFill(faultId, tenant, account, "team:" + lonelyTag, 5), TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(LifecycleStage.FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.TARGET_SELECTION);
    assertThat(end.detail())
        .startsWith("target claim ")
        .contains("got no grant within " + CLAIM_TIMEOUT.toMillis() + " ms")
        .endsWith("nothing injected");
    assertThat(lifecycle.stages(faultId))
        .containsExactly(LifecycleStage.STARTED, LifecycleStage.FAILED);
    assertThat(recorder.sent("SendCommand", account)).isEmpty();
  }

  private static Instant at(String faultId, LifecycleStage stage) {
    return lifecycle.events(faultId).stream()
        .filter(e -> e.data().stage() == stage)
        .map(FaultlineEvent::data)
        .map(FaultLifecycleEvent::occurredAt)
        .findFirst()
        .orElseThrow(() -> new AssertionError(faultId + " has no " + stage));
  }

  /** The instances every inject command in {@code account} was sent to, one entry per send. */
  @SuppressWarnings("unchecked")
  private static List<String> injectedOn(String account) {
    List<String> instances = new ArrayList<>();
    recorder.sent("SendCommand", account).stream()
        .filter(
            c ->
                ((Map<String, List<String>>) c.field("Parameters"))
                    .get("Action")
                    .equals(List.of("inject")))
        .forEach(c -> instances.addAll((List<String>) c.field("InstanceIds")));
    return instances;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    Set<String> unique = new HashSet<>(all);
    assertThat(unique).hasSameSizeAs(all);
    return all;
  }

  private static io.faultline.events.decision.FaultApproved diskFill(
      String faultId, String tenant, String account, String tag, int seconds) {
    return TestFaults.approval(
        faultId,
        tenant,
        account,
        "ec2-disk-fill",
        Map.of(
            "EC2_INSTANCE_TAG",
            tag,
            "INSTANCE_AFFECTED_PERC",
            100,
            "VOLUME_MOUNT_PATH",
            "/var/lib/app",
            "FILESYSTEM_UTILIZATION_PERCENTAGE",
            90,
            "TOTAL_CHAOS_DURATION",
            seconds),
        false,
        ProtectedTargetGuard.none(),
        10);
  }
}
