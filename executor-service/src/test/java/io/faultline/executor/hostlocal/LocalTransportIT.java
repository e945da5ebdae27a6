package io.faultline.executor.hostlocal;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.decision.AccountAccess;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.ProcessOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The full path with the local transport: an approval on Kafka makes the executor run the real
 * ec2-process-kill document on this host, which kills a real process with the right signal.
 */
class LocalTransportIT {
  private static final String HOST = "i-0100c4100000000a1";
  private static LocalExecutor executor;

  @BeforeAll
  static void start() {
    executor = LocalExecutor.start(Map.of(HOST, Map.of("app", "local")));
  }

  @AfterAll
  static void stop() {
    executor.close();
  }

  private static FaultLifecycleEvent terminal(String faultId) {
    return executor.terminal(faultId);
  }

  private static void publish(String faultId, long pid, boolean force) throws Exception {
    Instant now = Instant.now();
    FaultApproved approval =
        new FaultApproved(
            FaultId.of(faultId),
            TenantId.of("local-tenant"),
            null,
            null,
            FaultType.of("ec2-process-kill"),
            AccountId.of("000000000000"),
            AwsRegion.of("eu-west-1"),
            FaultCatalogue.standard()
                .validate(
                    FaultType.of("ec2-process-kill"),
                    Map.of(
                        "PROCESS_IDS",
                        Long.toString(pid),
                        "EC2_INSTANCE_ID",
                        HOST,
                        "FORCE",
                        force,
                        "TOTAL_CHAOS_DURATION",
                        1)),
            false,
            new AccountAccess("arn:aws:iam::000000000000:role/local", "local-ext"),
            ProtectedTargetGuard.none(),
            5,
            "user:test",
            now,
            now.plusSeconds(600),
            1,
            List.of());
    executor.publish(approval);
  }

  @Test
  void killsARealProcessWithSigkillThroughTheWholeKafkaPath() throws Exception {
    Process victim = new ProcessBuilder("sleep", "600").start();
    String faultId = "f-local-kill-" + UUID.randomUUID().toString().substring(0, 8);

    publish(faultId, victim.pid(), true);

    FaultLifecycleEvent end = terminal(faultId);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    await().atMost(Duration.ofSeconds(10)).until(() -> !victim.isAlive());
    assertThat(victim.exitValue()).isEqualTo(128 + 9);
    FaultLifecycleEvent injected =
        executor.events(faultId).stream()
            .filter(e -> e.stage() == INJECTED)
            .findFirst()
            .orElseThrow();
    assertThat(injected.targets().getFirst().processes())
        .containsExactly(new ProcessOutcome(victim.pid(), "sleep", "KILL", "killed", null));
    assertThat(executor.events(faultId))
        .extracting(FaultLifecycleEvent::stage)
        .containsExactly(
            LifecycleStage.STARTED,
            LifecycleStage.TARGETS_RESOLVED,
            INJECTED,
            LifecycleStage.ROLLING_BACK,
            COMPLETED);
  }

  @Test
  void sendsSigtermWhenNotForced() throws Exception {
    Process victim = new ProcessBuilder("sleep", "600").start();
    String faultId = "f-local-term-" + UUID.randomUUID().toString().substring(0, 8);

    publish(faultId, victim.pid(), false);

    assertThat(terminal(faultId).stage()).isEqualTo(COMPLETED);
    await().atMost(Duration.ofSeconds(10)).until(() -> !victim.isAlive());
    assertThat(victim.exitValue()).isEqualTo(128 + 15);
  }
}
