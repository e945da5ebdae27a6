package io.faultline.executor;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.LifecycleTap;
import io.faultline.events.TopicTap;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.heartbeat.ExecutorHeartbeat.RunningFault;
import io.faultline.events.topics.Topics;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.heartbeat.HeartbeatPublisher;
import io.faultline.executor.observability.Observability;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The executor's heartbeat on a real broker (ADR 0007 §3): it names a running fault with its
 * account from acceptance to the terminal event and no longer after; an idle executor sends empty
 * heartbeats; every record is a readable event stamped with the broker's append time.
 */
@Tag("waits-in-pairs")
class HeartbeatIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration INTERVAL = Duration.ofMillis(500);
  private static final String EXECUTOR = "beat-1";
  private static final List<String> PHASES =
      List.of("STARTING", "INJECTING", "HOLDING", "ROLLING_BACK");

  private static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private static AwsAccountConnector connector;
  private static Executor executor;
  private static LifecycleTap lifecycle;
  private static TopicTap<ExecutorHeartbeat> heartbeats;

  /** One heartbeat record as read: its data and the type of the broker's timestamp. */
  private record Beat(ExecutorHeartbeat heartbeat, TimestampType timestampType) {}

  @BeforeAll
  static void start() {
    MotoAccounts.init();
    TestFaults.createTopics();
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(MotoServer.shared().endpoint())
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            null);
    executor =
        Executor.start(
            new Executor.Config(
                    TestKafka.bootstrapServers(),
                    TestFaults.unique("beating-executors"),
                    EXECUTOR,
                    Duration.ofSeconds(6),
                    1_000,
                    RunSettings.defaults()
                        .withPrecheck(RunSettings.Precheck.SKIP)
                        .withPolling(Duration.ofMillis(100), Duration.ofMillis(500)))
                .withHeartbeatInterval(INTERVAL),
            connector,
            FaultRegistry.discover(),
            new Observability(OpenTelemetry.noop(), meters));
    lifecycle = new LifecycleTap();
    heartbeats = new TopicTap<>(Topics.EXECUTOR_HEARTBEATS);
  }

  @AfterAll
  static void stop() {
    heartbeats.close();
    lifecycle.close();
    executor.close();
    connector.close();
  }

  /** Every heartbeat record of this test's executor read so far, in its order. */
  private static List<Beat> beats() {
    return heartbeats.records().stream()
        .filter(r -> r.event() != null)
        .map(r -> new Beat(r.event().data(), r.timestampType()))
        .filter(b -> b.heartbeat().executorId().equals(executor.id()))
        .toList();
  }

  private static List<RunningFault> named(Beat beat, String faultId) {
    return beat.heartbeat().faults().stream()
        .filter(f -> f.faultId().value().equals(faultId))
        .toList();
  }

  private static List<Beat> sentAfter(Instant instant) {
    return beats().stream().filter(b -> b.heartbeat().sentAt().isAfter(instant)).toList();
  }

  @Test
  void namesARunningFaultWithItsAccountUntilItsTerminalEvent() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "beat"));
    String tenant = TestFaults.unique("beat");
    String faultId = TestFaults.unique("f-beat");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            tenant,
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS", "4242", "EC2_INSTANCE_TAG", "app:beat", "TOTAL_CHAOS_DURATION", 3),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    lifecycle.awaitStage(faultId, INJECTED, WAIT);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                beats().stream()
                    .flatMap(b -> named(b, faultId).stream())
                    .anyMatch(f -> f.phase().equals("HOLDING")));
    assertThat(lifecycle.awaitTerminal(faultId, WAIT).stage()).isEqualTo(COMPLETED);
    Instant ended = Instant.now();

    List<RunningFault> naming = beats().stream().flatMap(b -> named(b, faultId).stream()).toList();
    assertThat(naming)
        .allSatisfy(
            f -> {
              assertThat(f.tenantId().value()).isEqualTo(tenant);
              assertThat(f.accountId().value()).isEqualTo(account);
              assertThat(f.epoch()).isZero();
            });
    // Phases only move forward, and the hold was named.
    List<Integer> order = naming.stream().map(f -> PHASES.indexOf(f.phase())).toList();
    assertThat(order).doesNotContain(-1).isSorted();
    assertThat(naming).extracting(RunningFault::phase).contains("HOLDING");

    // Beats taken after the terminal event was committed no longer name the fault.
    await().atMost(Duration.ofSeconds(10)).until(() -> sentAfter(ended).size() >= 3);
    assertThat(sentAfter(ended)).allSatisfy(b -> assertThat(named(b, faultId)).isEmpty());
    assertThat(heartbeats.brokenRecords()).isEmpty();
  }

  @Test
  void sendsEmptyHeartbeatsWhileItRunsNothing() {
    Instant from = Instant.now();
    await().atMost(Duration.ofSeconds(10)).until(() -> sentAfter(from).size() >= 3);

    assertThat(executor.inFlight()).isZero();
    assertThat(sentAfter(from))
        .allSatisfy(
            b -> {
              assertThat(b.heartbeat().faults()).isEmpty();
              assertThat(b.heartbeat().part()).isEqualTo(1);
              assertThat(b.heartbeat().parts()).isEqualTo(1);
            });
    assertThat(heartbeats.brokenRecords()).isEmpty();
  }

  @Test
  void everyHeartbeatIsAReadableEventStampedWithTheBrokersAppendTime() {
    await().atMost(Duration.ofSeconds(10)).until(() -> beats().size() >= 3);

    assertThat(heartbeats.brokenRecords()).isEmpty();
    assertThat(beats())
        .allSatisfy(b -> assertThat(b.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME));
    assertThat(meters.counter(HeartbeatPublisher.HEARTBEATS, "outcome", "sent").count())
        .isGreaterThanOrEqualTo(3);
    assertThat(meters.counter(HeartbeatPublisher.HEARTBEATS, "outcome", "failed").count()).isZero();
  }
}
