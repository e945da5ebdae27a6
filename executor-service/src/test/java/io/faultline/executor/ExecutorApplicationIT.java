package io.faultline.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.LifecycleTap;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The deployable as configured by properties: binds every setting and runs a dry-run fault. */
class ExecutorApplicationIT {
  private static ConfigurableApplicationContext context;

  @BeforeAll
  static void start() {
    MotoAccounts.init();
    TestFaults.createTopics();
    context =
        SpringApplication.run(
            ExecutorApplication.class,
            "--server.port=0",
            "--management.server.port=0",
            "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
            "--faultline.executor.group-id=" + TestFaults.unique("app"),
            "--faultline.executor.executor-id=app-1",
            "--faultline.executor.precheck.ssm-online=skip",
            "--faultline.executor.aws.endpoint=" + MotoServer.shared().endpoint(),
            "--faultline.executor.aws.max-attempts=2",
            "--faultline.executor.run.poll-initial=100ms",
            "--faultline.executor.heartbeat-interval=1s",
            // otel.* Spring properties reach the SDK's autoconfigure (OTEL_* variables win).
            "--otel.traces.exporter=none");
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  @Test
  void bindsItsSettingsAndRunsAFaultFromProperties() {
    ExecutorSettings settings = context.getBean(ExecutorSettings.class);
    assertThat(settings.precheck().ssmOnline()).isEqualTo("skip");
    assertThat(settings.aws().maxAttempts()).isEqualTo(2);
    assertThat(settings.aws().ssmCallsPerSecond()).isEqualTo(20);
    assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(context.getBean(Executor.class).id()).matches("app-1-[a-z2-9]{6}");
    assertThat(context.getBean(OpenTelemetry.class))
        .isInstanceOfSatisfying(
            OpenTelemetrySdk.class,
            sdk ->
                assertThat(sdk.getSdkTracerProvider().toString())
                    .contains("executor-service")
                    .doesNotContain("OtlpHttpSpanExporter"));

    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "boot"));
    String faultId = TestFaults.unique("f-boot");
    try (LifecycleTap lifecycle = new LifecycleTap()) {
      TestFaults.publish(
          TestFaults.approval(
              faultId,
              TestFaults.unique("boot"),
              account,
              "ec2-process-kill",
              Map.of("PROCESS_IDS", "808", "EC2_INSTANCE_TAG", "app:boot"),
              true,
              ProtectedTargetGuard.none(),
              5),
          TestFaults.traceparent());

      assertThat(lifecycle.awaitTerminal(faultId, Duration.ofSeconds(60)).stage())
          .isEqualTo(LifecycleStage.COMPLETED);
    }
  }

  @Test
  void readinessReportsTheKafkaReaders() throws Exception {
    String port = context.getEnvironment().getProperty("local.management.port");
    java.net.http.HttpResponse<String> readiness =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://localhost:" + port + "/actuator/health/readiness"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(readiness.body())
        .contains("\"kafkaReaders\"")
        .contains("\"controls\":\"running\"")
        .contains("\"approvals\":\"running\"");
  }
}
