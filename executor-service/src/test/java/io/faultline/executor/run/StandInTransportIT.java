package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.LifecycleTap;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.TestFaults;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.observability.ExecutorMetrics;
import io.faultline.executor.observability.Observability;
import io.faultline.testsupport.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An abort while an inject command is still running (moto never shows one: its commands succeed at
 * once). The transport here is a stand-in at this module's own port whose inject runs until it is
 * cancelled; when its CancelCommand is refused like moto's HTTP 500, the refusal must be reported,
 * the rollback must still run, and the inject, which then succeeds late, is rolled back again.
 */
class StandInTransportIT {
  private static FaultLedger ledger;
  private static LifecycleTap lifecycle;

  @BeforeAll
  static void start() {
    TestFaults.createTopics();
    ledger =
        new FaultLedger(TestKafka.bootstrapServers(), "stand-in-it-" + TestFaults.unique("tx"));
    lifecycle = new LifecycleTap();
  }

  @AfterAll
  static void stop() {
    lifecycle.close();
    ledger.close();
  }

  /**
   * A session whose inject commands stay in progress until cancelled (then CANCELLED). When
   * CancelCommand is refused, an inject succeeds once a rollback has been sent: a late success.
   */
  private static class StuckInject implements AccountSession {
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<String> cancelled = new CopyOnWriteArrayList<>();
    final boolean refuseCancel;

    StuckInject(boolean refuseCancel) {
      this.refuseCancel = refuseCancel;
    }

    @Override
    public List<Instance> instances(List<String> ids) {
      return ids.stream().map(id -> new Instance(id, "running", Map.of())).toList();
    }

    @Override
    public List<Instance> runningInstancesWithTag(String key, String value) {
      return List.of();
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
      String id = parameters.get("Action") + "-" + sent.size();
      sent.add(id);
      return id;
    }

    @Override
    public Invocation invocation(String commandId, String instanceId) {
      if (!commandId.startsWith("inject")) {
        return new Invocation(
            Invocation.Status.SUCCESS, "FAULTLINE_RESULT action=rollback outcome=ok");
      }
      if (cancelled.contains(commandId)) {
        if (!refuseCancel) {
          return new Invocation(Invocation.Status.CANCELLED, "");
        }
        if (sent.stream().anyMatch(id -> id.startsWith("rollback"))) {
          return new Invocation(Invocation.Status.SUCCESS, "FAULTLINE_RESULT action=inject");
        }
      }
      return new Invocation(Invocation.Status.PENDING, "");
    }

    @Override
    public void cancel(String commandId, List<String> instanceIds) {
      cancelled.add(commandId);
      if (refuseCancel) {
        throw new TransportException("ssm:CancelCommand failed: InternalFailure (HTTP 500)");
      }
    }
  }

