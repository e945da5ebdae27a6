package io.faultline.executor.fault.processkill;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.FAILED;
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
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.ProcessOutcome;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.executor.hostlocal.LocalExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EC2 process kill through the whole executor on a real broker, its document run on this host by
 * the local transport: per-process results arrive structured in the lifecycle events (all 50 of 50
 * PIDs), and the approval's protected process names reach the host.
 */
class ProcessKillResultsIT {
  private static final String HOST = "i-0100c4100000000b2";
  private static LocalExecutor executor;

  @TempDir Path dir;
  private final String unique = UUID.randomUUID().toString().substring(0, 6);
  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void start() {
    executor = LocalExecutor.start(Map.of(HOST, Map.of("app", "local")));
  }

  @AfterAll
  static void stop() {
    executor.close();
  }

  @AfterEach
  void killStarted() {
    started.forEach(Process::destroyForcibly);
  }

  /** A copy of sleep named {@code name}, running as itself. */
  private Process sleeper(String name) throws IOException {
    Path binary = dir.resolve(name);
    if (!Files.exists(binary)) {
      Files.copy(Path.of("/bin/sleep"), binary, StandardCopyOption.COPY_ATTRIBUTES);
    }
    Process process = new ProcessBuilder(binary.toString(), "600").start();
    started.add(process);
    Path comm = Path.of("/proc", Long.toString(process.pid()), "comm");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Files.readString(comm)
                    .strip()
                    .equals(name.substring(0, Math.min(15, name.length()))));
    return process;
  }

  private static String publish(Map<String, ?> tunables, ProtectedTargetGuard guard) {
    String faultId = "f-pk-results-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> raw = new HashMap<>(tunables);
    raw.put("EC2_INSTANCE_ID", HOST);
    raw.put("TOTAL_CHAOS_DURATION", 1);
    Instant now = Instant.now();
    executor.publish(
        new FaultApproved(
            FaultId.of(faultId),
            TenantId.of("local-tenant"),
            null,
            null,
            FaultType.of("ec2-process-kill"),
            AccountId.of("000000000000"),
            AwsRegion.of("eu-west-1"),
            FaultCatalogue.standard().validate(FaultType.of("ec2-process-kill"), raw),
            false,
            new AccountAccess("arn:aws:iam::000000000000:role/local", "local-ext"),
            guard,
            5,
            "user:test",
            now,
            now.plusSeconds(600),
            1,
            List.of()));
    return faultId;
  }

  private static TargetOutcome hostIn(FaultLifecycleEvent event) {
    return event.targets().stream()
        .filter(t -> t.targetId().equals(HOST))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + HOST + " in " + event));
  }

  @Test
  void reportsEveryOneOfFiftyPidsStructuredInTheEvents() throws Exception {
    List<Process> fifty = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      fifty.add(sleeper("pkfifty-" + unique));
    }
    String pids = fifty.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(","));

    String faultId =
        publish(Map.of("PROCESS_IDS", pids, "FORCE", true), ProtectedTargetGuard.none());

    FaultLifecycleEvent end = executor.terminal(faultId);
    assertThat(end.stage()).as(end.toString()).isEqualTo(COMPLETED);
    List<ProcessOutcome> expected =
        fifty.stream()
            .map(p -> new ProcessOutcome(p.pid(), "pkfifty-" + unique, "KILL", "killed", null))
            .toList();
    FaultLifecycleEvent injected =
        executor.events(faultId).stream()
            .filter(e -> e.stage() == INJECTED)
            .findFirst()
            .orElseThrow();
    assertThat(hostIn(injected).processes()).containsExactlyElementsOf(expected);
    assertThat(hostIn(injected).detail()).doesNotContain("pid=");
    // The rollback reports nothing of processes: the terminal event keeps what the inject did.
    assertThat(hostIn(end).processes()).containsExactlyElementsOf(expected);
    assertThat(fifty).noneMatch(Process::isAlive);
  }

  @Test
  void neverSignalsANameTheApprovalProtects() throws Exception {
    Process victim = sleeper("pkvictim-" + unique);
    Process guarded = sleeper("pkguard-" + unique);

    String faultId =
        publish(
            Map.of("PROCESS_NAMES", "pkvictim-" + unique + ",pkguard-" + unique),
            new ProtectedTargetGuard(
                List.of(), List.of(), List.of(), List.of(), List.of("pkguard-" + unique)));

    FaultLifecycleEvent end = executor.terminal(faultId);
    assertThat(end.stage()).as(end.toString()).isEqualTo(COMPLETED);
    assertThat(hostIn(end).processes())
        .containsExactlyInAnyOrder(
            new ProcessOutcome(victim.pid(), "pkvictim-" + unique, "TERM", "killed", null),
            new ProcessOutcome(guarded.pid(), "pkguard-" + unique, "TERM", "refused", "protected"));
    assertThat(guarded.isAlive()).isTrue();
    assertThat(victim.isAlive()).isFalse();
  }

  @Test
  void failsTheInjectOfANameThatMatchesTheSsmAgent() throws Exception {
    Process agent = sleeper("ssm-agent-worker");

    String faultId =
        publish(
            Map.of("PROCESS_NAMES", "ssm-agent-worker", "FORCE", true),
            ProtectedTargetGuard.none());

    FaultLifecycleEvent end = executor.terminal(faultId);
    assertThat(end.stage()).isEqualTo(FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.INJECT);
    assertThat(hostIn(end).processes())
        .contains(
            new ProcessOutcome(agent.pid(), "ssm-agent-worke", "KILL", "refused", "ssm-agent"));
    assertThat(executor.events(faultId))
        .as("the inject's summary line reaches an event")
        .anySatisfy(
            e ->
                assertThat(e.targets())
                    .anySatisfy(t -> assertThat(t.detail()).contains("reason=refused-match")));
    assertThat(agent.isAlive()).isTrue();
  }
}
