package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.faultline.events.LifecycleTap;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.executor.TestFaults;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.guard.TenantGuards;
import io.faultline.executor.guard.TenantPolicyReader;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.observability.Observability;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.faultline.testsupport.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The re-check before each inject batch, between two serial injects: the first target's inject is
 * still running (a stand-in transport at this module's own port holds it) when the tenant's policy
 * on the broker starts protecting the second target. The second must never receive a command.
 */
class InjectGateIT {
  private static final String FIRST = "i-0a00000000000001";
  private static final String SECOND = "i-0a00000000000002";

  private static FaultLedger ledger;
  private static LifecycleTap lifecycle;
  private static TenantPolicyReader policies;

  @BeforeAll
  static void start() throws InterruptedException {
    TestFaults.createTopics();
    ledger = new FaultLedger(TestKafka.bootstrapServers(), "gate-it-" + TestFaults.unique("tx"));
    lifecycle = new LifecycleTap();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    policies =
        new TenantPolicyReader(
            KafkaClients.of(TestKafka.bootstrapServers()),
            new TenantGuards(),
            meters,
            new PoisonRecords("executor-service", meters),
            new ConsumerLiveness("executor-service", meters));
    assertThat(policies.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
  }

  @AfterAll
  static void stop() {
    policies.close();
    lifecycle.close();
    ledger.close();
  }

  /** Two running instances tagged app=web; the first inject sent stays running until released. */
  private static final class HeldFirstInject implements AccountSession {
    final List<String> sent = new CopyOnWriteArrayList<>();
    volatile boolean released;

    @Override
    public List<Instance> instances(List<String> ids) {
      return ids.stream().map(id -> new Instance(id, "running", Map.of("app", "web"))).toList();
    }

    @Override
    public List<Instance> runningInstancesWithTag(String key, String value) {
      return instances(List.of(FIRST, SECOND));
    }

    @Override
    public Optional<List<ClusterMember>> clusterMembers(String cluster) {
      return Optional.empty();
    }

    @Override
    public Set<String> ssmOnline(List<String> instanceIds) {
      return Set.copyOf(instanceIds);
    }

    @Override
    public Map<String, Boolean> agentConnected(String cluster) {
      return Map.of();
    }

    @Override
    public DocumentVersion ensureDocument(SsmDocument document) {
      return new DocumentVersion(document.name(), "1");
    }

    @Override
    public String send(
        DocumentVersion document,
        List<String> instanceIds,
        Map<String, String> parameters,
        String comment,
        Duration deliveryTimeout) {
      String id =
          parameters.get("Action") + "-" + sent.size() + "-" + String.join(",", instanceIds);
      sent.add(id);
      return id;
    }

    @Override
    public Invocation invocation(String commandId, String instanceId) {
      if (commandId.startsWith("inject-0-") && !released) {
        return new Invocation(Invocation.Status.PENDING, "");
      }
      return new Invocation(Invocation.Status.SUCCESS, "");
    }

    @Override
    public void cancel(String commandId, List<String> instanceIds) {}
  }

  @Test
  void aTargetProtectedWhileTheSerialInjectRunsIsNeitherInjectedNorRolledBack() {
    HeldFirstInject session = new HeldFirstInject();
    String faultId = TestFaults.unique("f-serial-gate");
    String tenant = TestFaults.unique("serial-gate");
    FaultApproved approval =
        TestFaults.approval(
            faultId,
            tenant,
            "123456789012",
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                "4321",
                "EC2_INSTANCE_TAG",
                "app:web",
                "INSTANCE_AFFECTED_PERC",
                100,
                "SEQUENCE",
                "serial",
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            ProtectedTargetGuard.none(),
            5);
    FaultRunner runner =
        new FaultRunner(
            FaultRegistry.discover(),
            request -> session,
            ledger,
            new Controls(),
            RunSettings.defaults().withPolling(Duration.ofMillis(50), Duration.ofMillis(100)),
            "gate-it",
            Observability.none(),
            new OwnDeadline(Duration.ofDays(1)),
            policies.guards());
    runner.start(approval, 0, 0, TestFaults.traceparent());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> session.sent.stream().anyMatch(id -> id.startsWith("inject-0-")));
    String injectedFirst = session.sent.getFirst().substring("inject-0-".length());
    String protectedLater = injectedFirst.equals(FIRST) ? SECOND : FIRST;

    TestFaults.publishPolicy(
        approval.tenantId(),
        "123456789012",
        1,
        new ProtectedTargets(List.of(protectedLater), List.of(), List.of()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> policies.guards().current(approval.tenantId()).isPresent());
    session.released = true;

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(60));
    assertThat(end.stage()).isEqualTo(LifecycleStage.COMPLETED);
    assertThat(session.sent)
        .containsExactly("inject-0-" + injectedFirst, "rollback-1-" + injectedFirst);
    // Serial: the gate asks again at each host's turn, after the previous host's hold.
    assertThat(end.targets())
        .extracting(TargetOutcome::targetId, TargetOutcome::status, TargetOutcome::detail)
        .contains(
            tuple(
                protectedLater,
                TargetStatus.EXCLUDED_PROTECTED,
                "became protected after approval: instance id is protected"));
    FaultLifecycleEvent injected =
        lifecycle.awaitStage(faultId, LifecycleStage.INJECTED, Duration.ofSeconds(10));
    assertThat(injected.targets())
        .filteredOn(t -> t.targetId().equals(injectedFirst))
        .extracting(TargetOutcome::status)
        .containsExactly(TargetStatus.INJECTED);
  }
}
