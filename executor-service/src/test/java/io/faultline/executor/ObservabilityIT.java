package io.faultline.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.LifecycleTap;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.control.ControlAction;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The deployable's traces, metrics and logs, on a real broker against moto: the span tree of a
 * fault (recorded by an in-memory exporter in place of the OTLP one), the Prometheus endpoint and
 * the JSON log lines application.yml configures.
 */
@ExtendWith(OutputCaptureExtension.class)
@Tag("waits-in-pairs")
class ObservabilityIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private static OpenTelemetrySdk sdk;
  private static ConfigurableApplicationContext context;
  private static LifecycleTap lifecycle;
  // Tag-selected faults claim their instances (Spring defaults); no policy service runs here.
  private static AdmissionStandIn admission;

  @BeforeAll
  static void start() {
    MotoAccounts.init();
    TestFaults.createTopics();
    admission = new AdmissionStandIn();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    SpringApplication app = new SpringApplication(ExecutorApplication.class);
    // Registered before the configuration is read, so the service's own SDK bean backs off.
    app.addInitializers(c -> c.getBeanFactory().registerSingleton("testOpenTelemetry", sdk));
    context =
        app.run(
            "--server.port=0",
            "--management.server.port=0",
            "--logging.config=classpath:logback-structured.xml",
            "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
            "--faultline.executor.group-id=" + TestFaults.unique("obs"),
            "--faultline.executor.executor-id=obs-1",
            "--faultline.executor.precheck.ssm-online=skip",
            "--faultline.executor.aws.endpoint=" + MotoServer.shared().endpoint(),
            "--faultline.executor.aws.max-attempts=2",
            "--faultline.executor.run.poll-initial=100ms",
            "--faultline.executor.run.poll-max=200ms");
    lifecycle = new LifecycleTap();
  }

  @AfterAll
  static void stop() {
    lifecycle.close();
    context.close();
    sdk.close();
    admission.close();
  }

  private static List<SpanData> trace(String traceId) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getTraceId().equals(traceId))
        .toList();
  }

  private static SpanData awaitExecuteSpan(String traceId) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                trace(traceId).stream()
                    .filter(s -> s.getName().equals(FaultSpans.FAULT_EXECUTE))
                    .toList(),
            list -> !list.isEmpty())
        .getFirst();
  }

  private static List<SpanData> named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).toList();
  }

  private static FaultApproved processKill(
      String faultId, String tenant, String account, String tag, Map<String, ?> extra) {
    Map<String, Object> parameters =
        new java.util.HashMap<>(
            Map.of("PROCESS_IDS", "2718", "EC2_INSTANCE_TAG", tag, "INSTANCE_AFFECTED_PERC", 100));
    parameters.putAll(extra);
    return TestFaults.approval(
        faultId,
        tenant,
        account,
        "ec2-process-kill",
        parameters,
        false,
        ProtectedTargetGuard.none(),
        10);
  }

  @Test
  void tracesAFaultAsOneTreeUnderTheApprovalsTraceContext() {
    String account = MotoAccounts.freshAccount();
    String tenant = TestFaults.unique("traced");
    MotoAccounts.runInstances(account, 2, Map.of("app", "traced"));
    String faultId = TestFaults.unique("f-traced");
    String traceparent = TestFaults.traceparent();
    String traceId = traceparent.substring(3, 35);
    String approvalSpanId = traceparent.substring(36, 52);

    TestFaults.publish(
        processKill(
            faultId,
            tenant,
            account,
            "app:traced",
            Map.of("SEQUENCE", "serial", "TOTAL_CHAOS_DURATION", 1)),
        traceparent);

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(LifecycleStage.COMPLETED);
    SpanData execute = awaitExecuteSpan(traceId);
    List<SpanData> tree = trace(traceId);

    assertThat(execute.getParentSpanId()).isEqualTo(approvalSpanId);
    assertThat(execute.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(execute.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(execute.getAttributes().asMap())
        .containsEntry(FaultSpans.TENANT_ID, tenant)
        .containsEntry(FaultSpans.FAULT_ID, faultId)
        .containsEntry(FaultSpans.FAULT_TYPE, "ec2-process-kill")
        .containsEntry(FaultSpans.CLOUD_PROVIDER, "aws")
        .containsEntry(FaultSpans.CLOUD_ACCOUNT_ID, account)
        .containsEntry(FaultSpans.CLOUD_REGION, MotoAccounts.REGION)
        .containsEntry(FaultSpans.TARGET_COUNT, 2L)
        .containsEntry(FaultSpans.DRY_RUN, false)
        .containsEntry(FaultSpans.MESSAGING_DESTINATION, Topics.FAULT_APPROVALS.name())
        .containsEntry(FaultSpans.LIFECYCLE_STAGE, "COMPLETED");
    assertThat(tree)
        .filteredOn(s -> s != execute)
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(execute.getSpanId()))
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            FaultSpans.ASSUME_ROLE,
            FaultSpans.RESOLVE_TARGETS,
            FaultSpans.PRE_CHECK,
            FaultSpans.CLAIM_TARGETS,
            FaultSpans.RAMP,
            FaultSpans.INJECT,
            FaultSpans.HOLD,
            FaultSpans.ROLLBACK,
            FaultSpans.VERIFY,
            FaultSpans.INJECT,
            FaultSpans.HOLD,
            FaultSpans.ROLLBACK,
            FaultSpans.VERIFY,
            FaultSpans.RAMP);

    SpanData assumeRole = named(tree, FaultSpans.ASSUME_ROLE).getFirst();
    assertThat(assumeRole.getAttributes().asMap())
        .containsEntry(FaultSpans.RPC_SYSTEM, "aws-api")
        .containsEntry(FaultSpans.RPC_SERVICE, "STS")
        .containsEntry(FaultSpans.RPC_METHOD, "AssumeRole");
    assertThat(named(tree, FaultSpans.RESOLVE_TARGETS).getFirst().getAttributes().asMap())
        .containsEntry(FaultSpans.TARGET_COUNT, 2L);

    List<String> injectCommands =
        lifecycle.awaitStage(faultId, LifecycleStage.INJECTED, WAIT).ssmCommandIds();
    List<SpanData> injects = named(tree, FaultSpans.INJECT);
    List<SpanData> rollbacks = named(tree, FaultSpans.ROLLBACK);
    // Serial: INJECTED is out once the first host is injected, naming that command only.
    assertThat(injectCommands)
        .containsExactly(
            injects.stream()
                .min(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos))
                .orElseThrow()
                .getAttributes()
                .get(FaultSpans.SSM_COMMAND_ID));
    assertThat(java.util.stream.Stream.concat(injects.stream(), rollbacks.stream()))
        .extracting(s -> s.getAttributes().get(FaultSpans.SSM_COMMAND_ID))
        .containsExactlyInAnyOrderElementsOf(end.ssmCommandIds());
    assertThat(injects)
        .hasSize(2)
        .allSatisfy(
            s -> {
              assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
              assertThat(s.getAttributes().asMap())
                  .containsEntry(FaultSpans.RPC_SYSTEM, "aws-api")
                  .containsEntry(FaultSpans.RPC_SERVICE, "SSM")
                  .containsEntry(FaultSpans.RPC_METHOD, "SendCommand")
                  .containsEntry(FaultSpans.TARGET_COUNT, 1L);
            });
    // Serial: each host's inject, hold, rollback and verify end before the next host's inject.
    List<SpanData> steps =
        tree.stream()
            .filter(
                s ->
                    List.of(
                            FaultSpans.INJECT,
                            FaultSpans.HOLD,
                            FaultSpans.ROLLBACK,
                            FaultSpans.VERIFY)
                        .contains(s.getName()))
            .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos))
            .toList();
    assertThat(steps)
        .extracting(SpanData::getName)
        .containsExactly(
            FaultSpans.INJECT,
            FaultSpans.HOLD,
            FaultSpans.ROLLBACK,
            FaultSpans.VERIFY,
            FaultSpans.INJECT,
            FaultSpans.HOLD,
            FaultSpans.ROLLBACK,
            FaultSpans.VERIFY);
    for (int i = 1; i < steps.size(); i++) {
      assertThat(steps.get(i).getStartEpochNanos())
          .isGreaterThanOrEqualTo(steps.get(i - 1).getEndEpochNanos());
    }
    assertThat(tree)
        .allSatisfy(
            s -> assertThat(s.getEndEpochNanos()).isLessThanOrEqualTo(execute.getEndEpochNanos()));

    assertThat(lifecycle.events(faultId))
        .hasSize(5)
        .allSatisfy(
            e -> {
              assertThat(e.traceparent()).startsWith("00-" + traceId + "-" + execute.getSpanId());
              assertThat(e.data().traceId()).isEqualTo(traceId);
            });
  }

  @Test
  void endsAFailedFaultsSpansWithErrorAndTheReason() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "elsewhere"));
    String faultId = TestFaults.unique("f-untargeted");
    String traceparent = TestFaults.traceparent();
    String traceId = traceparent.substring(3, 35);

    TestFaults.publish(
        processKill(faultId, TestFaults.unique("failing"), account, "app:nowhere", Map.of()),
        traceparent);

    assertThat(lifecycle.awaitTerminal(faultId, WAIT).stage()).isEqualTo(LifecycleStage.FAILED);
    SpanData execute = awaitExecuteSpan(traceId);
    assertThat(execute.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(execute.getAttributes().asMap())
        .containsEntry(FaultSpans.REASON_CODE, "TARGET_SELECTION")
        .containsEntry(FaultSpans.LIFECYCLE_STAGE, "FAILED");
    List<SpanData> tree = trace(traceId);
    assertThat(tree)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            FaultSpans.FAULT_EXECUTE, FaultSpans.ASSUME_ROLE, FaultSpans.RESOLVE_TARGETS);
    SpanData resolve = named(tree, FaultSpans.RESOLVE_TARGETS).getFirst();
    assertThat(resolve.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(resolve.getAttributes().get(FaultSpans.REASON_CODE)).isEqualTo("TARGET_SELECTION");
    assertThat(named(tree, FaultSpans.ASSUME_ROLE).getFirst().getStatus().getStatusCode())
        .isEqualTo(StatusCode.UNSET);
  }

  @Test
  void startsANewTraceForAnUntracedApproval() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "untraced"));
    String faultId = TestFaults.unique("f-untraced");
    FaultApproved dryRun =
        TestFaults.approval(
            faultId,
            TestFaults.unique("untraced"),
            account,
            "ec2-process-kill",
            Map.of("PROCESS_IDS", "7", "EC2_INSTANCE_TAG", "app:untraced"),
            true,
            ProtectedTargetGuard.none(),
            10);

    TestFaults.publish(dryRun, null);

    assertThat(lifecycle.awaitTerminal(faultId, WAIT).stage()).isEqualTo(LifecycleStage.COMPLETED);
    List<FaultlineEvent<FaultLifecycleEvent>> events = lifecycle.events(faultId);
    String traceparent = events.getFirst().traceparent();
    assertThat(traceparent).matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$");
    assertThat(events).allSatisfy(e -> assertThat(e.traceparent()).isEqualTo(traceparent));
    String traceId = traceparent.substring(3, 35);
    SpanData execute = awaitExecuteSpan(traceId);
    assertThat(execute.getParentSpanContext().isValid()).as("fault.execute is the root").isFalse();
    assertThat(execute.getSpanId()).isEqualTo(traceparent.substring(36, 52));
    assertThat(execute.getAttributes().get(FaultSpans.DRY_RUN)).isTrue();
    assertThat(trace(traceId))
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            FaultSpans.FAULT_EXECUTE,
            FaultSpans.ASSUME_ROLE,
            FaultSpans.RESOLVE_TARGETS,
            FaultSpans.PRE_CHECK);
  }

  @Test
  void exposesFaultAwsAndConsumerLagMetricsOnThePrometheusEndpoint() throws Exception {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "metered"));
    String tenant = TestFaults.unique("metered");
    String faultId = TestFaults.unique("f-metered");
    FaultApproved approval =
        processKill(faultId, tenant, account, "app:metered", Map.of("TOTAL_CHAOS_DURATION", 3600));
    String active =
        "faultline_executor_active_faults{fault_type=\"ec2-process-kill\",tenant=\""
            + tenant
            + "\"}";

    TestFaults.publish(approval, TestFaults.traceparent());
    lifecycle.awaitStage(faultId, LifecycleStage.INJECTED, WAIT);
    assertThat(sample(prometheus(), active)).isEqualTo(1.0);

    TestFaults.control(ControlAction.ABORT_FAULT, approval.tenantId(), approval.faultId());
    assertThat(lifecycle.awaitTerminal(faultId, WAIT).stage()).isEqualTo(LifecycleStage.ABORTED);

    // The terminal event is committed before the gauge and counter change: they follow shortly.
    String finished =
        "faultline_executor_faults_finished_total{fault_type=\"ec2-process-kill\","
            + "reason=\"ABORTED\",stage=\"ABORTED\",tenant=\""
            + tenant
            + "\"}";
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              String now = prometheus();
              assertThat(sample(now, active)).isEqualTo(0.0);
              assertThat(sample(now, finished)).isEqualTo(1.0);
            });
    String scrape = prometheus();
    // Nothing waits at either gate with one fault: the gauges are exposed, and read zero.
    assertThat(sample(scrape, "faultline_executor_faults_waiting{gate=\"start\"}")).isEqualTo(0.0);
    assertThat(sample(scrape, "faultline_executor_faults_waiting{gate=\"rollback\"}"))
        .isEqualTo(0.0);
    assertThat(
            sample(
                scrape,
                "faultline_executor_phase_duration_seconds_count{fault_type=\"ec2-process-kill\","
                    + "outcome=\"ok\",phase=\"inject\"}"))
        .isGreaterThanOrEqualTo(1.0);
    assertThat(scrape)
        .contains("faultline_executor_phase_duration_seconds_bucket{")
        .containsPattern(
            "faultline_executor_phase_duration_seconds_count\\{[^}]*phase=\"assume-role\"");
    assertThat(
            sample(
                scrape,
                "faultline_aws_calls_total{operation=\"SendCommand\",outcome=\"success\","
                    + "service=\"SSM\"}"))
        .isGreaterThanOrEqualTo(2.0);
    assertThat(scrape)
        .containsPattern(
            "faultline_aws_calls_total\\{operation=\"AssumeRole\",outcome=\"success\",service=\"STS\"\\}")
        // moto answers DescribeDocument for a version that does not exist yet with a 400.
        .containsPattern(
            "faultline_aws_calls_total\\{operation=\"DescribeDocument\",outcome=\"error\",service=\"SSM\"\\}")
        .containsPattern(
            "faultline_aws_call_duration_seconds_count\\{operation=\"GetCommandInvocation\",service=\"SSM\"\\}")
        .containsPattern(
            "kafka_consumer_fetch_manager_records_lag_max\\{[^}]*consumer=\"approvals\"")
        .containsPattern(
            "kafka_consumer_fetch_manager_records_lag_max\\{[^}]*consumer=\"controls\"");
    // The fault's five events and its INJECTING intent each waited for a ledger commit.
    assertThat(sample(scrape, "faultline_executor_ledger_write_wait_seconds_count"))
        .isGreaterThanOrEqualTo(6.0);
    assertThat(
            sample(
                scrape,
                "faultline_executor_ledger_transactions_seconds_count{kind=\"writes\","
                    + "outcome=\"committed\"}"))
        .isGreaterThanOrEqualTo(1.0);
    assertThat(sample(scrape, "faultline_executor_ledger_batch_writes_sum"))
        .isGreaterThanOrEqualTo(6.0);
  }

  @Test
  void writesEachPerFaultLogLineAsJsonWithTraceSpanTenantAndFault(CapturedOutput output)
      throws IOException {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "logged"));
    String tenant = TestFaults.unique("logged");
    String faultId = TestFaults.unique("f-logged");
    String traceparent = TestFaults.traceparent();
    String traceId = traceparent.substring(3, 35);

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            tenant,
            account,
            "ec2-process-kill",
            Map.of("PROCESS_IDS", "3", "EC2_INSTANCE_TAG", "app:logged"),
            true,
            ProtectedTargetGuard.none(),
            10),
        traceparent);
    lifecycle.awaitTerminal(faultId, WAIT);
    SpanData execute = awaitExecuteSpan(traceId);

    List<JsonNode> lines =
        await()
            .atMost(Duration.ofSeconds(10))
            // The terminal line is logged after its event is committed, so wait for it too.
            .until(
                () -> linesAbout(output, faultId),
                found ->
                    found.stream()
                        .anyMatch(l -> l.path("message").asText().endsWith("COMPLETED (seq 4)")));
    Set<String> messages = new HashSet<>();
    for (JsonNode line : lines) {
      messages.add(line.path("message").asText());
      assertThat(line.path("trace_id").asText()).isEqualTo(traceId);
      assertThat(line.path("span_id").asText()).matches("^[0-9a-f]{16}$");
      assertThat(line.path("tenant_id").asText()).isEqualTo(tenant);
      assertThat(line.path("fault_id").asText()).isEqualTo(faultId);
      assertThat(line.path("log").path("level").asText()).isNotEmpty();
    }
    assertThat(messages)
        .contains(
            "fault " + faultId + " STARTED (seq 2)",
            "fault " + faultId + " TARGETS_RESOLVED (seq 3)",
            "fault " + faultId + " COMPLETED (seq 4)");
    assertThat(lines)
        .filteredOn(l -> l.path("message").asText().endsWith("STARTED (seq 2)"))
        .singleElement()
        .satisfies(l -> assertThat(l.path("span_id").asText()).isEqualTo(execute.getSpanId()));
  }

  /** Every output line that names the fault; each must be a JSON object. */
  private static List<JsonNode> linesAbout(CapturedOutput output, String faultId)
      throws IOException {
    List<JsonNode> found = new java.util.ArrayList<>();
    for (String line : output.getOut().split("\\R")) {
      if (line.contains(faultId)) {
        found.add(Json.mapper().readTree(line));
      }
    }
    return found;
  }

  private static String prometheus() throws IOException, InterruptedException {
    String port = context.getEnvironment().getProperty("local.management.port");
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    }
  }

  /** The value of one sample, by its full name and labels as Prometheus writes them. */
  private static double sample(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
    assertThat(m.find())
        .as(
            "%s in the scrape; series of that name:%n%s",
            series,
            scrape.lines().filter(l -> l.startsWith(name)).collect(Collectors.joining("\n")))
        .isTrue();
    return Double.parseDouble(m.group(1));
  }
}
