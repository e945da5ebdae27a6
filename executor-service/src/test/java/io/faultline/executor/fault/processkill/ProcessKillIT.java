package io.faultline.executor.fault.processkill;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.RunningExecutor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder.SentRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A process kill through the whole executor on a real broker against moto: every stage once, its
 * sequences, trace and source, the rollback of each target and the commands sent.
 */
class ProcessKillIT extends RunningExecutor {
  @Test
  void runsProcessKillThroughEveryStageWithOneTerminalEvent() {
    String account = MotoAccounts.freshAccount();
    String tenant = TestFaults.unique("pk");
    List<String> web = MotoAccounts.runInstances(account, 2, Map.of("app", "web"));
    String faultId = TestFaults.unique("f-pk");
    String traceparent = TestFaults.traceparent();

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            tenant,
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                "1234,1235",
                "EC2_INSTANCE_TAG",
                "app:web",
                "INSTANCE_AFFECTED_PERC",
                100,
                "FORCE",
                true,
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            ProtectedTargetGuard.none(),
            10),
        traceparent);

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    List<FaultlineEvent<FaultLifecycleEvent>> events = lifecycle.events(faultId);
    assertThat(events)
        .extracting(e -> e.data().stage())
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    assertThat(events).extracting(e -> e.data().sequence()).containsExactly(2L, 3L, 4L, 5L, 6L);
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.traceparent()).isEqualTo(traceparent);
              assertThat(e.source()).hasToString("/faultline/executor-service");
              assertThat(e.data().traceId()).isEqualTo(traceparent.substring(3, 35));
              assertThat(e.data().producer()).isEqualTo("executor-service");
              // The approval's external id is a secret: never on the lifecycle topic.
              assertThat(
                      new String(
                          io.faultline.events.cloudevents.EventCodec.standard().toJson(e.data()),
                          StandardCharsets.UTF_8))
                  .doesNotContain("ext-" + tenant + "-7f3c")
                  .doesNotContain("AccessKeyId");
            });
    assertThat(end.targets())
        .extracting(TargetOutcome::targetId, TargetOutcome::status)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(web.get(0), TargetStatus.ROLLED_BACK),
            org.assertj.core.groups.Tuple.tuple(web.get(1), TargetStatus.ROLLED_BACK));

    List<SentRequest> sent = commands(account);
    assertThat(sent).hasSize(2);
    assertThat(parameters(sent.get(0)))
        .containsEntry("Action", List.of("inject"))
        .containsEntry("Signal", List.of("KILL"))
        .containsEntry("ProcessIds", List.of("1234,1235"))
        .containsEntry("FaultId", List.of(faultId));
    assertThat(parameters(sent.get(1))).containsEntry("Action", List.of("rollback"));
    assertThat((String) sent.get(0).field("Comment")).contains(traceparent.substring(3, 35));
    assertThat(instanceIds(sent.get(0))).containsExactlyInAnyOrderElementsOf(web);
    assertThat(lifecycle.awaitStage(faultId, INJECTED, WAIT).ssmCommandIds()).hasSize(1);
  }
}