  @Test
  void failsVerifyWhenTheEcsAgentDoesNotReconnect() {
    System.setProperty("faultline.executor.ecs.reconnect-timeout-seconds", "1");
    StuckInject session =
        new StuckInject(false) {
          @Override
          public Optional<List<ClusterMember>> clusterMembers(String cluster) {
            return Optional.of(
                List.of(new ClusterMember("arn:ci/1", "i-0123456789abcdef0", "ACTIVE", false)));
          }

          @Override
          public Invocation invocation(String commandId, String instanceId) {
            return new Invocation(Invocation.Status.SUCCESS, "");
          }

          @Override
          public Map<String, Boolean> agentConnected(String cluster) {
            return Map.of("i-0123456789abcdef0", false);
          }
        };
    String faultId = TestFaults.unique("f-agent");
    FaultApproved approval =
        TestFaults.approval(
            faultId,
            TestFaults.unique("agent"),
            "123456789012",
            "ecs-agent-stop",
            Map.of("CLUSTER_NAME", "orders", "TOTAL_CHAOS_DURATION", 1),
            false,
            ProtectedTargetGuard.none(),
            5);

    runner(session, new Controls()).start(approval, 0, 0, TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30));
    assertThat(end.stage()).isEqualTo(LifecycleStage.FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.VERIFY);
    assertThat(end.targets())
        .filteredOn(t -> t.targetId().equals("i-0123456789abcdef0"))
        .singleElement()
        .satisfies(t -> assertThat(t.detail()).contains("not connected"));
  }

  private static FaultApproved approval(String faultId) {
    return TestFaults.approval(
        faultId,
        TestFaults.unique("cancel"),
        "123456789012",
        "ec2-process-kill",
        Map.of("PROCESS_IDS", "4321", "EC2_INSTANCE_ID", "i-0123456789abcdef0"),
        false,
        ProtectedTargetGuard.none(),
        5);
  }

  private static FaultRunner runner(AccountSession session, Controls controls) {
    return runner(session, controls, "stand-in");
  }

  private static FaultRunner runner(AccountSession session, Controls controls, String executorId) {
    return new FaultRunner(
        FaultRegistry.discover(),
        request -> session,
        ledger,
        controls,
        RunSettings.defaults().withPolling(Duration.ofMillis(50), Duration.ofMillis(100)),
        executorId);
  }

  /**
   * A session whose every command succeeds at once, remembering each (action and host) in order.
   */
  private static final class SucceedingSession extends StuckInject {
    private final Map<String, Instant> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();

    SucceedingSession() {
      super(false);
    }

    @Override
    public String send(
        DocumentVersion document,
        List<String> instanceIds,
        Map<String, String> parameters,
        String comment,
        Duration deliveryTimeout) {
      String command = parameters.get("Action") + " " + String.join(",", instanceIds);
      sentAt.putIfAbsent(command, Instant.now());
      commands.add(command);
      return super.send(document, instanceIds, parameters, comment, deliveryTimeout);
    }

    @Override
    public Invocation invocation(String commandId, String instanceId) {
      return new Invocation(
          Invocation.Status.SUCCESS,
          "FAULTLINE_RESULT action="
              + (commandId.startsWith("inject") ? "inject" : "rollback outcome=ok"));
    }

    List<String> commands() {
      return List.copyOf(commands);
    }

    Instant sentAt(String command) {
      return sentAt.get(command);
    }
  }

  private static FaultApproved serialApproval(String faultId, List<String> hosts, int seconds) {
    return TestFaults.approval(
        faultId,
        TestFaults.unique("serial"),
        "123456789012",
        "ec2-process-kill",
        Map.of(
            "PROCESS_IDS",
            "4321",
            "EC2_INSTANCE_ID",
            String.join(",", hosts),
            "SEQUENCE",
            "serial",
            "TOTAL_CHAOS_DURATION",
            seconds),
        false,
        ProtectedTargetGuard.none(),
        5);
  }

  /** A serial fault's journal entry as its lost owner left it while holding, at {@code at}. */
  private static JournalEntry serialJournaled(
      FaultApproved approval,
      List<String> hosts,
      Instant holdUntil,
      boolean handedOver,
      JournalEntry.SerialHost at) {
    JournalEntry holding = journaled(approval, JournalEntry.Phase.HOLDING, null);
    return new JournalEntry(
        holding.faultId(),
        holding.tenantId(),
        holding.phase(),
        holding.nextSequence(),
        holding.approvalPartition(),
        holding.approvalOffset(),
        holding.traceparent(),
        hosts.stream().map(h -> new JournalEntry.JournalTarget(h, "ec2-instance")).toList(),
        holding.commandIds(),
        null,
        "lost-executor",
        Instant.now(),
        0,
        holdUntil,
        handedOver,
        at);
  }

  /** The fault's newest entry on the execution journal (committed records only). */
  private static JournalEntry lastJournalEntry(FaultApproved approval) {
    String key = approval.tenantId().value() + "/" + approval.faultId().value();
    try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(
            Map.of(
                "bootstrap.servers", TestKafka.bootstrapServers(),
                "isolation.level", "read_committed",
                "key.deserializer",
                    org.apache.kafka.common.serialization.StringDeserializer.class.getName(),
                "value.deserializer",
                    org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName()))) {
      List<org.apache.kafka.common.TopicPartition> partitions =
          consumer
              .partitionsFor(io.faultline.events.topics.Topics.EXECUTION_JOURNAL.name())
              .stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
      JournalEntry[] last = new JournalEntry[1];
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(
                        r -> {
                          if (key.equals(r.key()) && r.value() != null) {
                            last[0] = JournalEntry.fromJson(r.value());
                          }
                        });
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
              });
      assertThat(last[0]).as("journal entry of %s", key).isNotNull();
      return last[0];
    }
  }

  private static JournalEntry journaled(
      FaultApproved approval, JournalEntry.Phase phase, String heading) {
    return journaled(approval, phase, heading, TestFaults.traceparent());
  }

  private static JournalEntry journaled(
      FaultApproved approval, JournalEntry.Phase phase, String heading, String traceparent) {
    return new JournalEntry(
        approval.faultId().value(),
        approval.tenantId().value(),
        phase,
        5,
        0,
        0,
        traceparent,
        List.of(new JournalEntry.JournalTarget("i-0123456789abcdef0", "ec2-instance")),
        List.of("inject-0"),
        heading,
        "lost-executor",
        Instant.now());
  }

  @Test
  void takeoverDuringTheHoldRollsBackAndEndsExecutorLost() {
    StuckInject session = new StuckInject(false);
    String faultId = TestFaults.unique("f-lost-hold");
    FaultApproved approval = approval(faultId);

    runner(session, new Controls())
        .takeOver(approval, journaled(approval, JournalEntry.Phase.HOLDING, null));

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30));
    assertThat(end.stage()).isEqualTo(LifecycleStage.FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.EXECUTOR_LOST);
    assertThat(end.sequence()).isEqualTo(6);
    assertThat(lifecycle.stages(faultId))
        .containsExactly(LifecycleStage.ROLLING_BACK, LifecycleStage.FAILED);
    assertThat(session.sent).containsExactly("rollback-0");
  }

  /** A takeover's spans, recorded in memory. */
  private record Traced(FaultRunner runner, InMemorySpanExporter spans, MeterRegistry meters) {}

  private static Traced traced(AccountSession session) {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    MeterRegistry meters = new SimpleMeterRegistry();
    return new Traced(
        new FaultRunner(
            FaultRegistry.discover(),
            request -> session,
            ledger,
            new Controls(),
            RunSettings.defaults().withPolling(Duration.ofMillis(50), Duration.ofMillis(100)),
            "stand-in",
            new Observability(sdk, meters)),
        spans,
        meters);
  }

  private static SpanData awaitExecuteSpan(InMemorySpanExporter spans) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals(FaultSpans.FAULT_EXECUTE))
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  @Test
  void takeoverContinuesTheApprovalsTraceAndLinksTheLostExecutorsSpan() {
    StuckInject session = new StuckInject(false);
    Traced traced = traced(session);
    String faultId = TestFaults.unique("f-lost-traced");
    FaultApproved approval = approval(faultId);
    String decide = TestFaults.traceparent();
    String traceId = decide.substring(3, 35);
    String lostExecute = "00-" + traceId + "-" + TestFaults.traceparent().substring(36, 52) + "-01";

    traced
        .runner()
        .takeOver(
            FaultlineEvent.of(
                TestFaults.unique("ev"), URI.create("/faultline/policy-service"), approval, decide),
            journaled(approval, JournalEntry.Phase.HOLDING, null, lostExecute));

    lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30));
    SpanData execute = awaitExecuteSpan(traced.spans());
    assertThat(execute.getTraceId()).isEqualTo(traceId);
    assertThat(execute.getParentSpanId()).isEqualTo(decide.substring(36, 52));
    assertThat(execute.getLinks())
        .singleElement()
        .satisfies(
            link ->
                assertThat(link.getSpanContext().getSpanId())
                    .isEqualTo(lostExecute.substring(36, 52)));
    assertThat(execute.getEvents()).extracting(EventData::getName).contains("takeover");
    assertThat(execute.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(execute.getAttributes().get(FaultSpans.REASON_CODE)).isEqualTo("EXECUTOR_LOST");
    assertThat(traced.spans().getFinishedSpanItems())
        .filteredOn(s -> s.getName().equals(FaultSpans.ROLLBACK))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getParentSpanId()).isEqualTo(execute.getSpanId());
              assertThat(s.getAttributes().get(FaultSpans.SSM_COMMAND_ID)).isEqualTo("rollback-0");
            });
    assertThat(lifecycle.events(faultId))
        .allSatisfy(
            e ->
                assertThat(e.traceparent())
                    .startsWith("00-" + traceId + "-" + execute.getSpanId()));
    // The terminal event is committed before the counter and gauge change: they follow shortly.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(
                      traced
                          .meters()
                          .find(ExecutorMetrics.FAULTS_FINISHED)
                          .tags("tenant", approval.tenantId().value(), "stage", "FAILED")
                          .counter())
                  .isNotNull()
                  .extracting(c -> c.count())
                  .isEqualTo(1.0);
              assertThat(
                      traced
                          .meters()
                          .get(ExecutorMetrics.ACTIVE_FAULTS)
                          .tags("tenant", approval.tenantId().value())
                          .gauge()
                          .value())
                  .isZero();
            });
  }

  @Test
  void takeoverOfAnUntracedApprovalContinuesTheTraceItsJournalKept() {
    StuckInject session = new StuckInject(false);
    Traced traced = traced(session);
    String faultId = TestFaults.unique("f-lost-untraced");
    FaultApproved approval = approval(faultId);
    String lostExecute = TestFaults.traceparent();

    traced
        .runner()
        .takeOver(
            approval,
            journaled(approval, JournalEntry.Phase.ROLLING_BACK, "COMPLETED", lostExecute));

    assertThat(lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30)).stage())
        .isEqualTo(LifecycleStage.COMPLETED);
    SpanData execute = awaitExecuteSpan(traced.spans());
    assertThat(execute.getTraceId()).isEqualTo(lostExecute.substring(3, 35));
    assertThat(execute.getParentSpanId()).isEqualTo(lostExecute.substring(36, 52));
    assertThat(execute.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(lifecycle.events(faultId))
        .singleElement()
        .satisfies(e -> assertThat(e.data().traceId()).isEqualTo(lostExecute.substring(3, 35)));
  }

  @Test
  void aTakenOverFaultIsInFlightHereUntilItsTerminalEvent() {
    AtomicBoolean rolledBack = new AtomicBoolean();
    StuckInject session =
        new StuckInject(false) {
          @Override
          public Invocation invocation(String commandId, String instanceId) {
            return commandId.startsWith("rollback") && !rolledBack.get()
                ? new Invocation(Invocation.Status.PENDING, "")
                : super.invocation(commandId, instanceId);
          }
        };
    String faultId = TestFaults.unique("f-lost-beat");
    FaultApproved approval = approval(faultId);
    FaultRunner runner = runner(session, new Controls());

    runner.takeOver(approval, journaled(approval, JournalEntry.Phase.HOLDING, null));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                runner.inFlightFaults().stream()
                    .anyMatch(f -> f.phase() == JournalEntry.Phase.ROLLING_BACK));
    assertThat(runner.inFlightFaults())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.key().tenantId()).isEqualTo(approval.tenantId());
              assertThat(f.key().faultId()).isEqualTo(approval.faultId());
              assertThat(f.accountId()).isEqualTo(approval.accountId());
            });
    rolledBack.set(true);
    assertThat(lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30)).stage())
        .isEqualTo(LifecycleStage.FAILED);
    assertThat(runner.inFlightFaults()).isEmpty();
  }

  @Test
  void takeoverDuringRollbackFinishesWhatTheLostExecutorWasHeadingTo() {
    StuckInject session = new StuckInject(false);
    String faultId = TestFaults.unique("f-lost-rollback");
    FaultApproved approval = approval(faultId);

    runner(session, new Controls())
        .takeOver(approval, journaled(approval, JournalEntry.Phase.ROLLING_BACK, "COMPLETED"));

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30));
    assertThat(end.stage()).isEqualTo(LifecycleStage.COMPLETED);
    assertThat(end.sequence()).isEqualTo(5);
    assertThat(lifecycle.stages(faultId)).containsExactly(LifecycleStage.COMPLETED);
    assertThat(session.sent).containsExactly("rollback-0");
  }

  @Test
  void takeoverBeforeAnyCommandRunsTheFaultOnUnderTheNextEpoch() {
    StuckInject session = new StuckInject(false);
    Controls controls = new Controls();
    FaultRunner runner = runner(session, controls);
    String faultId = TestFaults.unique("f-lost-early");
    FaultApproved approval = approval(faultId);

    runner.takeOver(approval, journaled(approval, JournalEntry.Phase.RESOLVED, null));

    // Nothing was sent by the lost owner: the new one resolves and injects, numbering on from 5.
    await().atMost(Duration.ofSeconds(20)).until(() -> session.sent.contains("inject-0"));
    assertThat(runner.inFlightFaults())
        .singleElement()
        .satisfies(f -> assertThat(f.epoch()).isEqualTo(1));
    controls.apply(
        new FaultControl(
            "ctl-" + faultId,
            ControlAction.ABORT_FAULT,
            approval.tenantId(),
            approval.faultId(),
            null,
            "test",
            "user:test",
            Instant.now()));
    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30));
    assertThat(end.stage()).isEqualTo(LifecycleStage.ABORTED);
    assertThat(lifecycle.stages(faultId))
        .containsExactly(
            LifecycleStage.TARGETS_RESOLVED, LifecycleStage.ROLLING_BACK, LifecycleStage.ABORTED);
    assertThat(lifecycle.events(faultId))
        .extracting(e -> e.data().sequence())
        .containsExactly(5L, 6L, 7L);
  }

  @Test
  void takeoverOfASerialRunWhoseInjectWasInFlightRollsEveryHostBackAtOnce() {
    StuckInject session = new StuckInject(false);
    String faultId = TestFaults.unique("f-lost-serial");
    List<String> hosts = List.of("i-0123456789abcdef0", "i-0123456789abcdef1");
    FaultApproved approval = serialApproval(faultId, hosts, 30);
    Instant holdUntil = Instant.now().plusSeconds(60);
    JournalEntry planned =
        serialJournaled(
            approval,
            hosts,
            holdUntil,
            true,
            new JournalEntry.SerialHost(hosts.get(1), JournalEntry.SerialStep.INJECTING, null));

    runner(session, new Controls()).takeOver(approval, planned);

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30));
    assertThat(end.stage()).isEqualTo(LifecycleStage.FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.EXECUTOR_LOST);
    assertThat(end.detail())
        .contains("handed over by executor lost-executor")
        .contains("a serial run taken over while a host's inject was in flight");
    // What the second host's inject did is unknown: both get the rollback, in one command, now.
    assertThat(end.occurredAt()).isBefore(holdUntil.minusSeconds(30));
    assertThat(session.sent).containsExactly("rollback-0");
    assertThat(end.targets())
        .filteredOn(t -> hosts.contains(t.targetId()))
        .extracting(TargetOutcome::status)
        .containsOnly(TargetStatus.ROLLED_BACK)
        .hasSize(2);
  }

  @Test
  void aSerialRunHandedOverWhileHoldingAHostGoesOnFromThatHostUnderItsNextOwner() {
    SucceedingSession session = new SucceedingSession();
    List<String> hosts =
        List.of("i-0123456789abcdef0", "i-0123456789abcdef1", "i-0123456789abcdef2");
    String faultId = TestFaults.unique("f-serial-handover");
    FaultApproved approval = serialApproval(faultId, hosts, 3);
    FaultRunner first = runner(session, new Controls(), "stand-in-a");
    first.start(approval, 0, 0, TestFaults.traceparent());
    // Holding the second host: its inject is out, nothing else yet.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> session.commands().size() == 3 && first.inFlightFaults().size() == 1);
    Instant secondInjected = Instant.now();

    first.handOver(Duration.ofSeconds(5));
    JournalEntry given = lastJournalEntry(approval);
    assertThat(given.handedOver()).isTrue();
    assertThat(given.serial().targetId()).isEqualTo(hosts.get(1));
    assertThat(given.serial().step()).isEqualTo(JournalEntry.SerialStep.HOLDING);
    runner(session, new Controls(), "stand-in-b").takeOver(approval, given);

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30));
    assertThat(end.stage()).isEqualTo(LifecycleStage.COMPLETED);
    assertThat(end.detail())
        .contains("handed over by executor stand-in-a")
        .contains("stand-in-b went on from host 2 of 3")
        .contains("serial: 3 of 3 hosts injected one at a time");
    assertThat(session.commands())
        .containsExactly(
            "inject " + hosts.get(0),
            "rollback " + hosts.get(0),
            "inject " + hosts.get(1),
            "rollback " + hosts.get(1),
            "inject " + hosts.get(2),
            "rollback " + hosts.get(2));
    // The second host was held to its own planned end, the third for the full duration.
    assertThat(session.sentAt("rollback " + hosts.get(1)))
        .isAfterOrEqualTo(secondInjected.plusSeconds(2));
    assertThat(session.sentAt("rollback " + hosts.get(2)))
        .isAfterOrEqualTo(session.sentAt("inject " + hosts.get(2)).plusSeconds(3));
    assertThat(lifecycle.stages(faultId))
        .containsSubsequence(
            LifecycleStage.INJECTED, LifecycleStage.ROLLING_BACK, LifecycleStage.COMPLETED)
        .containsOnlyOnce(LifecycleStage.INJECTED, LifecycleStage.ROLLING_BACK);
  }

  @Test
  void aSerialRunTakenOverWhileRollingAHostBackFinishesThatRollbackAndGoesOn() {
    SucceedingSession session = new SucceedingSession();
    List<String> hosts = List.of("i-0123456789abcdef0", "i-0123456789abcdef1");
    String faultId = TestFaults.unique("f-serial-rollingback");
    FaultApproved approval = serialApproval(faultId, hosts, 1);
    JournalEntry lost =
        serialJournaled(
            approval,
            hosts,
            Instant.now().plusSeconds(1),
            false,
            new JournalEntry.SerialHost(hosts.get(0), JournalEntry.SerialStep.ROLLING_BACK, null));

    runner(session, new Controls()).takeOver(approval, lost);

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30));
    assertThat(end.stage()).isEqualTo(LifecycleStage.COMPLETED);
    assertThat(end.detail())
        .contains("executor lost-executor stopped driving it")
        .contains("went on from host 1 of 2");
    assertThat(session.commands())
        .containsExactly(
            "rollback " + hosts.get(0), "inject " + hosts.get(1), "rollback " + hosts.get(1));
    assertThat(end.targets())
        .filteredOn(t -> hosts.contains(t.targetId()))
        .extracting(TargetOutcome::status)
        .containsOnly(TargetStatus.ROLLED_BACK)
        .hasSize(2);
  }

  @Test
  void takeoverDuringAPlannedHoldHoldsToItsEndAndCompletes() {
    StuckInject session = new StuckInject(false);
    String faultId = TestFaults.unique("f-lost-planned");
    FaultApproved approval = approval(faultId);
    JournalEntry holding = journaled(approval, JournalEntry.Phase.HOLDING, null);
    Instant holdUntil = Instant.now().plusSeconds(3);
    JournalEntry planned =
        new JournalEntry(
            holding.faultId(),
            holding.tenantId(),
            holding.phase(),
            holding.nextSequence(),
            holding.approvalPartition(),
            holding.approvalOffset(),
            holding.traceparent(),
            holding.targets(),
            holding.commandIds(),
            null,
            "lost-executor",
            Instant.now(),
            2,
            holdUntil,
            false,
            null);

    FaultRunner runner = runner(session, new Controls());
    runner.takeOver(approval, planned);

    await().atMost(Duration.ofSeconds(10)).until(() -> !runner.inFlightFaults().isEmpty());
    assertThat(runner.inFlightFaults())
        .singleElement()
        .satisfies(f -> assertThat(f.epoch()).isEqualTo(3));
    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30));
    assertThat(end.stage()).isEqualTo(LifecycleStage.COMPLETED);
    assertThat(end.detail())
        .contains("executor lost-executor stopped driving it")
        .contains("rolled back by stand-in after the full hold");
    FaultLifecycleEvent rollingBack =
        lifecycle.awaitStage(faultId, LifecycleStage.ROLLING_BACK, Duration.ofSeconds(30));
    assertThat(rollingBack.occurredAt()).isAfterOrEqualTo(holdUntil.minusMillis(50));
    assertThat(session.sent).containsExactly("rollback-0");
  }

  private static void abortWhileInjecting(boolean refuseCancel) {
    StuckInject session = new StuckInject(refuseCancel);
    Controls controls = new Controls();
    FaultRunner runner = runner(session, controls);
    String faultId = TestFaults.unique("f-cancel");
    FaultApproved approval = approval(faultId);

    runner.start(approval, 0, 0, TestFaults.traceparent());
    await().atMost(Duration.ofSeconds(20)).until(() -> !session.sent.isEmpty());
    // What the executor's heartbeat names while the inject command runs.
    assertThat(runner.inFlightFaults())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.key().faultId()).isEqualTo(approval.faultId());
              assertThat(f.accountId()).isEqualTo(approval.accountId());
              assertThat(f.phase()).isEqualTo(JournalEntry.Phase.INJECTING);
            });
    controls.apply(
        new FaultControl(
            "ctl-" + faultId,
            ControlAction.ABORT_FAULT,
            approval.tenantId(),
            approval.faultId(),
            null,
            "test",
            "user:test",
            Instant.now()));

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30));
    assertThat(end.stage()).isEqualTo(LifecycleStage.ABORTED);
    assertThat(end.reason()).isEqualTo(FailureReason.ABORTED);
    assertThat(session.cancelled).containsExactly("inject-0");
    if (refuseCancel) {
      // The inject ended with success after the rollback was sent: the rollback goes again.
      assertThat(session.sent).containsExactly("inject-0", "rollback-1", "rollback-2");
      assertThat(end.targets())
          .singleElement()
          .satisfies(
              t ->
                  assertThat(t.detail())
                      .contains("inject cut short (ABORTED), CancelCommand refused: ")
                      .contains("HTTP 500")
                      .contains("inject succeeded late; rollback sent again")
                      .endsWith("action=rollback outcome=ok"));
      assertThat(end.detail())
          .contains("given-up inject ended late (i-0123456789abcdef0 succeeded)");
    } else {
      // Cancelled before the rollback was sent: the rollback ran after it, once is enough.
      assertThat(session.sent).containsExactly("inject-0", "rollback-1");
      assertThat(end.targets())
          .singleElement()
          .satisfies(
              t ->
                  assertThat(t.detail())
                      .contains("inject cut short (ABORTED), CancelCommand accepted")
                      .contains("inject was cancelled before the rollback was sent"));
    }
    assertThat(lifecycle.stages(faultId))
        .containsExactly(
            LifecycleStage.STARTED,
            LifecycleStage.TARGETS_RESOLVED,
            LifecycleStage.ROLLING_BACK,
            LifecycleStage.ABORTED);
  }

  @Test
  void cancelsTheRunningInjectRollsBackAndEndsAborted() {
    abortWhileInjecting(false);
  }

  @Test
  void rollsBackAnywayWhenCancelCommandIsRefusedAndAgainWhenTheInjectSucceedsLate() {
    abortWhileInjecting(true);
  }
}
