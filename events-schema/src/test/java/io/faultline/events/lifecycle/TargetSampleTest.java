package io.faultline.events.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.EventFamily;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.ids.FaultCoordinates;
import io.faultline.events.topics.Topics;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** What an event lists of thousands of targets, and what it counts (ADR 0009). */
class TargetSampleTest {
  private static final FaultCoordinates FAULT = Fixtures.aProcessKillRequest().coordinates();

  private static TargetOutcome target(int i, TargetStatus status) {
    return new TargetOutcome("i-%017x".formatted(i), "ec2-instance", status, null, null);
  }

  private static List<TargetOutcome> targets(int count, TargetStatus status, int from) {
    return IntStream.range(from, from + count).mapToObj(i -> target(i, status)).toList();
  }

  @Test
  void listsEverythingWithinTheLimitAndCountsIt() {
    List<TargetOutcome> all = targets(3, TargetStatus.INJECTED, 0);
    TargetSample sample = TargetSample.of(all, List.of("cmd-1"), 100);
    assertThat(sample.targets()).isEqualTo(all);
    assertThat(sample.ssmCommandIds()).containsExactly("cmd-1");
    assertThat(sample.summary())
        .isEqualTo(new TargetSummary(3, Map.of(TargetStatus.INJECTED, 3), 0, 1, 0, false))
        .returns(false, TargetSummary::truncated);
  }

  @Test
  void keepsTargetsThatNeedAttentionFirstInTheOrderTheyWereReported() {
    List<TargetOutcome> all = new ArrayList<>(targets(3000, TargetStatus.SKIPPED, 0));
    all.addAll(targets(60, TargetStatus.EXCLUDED_PROTECTED, 3000));
    all.addAll(targets(50, TargetStatus.ROLLED_BACK, 4000));
    all.add(5, target(9001, TargetStatus.ROLLBACK_FAILED));
    all.add(target(9002, TargetStatus.INJECT_FAILED));

    TargetSample sample = TargetSample.of(all, List.of(), 100);

    assertThat(sample.targets()).hasSize(100);
    assertThat(sample.targets().getFirst().status()).isEqualTo(TargetStatus.ROLLBACK_FAILED);
    assertThat(sample.targets())
        .extracting(TargetOutcome::status)
        .containsOnly(
            TargetStatus.ROLLBACK_FAILED,
            TargetStatus.INJECT_FAILED,
            TargetStatus.ROLLED_BACK,
            TargetStatus.EXCLUDED_PROTECTED)
        .filteredOn(s -> s == TargetStatus.EXCLUDED_PROTECTED)
        .hasSize(48);
    assertThat(sample.targets().getLast().status()).isEqualTo(TargetStatus.INJECT_FAILED);
    TargetSummary summary = sample.summary();
    assertThat(summary.total()).isEqualTo(3112);
    assertThat(summary.count(TargetStatus.SKIPPED)).isEqualTo(3000);
    assertThat(summary.count(TargetStatus.EXCLUDED_PROTECTED)).isEqualTo(60);
    assertThat(summary.count(TargetStatus.ROLLED_BACK)).isEqualTo(50);
    assertThat(summary.count(TargetStatus.ROLLBACK_FAILED)).isEqualTo(1);
    assertThat(summary.count(TargetStatus.INJECT_FAILED)).isEqualTo(1);
    assertThat(summary.omitted()).isEqualTo(3012);
    assertThat(summary.truncated()).isTrue();
  }

