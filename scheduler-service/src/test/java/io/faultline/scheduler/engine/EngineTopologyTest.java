package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.ExecutorStandIn;
import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.ids.FaultId;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.Keys;
import io.faultline.scheduler.state.MissedFirePolicy;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.SchedulerTopics;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.state.Target;
import io.faultline.scheduler.state.Wave;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine's topology with TopologyTestDriver and a clock the test moves. */
class EngineTopologyTest {
  private static final Instant T0 = Instant.parse("2030-01-07T08:02:00Z");
  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }
      };
  private final PoisonRecords poison =
      new PoisonRecords(EngineProcessor.SCHEDULER, new SimpleMeterRegistry());
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> commands;
  private TestOutputTopic<String, byte[]> requests;
  private TestInputTopic<String, byte[]> lifecycleInput;

  @BeforeEach
  void start() {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "engine-test");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            SchedulerTopology.build(
                clock,
                new EngineSettings(
                    Duration.ofMillis(100), Duration.ofMinutes(1), true, SchedulerTopics.COMMANDS),
                PublishTelemetry.none(),
                poison),
            config,
            T0);
    commands =
        driver.createInputTopic(
            SchedulerTopics.COMMANDS, new StringSerializer(), new ByteArraySerializer());
    requests =
        driver.createOutputTopic(
            Topics.FAULT_REQUESTS.name(), new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(SchedulerCommand command) {
    commands.pipeInput(command.tenantId(), StateJson.write(command));
  }

  private static Experiment experiment(List<Wave> waves) {
    return new Experiment(
        "acme",
        "e1",
        "kill",
        "ec2-process-kill",
        Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:web"),
        "survives",
        List.of(),
        List.of(new Target("111111111111", "eu-west-1")),
        waves,
        T0,
        "user:x",
        "c0");
  }

  private List<FaultRequested> published() {
    return requests.readRecordsToList().stream()
        .map(
            (TestRecord<String, byte[]> r) ->
                EventCodec.standard()
                    .decode(Topics.FAULT_REQUESTS, r.key(), r.headers(), r.value())
                    .data())
        .toList();
  }

  private void tick(Instant at) {
    now.set(at);
    driver.advanceWallClockTime(Duration.ofMillis(150));
  }

  @Test
  void firesADueScheduleOnceWithDeterministicIdsHoweverOftenItTicks() {
    send(
        SchedulerCommand.of("c1", CommandKind.PUT_EXPERIMENT, "acme", "e1", T0, "user:x")
            .withExperiment(experiment(List.of())));
    Schedule schedule =
        new Schedule(
            "acme",
            "s1",
            "e1",
            "0 */5 * * * *",
            "UTC",
            null,
            true,
            null,
            null,
            MissedFirePolicy.FIRE_ONCE,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            "c2");
    send(
        SchedulerCommand.of("c2", CommandKind.PUT_SCHEDULE, "acme", "s1", T0, "user:x")
            .withSchedule(schedule));
    tick(Instant.parse("2030-01-07T08:04:59Z"));
    assertThat(published()).isEmpty();

    Instant fire = Instant.parse("2030-01-07T08:05:00Z");
    tick(fire);
    tick(fire.plusMillis(500));
    tick(fire.plusSeconds(30));
    List<FaultRequested> fired = published();
    assertThat(fired).hasSize(1);
    String runId = EngineProcessor.scheduledRunId("s1", fire);
    assertThat(fired.getFirst().runId().value()).isEqualTo(runId);
    assertThat(fired.getFirst().faultId().value()).isEqualTo(runId + ".w0.t0");
    assertThat(fired.getFirst().requestedBy()).isEqualTo("scheduler-service");
  }

  @Test
  void doesNotStartASecondRunWithTheSameId() {
    send(
        SchedulerCommand.of("c1", CommandKind.START_RUN, "acme", "run-1", T0, "user:x")
            .withExperiment(experiment(List.of())));
    send(
        SchedulerCommand.of("c2", CommandKind.START_RUN, "acme", "run-1", T0, "user:x")
            .withExperiment(experiment(List.of())));
    assertThat(published()).hasSize(1);
  }

  @Test
  void ignoresLifecycleEventsThatBreakTheContractWithoutStalling() {
    TestInputTopic<String, byte[]> lifecycle =
        driver.createInputTopic(
            Topics.FAULT_LIFECYCLE.name(), new StringSerializer(), new ByteArraySerializer());
    lifecycle.pipeInput("acme", "not a cloud event".getBytes());
    send(
        SchedulerCommand.of("c1", CommandKind.START_RUN, "acme", "run-2", T0, "user:x")
            .withExperiment(
                experiment(
                    List.of(new Wave("one", true, Map.of()), new Wave("two", false, Map.of())))));
    List<FaultRequested> first = published();
    assertThat(first).hasSize(1);
    assertThat(first.getFirst().dryRun()).isTrue();

    FaultLifecycleEvent failed =
        new FaultLifecycleEvent(
            first.getFirst().faultId(),
            first.getFirst().tenantId(),
            first.getFirst().experimentId(),
            first.getFirst().runId(),
            first.getFirst().faultType(),
            first.getFirst().accountId(),
            first.getFirst().region(),
            LifecycleStage.FAILED,
            1,
            T0,
            "executor-service",
            true,
            null,
            null,
            null,
            FailureReason.PRE_CHECK,
            "agent offline",
            null,
            null);
    ProducerRecord<String, byte[]> record =
        EventCodec.standard()
            .encode(
                Topics.FAULT_LIFECYCLE,
                FaultlineEvent.of(URI.create("/faultline/executor-service"), failed));
    lifecycle.pipeInput(new TestRecord<>(record.key(), record.value(), record.headers(), T0));
    assertThat(published()).isEmpty();
    Run run =
        StateJson.read(
            driver.<String, byte[]>getKeyValueStore(StoreNames.RUNS).get(Keys.of("acme", "run-2")),
            Run.class);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.stopReason()).contains("PRE_CHECK").contains("agent offline");
    List<String> timeline = new java.util.ArrayList<>();
    try (var it =
        driver
            .<String, byte[]>getKeyValueStore(StoreNames.TIMELINES)
            .prefixScan("acme/run-2/", new StringSerializer())) {
      it.forEachRemaining(kv -> timeline.add(kv.key));
    }
    assertThat(timeline).hasSize(1);
    assertThat(run.faults().getFirst().stage()).isEqualTo("FAILED");
    assertThat(poison.count(Topics.FAULT_LIFECYCLE.name())).isEqualTo(1);
  }

  @Test
  void countsAndSkipsPoisonCommandsThenAppliesTheNextOne() {
    SchedulerCommand hidden =
        SchedulerCommand.of("c-hidden", CommandKind.START_RUN, "acme", "run-hidden", T0, "user:x")
            .withExperiment(experiment(List.of()));
    TestRecord<String, byte[]> nullHeader = new TestRecord<>("acme", StateJson.write(hidden), T0);
    nullHeader.headers().add("content-type", null);
    commands.pipeInput(nullHeader);
    commands.pipeInput("acme", new byte[0]);
    commands.pipeInput("acme", (byte[]) null);
    commands.pipeInput("acme", "{not json".getBytes());
    commands.pipeInput("acme", new byte[Topics.SCHEDULER_COMMANDS.maxEventBytes() + 1]);
    commands.pipeInput("other", StateJson.write(hidden));
    ProducerRecord<String, byte[]> lifecycleEvent =
        EventCodec.standard()
            .encode(
                Topics.FAULT_LIFECYCLE,
                FaultlineEvent.of(
                    URI.create("/faultline/executor-service"),
                    Fixtures.aLifecycleEvent(LifecycleStage.STARTED, 2)));
    commands.pipeInput(
        new TestRecord<>("acme", lifecycleEvent.value(), lifecycleEvent.headers(), T0));
    // A command that fails while being applied (START_RUN without its experiment).
    send(SchedulerCommand.of("c-broken", CommandKind.START_RUN, "acme", "run-b", T0, "user:x"));

    send(
        SchedulerCommand.of("c1", CommandKind.START_RUN, "acme", "run-ok", T0, "user:x")
            .withExperiment(experiment(List.of())));

    assertThat(published()).extracting(r -> r.runId().value()).containsExactly("run-ok");
    assertThat(poison.count(SchedulerTopics.COMMANDS)).isEqualTo(8);
    KeyValueStore<String, byte[]> runs = driver.getKeyValueStore(StoreNames.RUNS);
    assertThat(runs.get(Keys.of("acme", "run-hidden"))).isNull();
    assertThat(runs.get(Keys.of("other", "run-hidden"))).isNull();
  }

  @Test
  void recordsAnErrorAndMovesOnWhenTheScheduledExperimentIsGone() {
    Schedule schedule =
        new Schedule(
            "acme",
            "s2",
            "gone",
            "0 */5 * * * *",
            "UTC",
            null,
            true,
            null,
            null,
            MissedFirePolicy.FIRE_ONCE,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            "c2");
    send(
        SchedulerCommand.of("c2", CommandKind.PUT_SCHEDULE, "acme", "s2", T0, "user:x")
            .withSchedule(schedule));
    tick(Instant.parse("2030-01-07T08:05:00Z"));
    assertThat(published()).isEmpty();
    Schedule after =
        StateJson.read(
            driver
                .<String, byte[]>getKeyValueStore(StoreNames.SCHEDULES)
                .get(Keys.of("acme", "s2")),
            Schedule.class);
    assertThat(after.lastError()).contains("gone");
    assertThat(after.nextFireAt()).isEqualTo(Instant.parse("2030-01-07T08:10:00Z"));
  }

  private void publishLifecycle(FaultRequested request, LifecycleStage stage, long sequence) {
    if (lifecycleInput == null) {
      lifecycleInput =
          driver.createInputTopic(
              Topics.FAULT_LIFECYCLE.name(), new StringSerializer(), new ByteArraySerializer());
    }
    ProducerRecord<String, byte[]> record =
        ExecutorStandIn.record(
            ExecutorStandIn.event(
                request,
                stage,
                sequence,
                switch (stage) {
                  case ABORTED -> io.faultline.events.lifecycle.FailureReason.ABORTED;
                  case FAILED -> io.faultline.events.lifecycle.FailureReason.INJECT;
                  default -> null;
                }));
    lifecycleInput.pipeInput(
        new TestRecord<>(record.key(), record.value(), record.headers(), now.get()));
  }

  private List<String> timelineKeys(String runKey) {
    List<String> keys = new java.util.ArrayList<>();
    try (var it =
        driver
            .<String, byte[]>getKeyValueStore(StoreNames.TIMELINES)
            .prefixScan(runKey + "/", new StringSerializer())) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }

  @Test
  void deletesAnEndedRunPastTheRetentionWithItsTimelineAndKeepsARunningOne() {
    send(
        SchedulerCommand.of("c1", CommandKind.START_RUN, "acme", "run-ended", T0, "user:x")
            .withExperiment(experiment(List.of())));
    send(
        SchedulerCommand.of("c2", CommandKind.START_RUN, "acme", "run-running", T0, "user:x")
            .withExperiment(experiment(List.of())));
    List<FaultRequested> started = published();
    FaultRequested ended = started.get(0);
    FaultRequested running = started.get(1);
    publishLifecycle(ended, LifecycleStage.APPROVED, 1);
    publishLifecycle(ended, LifecycleStage.COMPLETED, 2);
    publishLifecycle(running, LifecycleStage.APPROVED, 1);
    KeyValueStore<String, byte[]> runs = driver.getKeyValueStore(StoreNames.RUNS);
    String endedKey = Keys.of("acme", "run-ended");
    String runningKey = Keys.of("acme", "run-running");
    assertThat(StateJson.read(runs.get(endedKey), Run.class).status())
        .isEqualTo(RunStatus.COMPLETED);
    assertThat(timelineKeys(endedKey)).hasSize(2);
    assertThat(timelineKeys(runningKey)).hasSize(1);

    // Exactly the retention after it ended: kept (the default sweep runs every 10 minutes).
    now.set(T0.plus(Duration.ofDays(30)));
    driver.advanceWallClockTime(Duration.ofMinutes(11));
    assertThat(runs.get(endedKey)).isNotNull();

    now.set(T0.plus(Duration.ofDays(30)).plusSeconds(1));
    driver.advanceWallClockTime(Duration.ofMinutes(11));
    assertThat(runs.get(endedKey)).isNull();
    assertThat(timelineKeys(endedKey)).isEmpty();
    assertThat(StateJson.read(runs.get(runningKey), Run.class).status())
        .isEqualTo(RunStatus.RUNNING);
    assertThat(timelineKeys(runningKey)).hasSize(1);

    // A late event of the deleted run does not bring it back.
    publishLifecycle(ended, LifecycleStage.COMPLETED, 3);
    assertThat(runs.get(endedKey)).isNull();
    assertThat(timelineKeys(endedKey)).isEmpty();
  }

  private TestOutputTopic<String, byte[]> controls;

  /** Controls published since the last call: scope → action name, or "tombstone". */
  private List<String> controlsOut() {
    if (controls == null) {
      controls =
          driver.createOutputTopic(
              Topics.FAULT_CONTROLS.name(), new StringDeserializer(), new ByteArrayDeserializer());
    }
    return controls.readRecordsToList().stream()
        .map(
            r ->
                r.key()
                    + " "
                    + (r.value() == null
                        ? "tombstone"
                        : EventCodec.standard()
                            .decode(Topics.FAULT_CONTROLS, r.key(), r.headers(), r.value())
                            .data()
                            .action()
                            .name()))
        .toList();
  }

  @Test
  void tombstonesAFaultAbortOnceItsFaultEndedAndKeepsOneForAFaultThatHasNotStarted() {
    send(
        SchedulerCommand.of("c1", CommandKind.START_RUN, "acme", "run-a", T0, "user:x")
            .withExperiment(experiment(List.of())));
    FaultRequested fault = published().getFirst();
    String scope = "fault/acme/" + fault.faultId().value();
    send(
        SchedulerCommand.of(
            "c2", CommandKind.ABORT_FAULT, "acme", fault.faultId().value(), T0, "user:ops"));
    send(SchedulerCommand.of("c3", CommandKind.ABORT_FAULT, "acme", "f-later", T0, "user:ops"));
    assertThat(controlsOut())
        .containsExactly(scope + " ABORT_FAULT", "fault/acme/f-later ABORT_FAULT");

    publishLifecycle(fault, LifecycleStage.APPROVED, 1);
    assertThat(controlsOut()).isEmpty();
    publishLifecycle(fault, LifecycleStage.ABORTED, 2);
    // The fault ended: its abort goes, and the run it stopped has nothing left running either.
    assertThat(controlsOut())
        .containsExactly(
            scope + " tombstone", "run/acme/run-a ABORT_RUN", "run/acme/run-a tombstone");
    KeyValueStore<String, byte[]> pending = driver.getKeyValueStore(StoreNames.ABORTS);
    assertThat(pending.get(scope)).isNull();
    assertThat(pending.get("fault/acme/f-later")).isNotNull();

    // A fault that never showed an end keeps its abort for the whole retention, not a second more.
    now.set(T0.plus(Duration.ofDays(8)));
    driver.advanceWallClockTime(Duration.ofMinutes(11));
    assertThat(controlsOut()).isEmpty();
    now.set(T0.plus(Duration.ofDays(8)).plusSeconds(1));
    driver.advanceWallClockTime(Duration.ofMinutes(11));
    assertThat(controlsOut()).containsExactly("fault/acme/f-later tombstone");
    assertThat(pending.get("fault/acme/f-later")).isNull();
  }

  @Test
  void tombstonesTheAbortOfAFaultOutsideAnyRunWhenItsEndIsRead() {
    // Published by another platform: no experiment, no run; the engine reads only its end.
    FaultRequested run = Fixtures.aProcessKillRequest();
    FaultRequested outside =
        new FaultRequested(
            FaultId.of("f-outside"),
            run.tenantId(),
            null,
            null,
            run.faultType(),
            run.accountId(),
            run.region(),
            run.parameters(),
            false,
            "user:other-platform",
            run.requestedAt(),
            null);
    String tenant = outside.tenantId().value();
    String scope = "fault/" + tenant + "/f-outside";
    send(SchedulerCommand.of("c1", CommandKind.ABORT_FAULT, tenant, "f-outside", T0, "user:ops"));
    assertThat(controlsOut()).containsExactly(scope + " ABORT_FAULT");

    publishLifecycle(outside, LifecycleStage.INJECTED, 4);
    assertThat(controlsOut()).isEmpty();
    publishLifecycle(outside, LifecycleStage.ABORTED, 6);
    assertThat(controlsOut()).containsExactly(scope + " tombstone");
    assertThat(driver.<String, byte[]>getKeyValueStore(StoreNames.ABORTS).get(scope)).isNull();
    assertThat(poison.count(Topics.FAULT_LIFECYCLE.name())).isZero();
  }

  @Test
  void tombstonesARunAbortOnlyOnceEveryRequestedFaultOfTheRunEnded() {
    Experiment twoTargets =
        new Experiment(
            "acme",
            "e2",
            "kill",
            "ec2-process-kill",
            Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:web"),
            "survives",
            List.of(),
            List.of(
                new Target("111111111111", "eu-west-1"), new Target("222222222222", "eu-west-1")),
            List.of(),
            T0,
            "user:x",
            "c0");
    send(
        SchedulerCommand.of("c1", CommandKind.START_RUN, "acme", "run-b", T0, "user:x")
            .withExperiment(twoTargets));
    List<FaultRequested> faults = published();
    assertThat(faults).hasSize(2);
    publishLifecycle(faults.get(0), LifecycleStage.APPROVED, 1);
    publishLifecycle(faults.get(1), LifecycleStage.APPROVED, 1);
    publishLifecycle(faults.get(0), LifecycleStage.FAILED, 2);
    assertThat(controlsOut()).containsExactly("run/acme/run-b ABORT_RUN");

    publishLifecycle(faults.get(1), LifecycleStage.STARTED, 2);
    assertThat(controlsOut()).isEmpty();
    publishLifecycle(faults.get(1), LifecycleStage.ABORTED, 3);
    assertThat(controlsOut()).containsExactly("run/acme/run-b tombstone");
    assertThat(driver.getKeyValueStore(StoreNames.ABORTS).get("run/acme/run-b")).isNull();
  }
}
