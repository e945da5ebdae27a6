package io.faultline.executor.control;

import static io.faultline.events.lifecycle.LifecycleStage.ABORTED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.LifecycleTap;
import io.faultline.events.TopicTap;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.executor.AdmissionStandIn;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;

/**
 * The halt that works when Kafka does not: with the broker stopped, a tenant admin halts a running
 * fault on the executor's own HTTP port; the rollback reaches AWS while the broker is still down,
 * and once it is back the fault's ROLLING_BACK and ABORTED HALTED events and the halt's control
 * record arrive.
 */
@Tag("waits-in-pairs")
class HaltWithoutKafkaIT {
  private static ConfigurableApplicationContext executor;
  private static HaltClient client;
  // Tag-selected faults claim their instances (Spring defaults); no policy service runs here.
  private static AdmissionStandIn admission;

  @BeforeAll
  static void start() {
    MotoAccounts.init();
    TestFaults.createTopics();
    admission = new AdmissionStandIn();
    executor =
        HaltClient.executor(
            "halt-outage",
            "--faultline.security.dev-tokens.enabled=true",
            "--faultline.security.dev-tokens.secret=" + HaltClient.SECRET);
    client = HaltClient.of(executor);
  }

  @AfterAll
  static void stop() {
    if (!TestKafka.brokerListening()) {
      TestKafka.startBroker();
    }
    executor.close();
    admission.close();
  }

  @Test
  void haltsARunningFaultWhileTheBrokerIsStoppedAndPublishesTheHaltWhenItIsBack() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "halted"));
    String tenant = TestFaults.unique("acme");
    String faultId = TestFaults.unique("f-halt");
    try (LifecycleTap lifecycle = new LifecycleTap();
        TopicTap<FaultControl> controls = new TopicTap<>(Topics.FAULT_CONTROLS)) {
      TestFaults.publish(
          TestFaults.approval(
              faultId,
              tenant,
              account,
              "ec2-process-kill",
              Map.of(
                  "PROCESS_IDS",
                  "808",
                  "EC2_INSTANCE_TAG",
                  "app:halted",
                  "TOTAL_CHAOS_DURATION",
                  3600),
              false,
              ProtectedTargetGuard.none(),
              5),
          TestFaults.traceparent());
      lifecycle.awaitStage(faultId, INJECTED, Duration.ofSeconds(60));
      assertThat(rollbacks(account, faultId)).isEmpty();

      TestKafka.stopBroker();
      HaltClient.Response halted =
          client.post(
              "/api/v1/tenants/" + tenant + "/halt",
              HaltClient.admin("alice", tenant),
              "{\"reason\":\"INC-7 while Kafka is down\"}");

      assertThat(halted.status()).isEqualTo(202);
      assertThat(halted.body().path("action").asText()).isEqualTo("HALT_TENANT");
      assertThat(halted.body().path("key").asText()).isEqualTo("tenant/" + tenant);
      assertThat(halted.body().path("issuedBy").asText()).isEqualTo("user:alice");
      assertThat(halted.body().path("published").asBoolean()).isFalse();
      String controlId = halted.body().path("controlId").asText();
      // Rolled back on AWS at once, with the broker still down and nothing written yet.
      await().atMost(Duration.ofSeconds(30)).until(() -> !rollbacks(account, faultId).isEmpty());
      assertThat(TestKafka.brokerListening()).isFalse();
      assertThat(lifecycle.stages(faultId)).doesNotContain(ROLLING_BACK, ABORTED);
      assertThat(executor.getBean(Halts.class).pending()).isEqualTo(1);

      TestKafka.startBroker();
      FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(120));
      assertThat(end.stage()).isEqualTo(ABORTED);
      assertThat(end.reason()).isEqualTo(FailureReason.HALTED);
      List<FaultLifecycleEvent> events =
          lifecycle.events(faultId).stream().map(FaultlineEvent::data).toList();
      assertThat(events.stream().map(FaultLifecycleEvent::stage))
          .endsWith(INJECTED, ROLLING_BACK, ABORTED);
      assertThat(events.stream().filter(e -> e.stage().isTerminal())).hasSize(1);
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i).sequence()).isEqualTo(events.get(i - 1).sequence() + 1);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !controls.envelopes(c -> c.controlId().equals(controlId)).isEmpty());
      FaultlineEvent<FaultControl> record =
          controls.envelopes(c -> c.controlId().equals(controlId)).getFirst();
      assertThat(record.source()).hasToString("/faultline/executor-service");
      assertThat(record.data().action()).isEqualTo(ControlAction.HALT_TENANT);
      assertThat(record.data().tenantId().value()).isEqualTo(tenant);
      assertThat(record.data().issuedBy()).isEqualTo("user:alice");
      assertThat(record.data().reason()).isEqualTo("INC-7 while Kafka is down");
      assertThat(controls.read(c -> c.controlId().equals(controlId))).hasSize(1);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> executor.getBean(Halts.class).pending() == 0);

      // The halt holds here: a new approval of the tenant does not start.
      String next = TestFaults.unique("f-after");
      TestFaults.publish(
          TestFaults.approval(
              next,
              tenant,
              account,
              "ec2-process-kill",
              Map.of("PROCESS_IDS", "808", "EC2_INSTANCE_TAG", "app:halted"),
              false,
              ProtectedTargetGuard.none(),
              5),
          TestFaults.traceparent());
      FaultLifecycleEvent refused = lifecycle.awaitTerminal(next, Duration.ofSeconds(60));
      assertThat(refused.stage()).isEqualTo(LifecycleStage.ABORTED);
      assertThat(refused.reason()).isEqualTo(FailureReason.HALTED);
      assertThat(lifecycle.stages(next)).doesNotContain(LifecycleStage.STARTED);
    }
  }

  /** The rollback commands moto received for the fault (its comment names the fault). */
  private static List<Command> rollbacks(String account, String faultId) {
    try (SsmClient ssm =
        SsmClient.builder()
            .endpointOverride(MotoServer.shared().endpoint())
            .region(Region.of(MotoAccounts.REGION))
            .credentialsProvider(MotoAccounts.credentials(account))
            .build()) {
      return ssm.listCommands().commands().stream()
          .filter(c -> c.comment() != null && c.comment().contains(faultId))
          .filter(c -> c.parameters().getOrDefault("Action", List.of()).contains("rollback"))
          .toList();
    }
  }
}
