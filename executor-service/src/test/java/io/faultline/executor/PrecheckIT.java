package io.faultline.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.LifecycleTap;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With the SSM-online pre-check enforced (the default), an endpoint that cannot answer
 * DescribeInstanceInformation (moto answers HTTP 500) makes the fault fail closed.
 */
class PrecheckIT {
  private static RequestRecorder recorder;
  private static AwsAccountConnector connector;
  private static Executor executor;
  private static LifecycleTap lifecycle;

  @BeforeAll
  static void start() {
    MotoAccounts.init();
    TestFaults.createTopics();
    recorder = new RequestRecorder();
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(MotoServer.shared().endpoint())
                .withRetries(3, Duration.ofMillis(20), Duration.ofMillis(100)),
            recorder);
    executor =
        Executor.start(
            new Executor.Config(
                TestKafka.bootstrapServers(),
                TestFaults.unique("precheck"),
                "precheck-1",
                Duration.ofSeconds(6),
                100,
                RunSettings.defaults()),
            connector,
            FaultRegistry.discover());
    lifecycle = new LifecycleTap();
  }

  @AfterAll
  static void stop() {
    lifecycle.close();
    executor.close();
    connector.close();
  }

  @Test
  void failsClosedWhenTheSsmAgentCheckCannotBeAnswered() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 2, Map.of("app", "pre"));
    String faultId = TestFaults.unique("f-pre");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("pre"),
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS", "321", "EC2_INSTANCE_TAG", "app:pre", "INSTANCE_AFFECTED_PERC", 100),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(60));
    assertThat(end.stage()).isEqualTo(LifecycleStage.FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.PRE_CHECK);
    assertThat(end.detail()).contains("failing closed").contains("DescribeInstanceInformation");
    assertThat(lifecycle.stages(faultId))
        .containsExactly(LifecycleStage.STARTED, LifecycleStage.FAILED);
    assertThat(recorder.sent("DescribeInstanceInformation", account)).hasSize(3);
    assertThat(recorder.sent("SendCommand", account)).isEmpty();
  }
}
