package io.faultline.executor.probe;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.TenantId;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.probe.CloudWatchAlarmSettings;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.WatchPhase;
import io.faultline.events.topics.Topics;
import io.faultline.executor.Executor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.CloudWatchJsonBridge;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * What the run-watch ITs share: moto's CloudWatch behind the bridge (topics and moto accounts
 * ready), the executor's settings and connector for it, the tenants' alarms, and the scheduler's
 * watches published as the scheduler writes them.
 */
final class WatchRig implements AutoCloseable {
  private static final URI SCHEDULER = URI.create("/faultline/scheduler-service");

  private final String setBy;
  private final CloudWatchJsonBridge bridge;

  /**
   * @param setBy who sets the alarms (their state reason)
   */
  WatchRig(String setBy) {
    this.setBy = setBy;
    MotoAccounts.init();
    TestFaults.createTopics();
    this.bridge = new CloudWatchJsonBridge(MotoServer.shared().endpoint());
  }

  /** The AWS endpoint every executor of the test is given: moto behind the CloudWatch bridge. */
  URI awsEndpoint() {
    return bridge.endpoint();
  }

  /** A connector to {@link #awsEndpoint()} that records what it sends in {@code recorder}. */
  AwsAccountConnector connector(RequestRecorder recorder) {
    return new AwsAccountConnector(
        AwsSettings.defaults()
            .withEndpoint(bridge.endpoint())
            .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
        recorder);
  }

  /**
   * A process kill held for an hour on a fresh account's one instance tagged {@code app:<app>}, of
   * a fresh tenant (prefix {@code tenantPrefix}) whose policy allows it, approved and published;
   * the alarm its watch will read is created in the account, {@code OK}.
   */
  record HeldFault(
      String account, String tenant, String alarm, String faultId, FaultApproved approval) {}

  HeldFault publishHeldFault(String app, String processId, String tenantPrefix) {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", app));
    String tenant = TestFaults.unique(tenantPrefix);
    TestFaults.publishPolicy(TenantId.of(tenant), account, 1, ProtectedTargets.none());
    String alarm = TestFaults.unique("api-5xx");
    setAlarm(account, alarm, StateValue.OK);
    String faultId = TestFaults.unique("f-watched");
    FaultApproved approval =
        TestFaults.approval(
            faultId,
            tenant,
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                processId,
                "EC2_INSTANCE_TAG",
                "app:" + app,
                "TOTAL_CHAOS_DURATION",
                3600),
            false,
            ProtectedTargetGuard.none(),
            10);
    TestFaults.publish(approval, TestFaults.traceparent());
    return new HeldFault(account, tenant, alarm, faultId, approval);
  }

  /** An executor in {@code group} watching runs in the default group (no SSM pre-check in moto). */
  static Executor.Config executor(String group, String executorId) {
    return new Executor.Config(
        TestKafka.bootstrapServers(),
        group,
        executorId,
        Duration.ofSeconds(6),
        1_000,
        RunSettings.defaults()
            .withPrecheck(RunSettings.Precheck.SKIP)
            .withPolling(Duration.ofMillis(100), Duration.ofMillis(500)));
  }

  static ProbeDefinition alarmProbe(String name, String account, String alarm) {
    return ProbeDefinition.of(
            name,
            new CloudWatchAlarmSettings(
                alarm, AccountId.of(account), AwsRegion.of(MotoAccounts.REGION)))
        .withInterval(1);
  }

  /** The watch of {@code approval}'s run in {@code phase}, revision 1, wave 1. */
  static RunWatch watch(
      FaultApproved approval,
      WatchPhase phase,
      List<ProbeDefinition> steady,
      List<ProbeDefinition> stops) {
    return new RunWatch(
        approval.tenantId(),
        approval.runId(),
        approval.experimentId(),
        steady,
        stops,
        phase,
        1,
        null,
        1,
        Instant.now());
  }

  /** Publishes {@code watch} as the scheduler does. */
  static void publish(RunWatch watch) {
    TestFaults.send(
        EventCodec.standard().encode(Topics.RUN_WATCHES, FaultlineEvent.of(SCHEDULER, watch)));
  }

  /** Creates the alarm in the account's moto state (if needed) and sets its state. */
  void setAlarm(String account, String alarm, StateValue state) {
    try (CloudWatchClient cloudWatch =
        CloudWatchClient.builder()
            .endpointOverride(bridge.endpoint())
            .region(Region.of(MotoAccounts.REGION))
            .credentialsProvider(MotoAccounts.credentials(account))
            .build()) {
      cloudWatch.putMetricAlarm(
          b ->
              b.alarmName(alarm)
                  .namespace("Faultline/Test")
                  .metricName("Errors")
                  .statistic(Statistic.SUM)
                  .period(60)
                  .evaluationPeriods(1)
                  .threshold(1.0)
                  .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
      cloudWatch.setAlarmState(
          b -> b.alarmName(alarm).stateValue(state).stateReason("set by " + setBy));
    }
  }

  @Override
  public void close() {
    bridge.close();
  }
}