  @Test
  void listsTheCommandsOfListedTargetsFirstAndCountsTheRest() {
    List<String> commands = IntStream.range(0, 300).mapToObj(i -> "cmd-" + i).toList();
    List<TargetOutcome> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      all.add(
          new TargetOutcome(
              "i-%017x".formatted(i),
              "ec2-instance",
              i == 250 ? TargetStatus.ROLLBACK_FAILED : TargetStatus.ROLLED_BACK,
              "cmd-" + i,
              null));
    }
    TargetSample sample = TargetSample.of(all, commands, 10);
    assertThat(sample.ssmCommandIds()).hasSize(10).contains("cmd-250");
    assertThat(sample.targets())
        .extracting(TargetOutcome::ssmCommandId)
        .allSatisfy(id -> assertThat(sample.ssmCommandIds()).contains(id));
    assertThat(sample.summary().ssmCommands()).isEqualTo(300);
    assertThat(sample.summary().ssmCommandsOmitted()).isEqualTo(290);
  }

  @Test
  void aLimitOfZeroKeepsOnlyTheCounts() {
    TargetSample sample =
        TargetSample.of(targets(5, TargetStatus.RESOLVED, 0), List.of("cmd-1"), 0);
    assertThat(sample.targets()).isEmpty();
    assertThat(sample.ssmCommandIds()).isEmpty();
    assertThat(sample.summary().omitted()).isEqualTo(5);
    assertThat(sample.summary().ssmCommandsOmitted()).isEqualTo(1);
    assertThatThrownBy(() -> TargetSample.of(List.of(), List.of(), -1))
        .hasMessageContaining("limit must be at least 0");
  }

  @Test
  void aSampledEventPassesTheSchemaAndCountsFromItsSummary() {
    List<TargetOutcome> all = targets(2500, TargetStatus.SKIPPED, 0);
    RunningFault fault =
        RunningFault.sampled(
            FAULT,
            false,
            Fixtures.aProcessKillRequest().parameters(),
            all,
            List.of(),
            null,
            TargetSample.DEFAULT_LIMIT);
    FaultLifecycleEvent event =
        FaultLifecycleEvent.targetsResolved(fault, 3, Fixtures.NOW, "resolved");
    EventCodec codec = EventCodec.standard();
    FaultLifecycleEvent read =
        codec.fromJson(EventFamily.FAULT_LIFECYCLE, FaultLifecycleEvent.class, codec.toJson(event));
    assertThat(read).isEqualTo(event);
    assertThat(read.targets()).hasSize(100);
    assertThat(read.targetCounts().total()).isEqualTo(2500);
    assertThat(read.targetCounts().count(TargetStatus.SKIPPED)).isEqualTo(2500);
  }

  @Test
  void anEventWithoutSummaryIsCountedFromItsLists() {
    FaultLifecycleEvent event =
        FaultLifecycleEvent.injected(
            new RunningFault(
                FAULT,
                false,
                Fixtures.aProcessKillRequest().parameters(),
                targets(2, TargetStatus.INJECTED, 0),
                List.of("cmd-1"),
                null),
            4,
            Fixtures.NOW,
            null);
    assertThat(event.targetSummary()).isNull();
    assertThat(event.targetCounts())
        .isEqualTo(new TargetSummary(2, Map.of(TargetStatus.INJECTED, 2), 0, 1, 0, false));
  }

  @Test
  void aSummaryThatDoesNotAddUpIsRefused() {
    assertThatThrownBy(() -> new TargetSummary(3, Map.of(TargetStatus.SKIPPED, 2), 0, 0, 0, false))
        .hasMessageContaining("byStatus counts 2 targets, total says 3");
    assertThatThrownBy(
            () ->
                FaultLifecycleEvent.targetsResolved(
                    new RunningFault(
                        FAULT,
                        false,
                        Fixtures.aProcessKillRequest().parameters(),
                        targets(2, TargetStatus.SKIPPED, 0),
                        List.of(),
                        new TargetSummary(5, Map.of(TargetStatus.SKIPPED, 5), 0, 0, 0, false),
                        null),
                    3,
                    Fixtures.NOW,
                    null))
        .hasMessageContaining("targetSummary does not match the lists");
  }

  /**
   * The bound the default is chosen by: the largest event an executor can write with the default
   * sample stays well under the lifecycle topic's 1 MiB. Every listed target as long as it can be
   * (a container-instance ARN of a 255-character cluster, a command id, a 1,000-character detail of
   * characters JSON escapes to six bytes each), 100 command ids, a fault detail of the same worst
   * kind, and parameters as large as a whole request may be (64 KiB).
   */
  @Test
  void theWorstCaseEventOfTheDefaultSampleStaysWellUnderTheRecordLimit() {
    String worstDetail = "\u0001".repeat(1_000);
    String cluster = "c".repeat(255);
    List<TargetOutcome> listed = new ArrayList<>();
    List<String> commands = new ArrayList<>();
    for (int i = 0; i < TargetSample.DEFAULT_LIMIT; i++) {
      String command = UUID.randomUUID().toString();
      commands.add(command);
      listed.add(
          new TargetOutcome(
              "arn:aws-us-gov:ecs:us-gov-west-1:123456789012:container-instance/"
                  + cluster
                  + "/%032x".formatted(i),
              "ecs-container-instance",
              TargetStatus.ROLLBACK_FAILED,
              command,
              worstDetail));
    }
    List<TargetOutcome> all = new ArrayList<>(listed);
    all.addAll(targets(10_000, TargetStatus.SKIPPED, 0));
    List<String> allCommands = new ArrayList<>(commands);
    IntStream.range(0, 20_000).forEach(i -> allCommands.add(UUID.randomUUID().toString()));
    TargetSample sample = TargetSample.of(all, allCommands, TargetSample.DEFAULT_LIMIT);
    FaultLifecycleEvent event =
        new FaultLifecycleEvent(
            FAULT.faultId(),
            FAULT.tenantId(),
            FAULT.experimentId(),
            FAULT.runId(),
            FAULT.faultType(),
            FAULT.accountId(),
            FAULT.region(),
            LifecycleStage.FAILED,
            Long.MAX_VALUE,
            Fixtures.NOW,
            "executor-service",
            false,
            Map.of("PROCESS_IDS", "1".repeat(64 * 1024)),
            sample.targets(),
            sample.ssmCommandIds(),
            sample.summary(),
            FailureReason.ROLLBACK,
            worstDetail,
            null,
            "4bf92f3577b34da6a3ce929d0e0e4736");

    ProducerRecord<String, byte[]> record =
        EventCodec.standard()
            .encode(
                Topics.FAULT_LIFECYCLE,
                FaultlineEvent.of(
                    UUID.randomUUID().toString(),
                    URI.create("/faultline/executor-service"),
                    event,
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    int headers = 0;
    for (Header h : record.headers()) {
      headers += h.key().length() + h.value().length;
    }
    int size = record.value().length + record.key().length() + headers;
    assertThat(sample.targets()).hasSize(100);
    assertThat(size).isLessThan(800 * 1024);
    assertThat(Topics.FAULT_LIFECYCLE.maxEventBytes()).isEqualTo(1024 * 1024);
  }

  /**
   * ADR 0011: a process fault's target carries up to 50 process results; the executor then cuts its
   * detail to {@code 250} characters, so such a target costs no more than the worst target above.
   * Every listed target an EC2 instance with 50 processes of the longest kind.
   */
  @Test
  void theWorstCaseEventOfProcessResultsStaysWellUnderTheRecordLimit() {
    String worstDetail = "\u0001".repeat(250);
    List<ProcessOutcome> processes =
        IntStream.range(0, TargetOutcome.MAX_PROCESSES)
            .mapToObj(
                p ->
                    new ProcessOutcome(
                        9_999_999_000L + p, "n".repeat(15), "TERM", "not-found", "name-refused"))
            .toList();
    List<TargetOutcome> listed = new ArrayList<>();
    List<String> commands = new ArrayList<>();
    for (int i = 0; i < TargetSample.DEFAULT_LIMIT; i++) {
      String command = UUID.randomUUID().toString();
      commands.add(command);
      listed.add(
          new TargetOutcome(
              "i-%017x".formatted(i),
              "ec2-instance",
              TargetStatus.ROLLBACK_FAILED,
              command,
              worstDetail,
              processes));
    }
    TargetSample sample = TargetSample.of(listed, commands, TargetSample.DEFAULT_LIMIT);
    FaultLifecycleEvent event =
        new FaultLifecycleEvent(
            FAULT.faultId(),
            FAULT.tenantId(),
            FAULT.experimentId(),
            FAULT.runId(),
            FAULT.faultType(),
            FAULT.accountId(),
            FAULT.region(),
            LifecycleStage.FAILED,
            Long.MAX_VALUE,
            Fixtures.NOW,
            "executor-service",
            false,
            Map.of("PROCESS_IDS", "1".repeat(64 * 1024)),
            sample.targets(),
            sample.ssmCommandIds(),
            sample.summary(),
            FailureReason.ROLLBACK,
            "\u0001".repeat(1_000),
            null,
            "4bf92f3577b34da6a3ce929d0e0e4736");

    byte[] json = EventCodec.standard().toJson(event);
    assertThat(sample.targets())
        .hasSize(100)
        .allSatisfy(t -> assertThat(t.processes()).hasSize(50));
    assertThat(json.length).isLessThan(800 * 1024);
  }

  @Test
  void aTargetListsAtMostFiftyProcessesAndEachOnlyKnownOutcomes() {
    ProcessOutcome one = new ProcessOutcome(1234, "sleep", "KILL", "killed", null);
    assertThatThrownBy(
            () ->
                new TargetOutcome(
                    "i-1",
                    "ec2-instance",
                    TargetStatus.INJECTED,
                    null,
                    null,
                    java.util.Collections.nCopies(51, one)))
        .hasMessageContaining("at most 50 processes");
    assertThatThrownBy(() -> new ProcessOutcome(1234, "sleep", "KILL", "gone", null))
        .hasMessageContaining("outcome must be one of");
    assertThatThrownBy(() -> new ProcessOutcome(1234, "has space", "KILL", "killed", null))
        .hasMessageContaining("name must match");
    assertThatThrownBy(() -> new ProcessOutcome(1234, "sleep", "HUP", "killed", null))
        .hasMessageContaining("signal must be TERM or KILL");
  }

  @Test
  void processResultsPassTheSchemaAndAreAbsentForOtherTargets() {
    List<ProcessOutcome> processes =
        List.of(
            new ProcessOutcome(4321, "payment-worker", "TERM", "killed", null),
            new ProcessOutcome(1, "systemd", "TERM", "refused", "init"),
            new ProcessOutcome(999, null, "TERM", "not-found", null));
    FaultLifecycleEvent event =
        FaultLifecycleEvent.injected(
            new RunningFault(
                FAULT,
                false,
                Fixtures.aProcessKillRequest().parameters(),
                List.of(
                    new TargetOutcome(
                        "i-0abc", "ec2-instance", TargetStatus.INJECTED, "cmd-1", "ok", processes),
                    target(2, TargetStatus.SKIPPED)),
                List.of("cmd-1"),
                null),
            4,
            Fixtures.NOW,
            null);
    EventCodec codec = EventCodec.standard();
    String json = new String(codec.toJson(event), java.nio.charset.StandardCharsets.UTF_8);
    FaultLifecycleEvent read =
        codec.fromJson(EventFamily.FAULT_LIFECYCLE, FaultLifecycleEvent.class, codec.toJson(event));

    assertThat(read).isEqualTo(event);
    assertThat(read.targets().getFirst().processes()).isEqualTo(processes);
    assertThat(json)
        .contains(
            "\"processes\":[{\"pid\":4321,\"name\":\"payment-worker\",\"signal\":\"TERM\",\"outcome\":\"killed\"}")
        .containsOnlyOnce("\"processes\"");
  }
}
