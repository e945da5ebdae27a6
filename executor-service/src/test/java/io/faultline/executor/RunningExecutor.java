package io.faultline.executor;

import io.faultline.events.LifecycleTap;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.aws.RequestRecorder.SentRequest;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole executor on a real broker against moto, for the integration tests of its features:
 * approvals in ({@link TestFaults}), lifecycle events out, commands asserted on what was sent (moto
 * echoes every instance of a region in SendCommand responses). Each test class extending it gets an
 * executor of its own (its own consumer group), started before its tests and closed after them.
 */
public abstract class RunningExecutor {
  protected static final Duration WAIT = Duration.ofSeconds(60);
  protected static RequestRecorder recorder;
  private static AwsAccountConnector connector;
  private static Executor executor;
  protected static LifecycleTap lifecycle;
  // The executor's approvals consumer group.
  protected static String groupId;

  @BeforeAll
  protected static void start() {
    MotoAccounts.init();
    TestFaults.createTopics();
    recorder = new RequestRecorder();
    groupId = TestFaults.unique("executors");
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
                groupId,
                "it-1",
                Duration.ofSeconds(6),
                1_000,
                RunSettings.defaults()
                    .withPrecheck(RunSettings.Precheck.SKIP)
                    .withPolling(Duration.ofMillis(100), Duration.ofMillis(500))),
            connector,
            FaultRegistry.discover());
    lifecycle = new LifecycleTap();
  }

  @AfterAll
  protected static void stop() {
    lifecycle.close();
    executor.close();
    connector.close();
  }

  protected static List<SentRequest> commands(String account) {
    return recorder.sent("SendCommand", account);
  }

  @SuppressWarnings("unchecked")
  protected static Map<String, List<String>> parameters(SentRequest command) {
    return (Map<String, List<String>>) command.field("Parameters");
  }

  @SuppressWarnings("unchecked")
  protected static List<String> instanceIds(SentRequest command) {
    return (List<String>) command.field("InstanceIds");
  }
}
