package io.faultline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.events.LifecycleTap;
import io.faultline.events.client.FaultRequestPublisher;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.local.MotoAccount;
import io.faultline.local.Prometheus;
import io.faultline.local.SchedulerApi;
import io.faultline.telemetry.FaultlineOpenTelemetry;
import io.faultline.testsupport.MotoServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults run through the real scheduler, policy and executor services (boot jars in child JVMs) on
 * a real broker, moto and Zipkin; each fault's trace is then read back from Zipkin's HTTP API and
 * its span tree asserted: names, parent links, one trace id (also on every lifecycle event),
 * attributes; and each service's Prometheus endpoint is scraped for the fault's metrics. The tree
 * is described in this module's README.
 */
class EndToEndIT {
  private static final String TEST_SERVICE = "e2e-tests";
  private static final String TEST_SPAN = "e2e.request-fault";
  private static final String RUN_NOW_SPAN = "e2e.run-now";
  private static final String PUBLISH_SPAN = Topics.FAULT_REQUESTS.name() + " publish";
  private static final Duration FAULT_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration TRACE_TIMEOUT = Duration.ofSeconds(20);

  /** The phase spans a completed process kill must have under fault.execute. */
  private static final Set<String> REQUIRED_PHASES =
      Set.of(
          FaultSpans.ASSUME_ROLE,
          FaultSpans.RESOLVE_TARGETS,
          FaultSpans.INJECT,
          FaultSpans.HOLD,
          FaultSpans.ROLLBACK);

  /** Every span name fault.execute may have as a direct child. */
  private static final Set<String> PHASES =
      Set.of(
          FaultSpans.ASSUME_ROLE,
          FaultSpans.RESOLVE_TARGETS,
          FaultSpans.PRE_CHECK,
          FaultSpans.CLAIM_TARGETS,
          FaultSpans.RAMP,
          FaultSpans.INJECT,
          FaultSpans.HOLD,
          FaultSpans.ROLLBACK,
          FaultSpans.VERIFY);

  private static Platform platform;
  private static LifecycleTap lifecycle;
  private static OpenTelemetrySdk publisherTelemetry;

  @BeforeAll
  static void startPlatform() {
    platform = Platform.start();
    lifecycle = new LifecycleTap(platform.bootstrapServers());
    // The test is a publishing platform with its own SDK, configured like any other: to Zipkin.
    publisherTelemetry =
        FaultlineOpenTelemetry.autoConfigured(
            TEST_SERVICE,
            Map.of(
                "otel.traces.exporter", "zipkin",
                "otel.exporter.zipkin.endpoint", Platform.zipkin().spansEndpoint().toString(),
                "otel.bsp.schedule.delay", "200"));
  }

  @AfterAll
  static void stopPlatform() {
    if (publisherTelemetry != null) {
      publisherTelemetry.close();
    }
    if (lifecycle != null) {
      lifecycle.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void aTracedPublishersFaultIsOneTraceFromItsSpanThroughPolicyAndExecutor() throws Exception {
    E2eTenant tenant = registeredTenant("traced");
    String faultId = "f-traced-" + UUID.randomUUID();

    String traceId = publishTraced(tenant, tenant.processKill(faultId));

    List<FaultlineEvent<FaultLifecycleEvent>> events = awaitCompleted(faultId);
    assertOneTraceOnEveryEvent(events, traceId);

    ZipkinTrace trace =
        awaitTrace(
            traceId,
            t -> {
              ZipkinTrace.Span root = t.single(TEST_SPAN);
              assertThat(root.serviceName()).isEqualTo(TEST_SERVICE);
              assertThat(t.roots()).as("roots of %s", t.outline()).containsExactly(root);
              ZipkinTrace.Span publish = t.single(PUBLISH_SPAN);
              assertThat(publish.serviceName()).isEqualTo(TEST_SERVICE);
              assertThat(publish.kind()).isEqualTo("PRODUCER");
              assertThat(publish.parentId()).isEqualTo(root.id());
              ZipkinTrace.Span decide = t.single(FaultSpans.POLICY_DECIDE);
              assertThat(decide.parentId())
                  .as("policy.decide continues the publisher's trace: %s", t.outline())
                  .isEqualTo(publish.id());
              assertApprovedFaultTree(t, tenant, faultId, events);
            });
    System.out.println("trace of " + faultId + " (traced publisher):" + trace.outline());
  }

  @Test
  void anUntracedRequestStartsItsTraceAtThePolicyDecision() throws Exception {
    E2eTenant tenant = registeredTenant("untraced");
    String faultId = "f-untraced-" + UUID.randomUUID();
    ProducerRecord<String, byte[]> record =
        EventCodec.standard()
            .encode(
                Topics.FAULT_REQUESTS,
                FaultlineEvent.of(
                    faultId, URI.create("/e2e-tests/untraced"), tenant.processKill(faultId), null));
    // A plain Kafka client, no trace context at all.
    record.headers().remove(EventCodec.TRACEPARENT_EXTENSION);
    record.headers().remove("ce_" + EventCodec.TRACEPARENT_EXTENSION);
    record.headers().remove("tracestate");
    tenant.signer().sign(record, tenant.tenantId().value());
    platform.producer().send(record).get(30, TimeUnit.SECONDS);

    List<FaultlineEvent<FaultLifecycleEvent>> events = awaitCompleted(faultId);
    assertThat(events)
        .as("every lifecycle event carries the trace the platform started")
        .allSatisfy(e -> assertThat(TraceContexts.isValid(e.traceparent())).isTrue());
    String traceId = TraceContexts.traceId(events.get(0).traceparent()).orElseThrow();
    assertOneTraceOnEveryEvent(events, traceId);

    ZipkinTrace trace =
        awaitTrace(
            traceId,
            t -> {
              ZipkinTrace.Span decide = t.single(FaultSpans.POLICY_DECIDE);
              assertThat(t.roots())
                  .as("policy.decide is the root of an untraced request's trace: %s", t.outline())
                  .containsExactly(decide);
              assertThat(t.spans()).noneMatch(s -> s.serviceName().equals(TEST_SERVICE));
              assertApprovedFaultTree(t, tenant, faultId, events);
            });
    System.out.println("trace of " + faultId + " (untraced publisher):" + trace.outline());
  }

  @Test
  void aRejectedRequestEndsItsTraceAtTheDecisionWithTheReason() throws Exception {
    E2eTenant tenant = registeredTenant("rejected");
    String faultId = "f-rejected-" + UUID.randomUUID();
    String foreignAccount =
        MotoAccount.fresh(MotoServer.shared().endpoint(), Platform.REGION).accountId();

    String traceId = publishTraced(tenant, tenant.processKill(faultId, foreignAccount));

    List<FaultlineEvent<FaultLifecycleEvent>> events = lifecycle.awaitEnd(faultId, FAULT_TIMEOUT);
    assertThat(events)
        .extracting(e -> e.data().stage())
        .as("%s", platformLogsOnFailure())
        .containsExactly(LifecycleStage.REJECTED);
    FaultLifecycleEvent rejected = events.get(0).data();
    assertThat(rejected.reason()).isEqualTo(FailureReason.POLICY_RULE);
    assertThat(rejected.rules())
        .filteredOn(r -> !r.passed())
        .extracting(RuleOutcome::code)
        .contains(RuleCode.ACCOUNT_NOT_OWNED);
    assertOneTraceOnEveryEvent(events, traceId);

    awaitTrace(
        traceId,
        t -> {
          ZipkinTrace.Span decide = t.single(FaultSpans.POLICY_DECIDE);
          assertThat(decide.parentId()).isEqualTo(t.single(PUBLISH_SPAN).id());
          assertThat(decide.serviceName()).isEqualTo("policy-service");
          assertThat(decide.tags())
              .containsEntry(FaultSpans.TENANT_ID.getKey(), tenant.tenantId().value())
              .containsEntry(FaultSpans.FAULT_ID.getKey(), faultId)
              .containsEntry(FaultSpans.CLOUD_ACCOUNT_ID.getKey(), foreignAccount)
              .containsEntry(FaultSpans.DECISION.getKey(), "REJECTED")
              .containsEntry(FaultSpans.REASON_CODE.getKey(), RuleCode.ACCOUNT_NOT_OWNED.name());
          assertThat(t.named(FaultSpans.FAULT_EXECUTE)).isEmpty();
          assertThat(spanIdOf(events.get(0).traceparent()))
              .as("the REJECTED event carries policy.decide's context")
              .isEqualTo(decide.id());
        });
  }

  @Test
  void aRunStartedThroughTheSchedulerIsOneTraceFromTheCallerThroughEveryService() {
    E2eTenant tenant = E2eTenant.create("scheduled");
    SchedulerApi api = registeredThroughScheduler(tenant);
    String experimentId = api.createExperiment(experiment(tenant));

    Span span =
        publisherTelemetry.getTracer("io.faultline.e2e").spanBuilder(RUN_NOW_SPAN).startSpan();
    String runId;
    try {
      runId = api.runNow(experimentId, TraceContexts.traceparentOf(span));
    } finally {
      span.end();
    }
    publisherTelemetry.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
    String traceId = span.getSpanContext().getTraceId();
    String faultId = firstFaultOf(runId);

    List<FaultlineEvent<FaultLifecycleEvent>> events = awaitCompleted(faultId);
    assertOneTraceOnEveryEvent(events, traceId);

    ZipkinTrace trace =
        awaitTrace(
            traceId,
            t -> {
              ZipkinTrace.Span root = t.single(RUN_NOW_SPAN);
              assertThat(t.roots()).as("roots of %s", t.outline()).containsExactly(root);
              ZipkinTrace.Span publish = t.single(FaultSpans.SCHEDULER_PUBLISH);
              assertThat(publish.serviceName()).isEqualTo("scheduler-service");
              assertThat(publish.kind()).isEqualTo("PRODUCER");
              assertThat(publish.parentId())
                  .as("scheduler.publish continues the API caller's trace: %s", t.outline())
                  .isEqualTo(root.id());
              assertThat(publish.tags())
                  .containsEntry(FaultSpans.TENANT_ID.getKey(), tenant.tenantId().value())
                  .containsEntry(FaultSpans.FAULT_ID.getKey(), faultId)
                  .containsEntry(FaultSpans.RUN_ID.getKey(), runId);
              assertThat(t.single(FaultSpans.POLICY_DECIDE).parentId())
                  .as("policy.decide continues the scheduler's publication: %s", t.outline())
                  .isEqualTo(publish.id());
              assertApprovedFaultTree(t, tenant, faultId, events);
            });
    System.out.println("trace of " + faultId + " (scheduler run now):" + trace.outline());
  }

  @Test
  void everyServiceExposesTheFaultsMetricsOnPrometheusAfterAFaultRan() {
    E2eTenant tenant = E2eTenant.create("metrics");
    SchedulerApi api = registeredThroughScheduler(tenant);
    String runId = api.runNow(api.createExperiment(experiment(tenant)), null);
    awaitCompleted(firstFaultOf(runId));
    String tenantId = tenant.tenantId().value();
    String faultType = E2eTenant.PROCESS_KILL.value();

    await("the fault's metrics on every service's Prometheus endpoint")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              Prometheus policy = platform.scrape("policy-service");
              assertCounted(
                  policy,
                  "faultline_policy_decisions_total",
                  Map.of("outcome", "approved", "reason", "none", "tenant", tenantId));
              assertCounted(policy, "faultline_policy_decision_latency_seconds_count", Map.of());
              assertPresent(policy, "faultline_policy_active_leases");

              Prometheus executor = platform.scrape("executor-service");
              assertCounted(
                  executor,
                  "faultline_executor_faults_finished_total",
                  Map.of("fault_type", faultType, "tenant", tenantId, "stage", "COMPLETED"));
              assertCounted(
                  executor,
                  "faultline_executor_phase_duration_seconds_count",
                  Map.of("fault_type", faultType, "outcome", "ok"));
              assertCounted(
                  executor,
                  "faultline_aws_calls_total",
                  Map.of("service", "SSM", "operation", "SendCommand", "outcome", "success"));
              assertCounted(
                  executor,
                  "faultline_aws_call_duration_seconds_count",
                  Map.of("operation", "SendCommand"));
              assertPresent(executor, "faultline_executor_active_faults");

              Prometheus scheduler = platform.scrape("scheduler-service");
              assertCounted(
                  scheduler,
                  "faultline_scheduler_requests_published_total",
                  Map.of("tenant", tenantId));
              assertCounted(
                  scheduler, "faultline_scheduler_runs_total", Map.of("tenant", tenantId));

              for (Prometheus service : List.of(policy, executor, scheduler)) {
                assertPresent(service, "kafka_consumer_fetch_manager_records_lag_max");
              }
            });
  }

  private static void assertCounted(Prometheus scrape, String metric, Map<String, String> labels) {
    assertThat(scrape.find(metric, labels))
        .as("%s%s", metric, labels)
        .isNotEmpty()
        .anySatisfy(s -> assertThat(s.value()).isPositive());
  }

  private static void assertPresent(Prometheus scrape, String metric) {
    assertThat(scrape.find(metric, Map.of())).as(metric).isNotEmpty();
  }

  /**
   * A non-Java publisher with librdkafka's defaults batches up to 1,000,000 bytes; the topic must
   * take such batches (a smaller max.message.bytes refuses the whole burst), and every request is
   * decided. The tenant is unknown, so each is rejected (which is a decision).
   */
  @Test
  void everyRequestOfAKcatBurstWithItsDefaultSettingsIsDecided() throws Exception {
    int count = 3_000;
    String prefix = "f-burst-" + UUID.randomUUID().toString().substring(0, 8);
    ProcessBuilder builder =
        new ProcessBuilder(
                "bash",
                java.nio.file.Path.of("..", "docs", "examples", "kcat-publish-burst.sh").toString())
            .redirectErrorStream(true);
    builder
        .environment()
        .putAll(
            Map.of(
                "BOOTSTRAP",
                platform.bootstrapServers(),
                "TENANT",
                "burst-" + UUID.randomUUID().toString().substring(0, 8),
                "COUNT",
                Integer.toString(count),
                "PREFIX",
                prefix));
    Process kcat = builder.start();
    String output = new String(kcat.getInputStream().readAllBytes());
    assertThat(kcat.waitFor(120, TimeUnit.SECONDS)).as("kcat finished").isTrue();
    assertThat(kcat.exitValue()).as("kcat exit status; output: %s", output).isZero();

    List<String> ids =
        java.util.stream.IntStream.rangeClosed(1, count).mapToObj(i -> prefix + "-" + i).toList();
    lifecycle.awaitAllEnded(ids, Duration.ofSeconds(180));
    assertThat(ids)
        .allSatisfy(
            id ->
                assertThat(lifecycle.events(id))
                    .extracting(e -> e.data().stage())
                    .containsExactly(LifecycleStage.REJECTED));
  }

  /**
   * Registers the tenant's account and policy through the scheduler's API, as its admin would, and
   * waits until the policy service has the policy; returns the admin's API client.
   */
  private static SchedulerApi registeredThroughScheduler(E2eTenant tenant) {
    SchedulerApi api =
        SchedulerApi.admin(platform.schedulerUri(), tenant.tenantId().value(), "e2e-tests");
    MotoAccount account = tenant.account();
    api.registerAccount(account.accountId(), account.roleArn(), account.region());
    Map<TopicPartition, Long> before = platform.policyEnds();
    api.putPolicy(policyDocument(tenant));
    platform.awaitPolicyConsumed(before, tenant.tenantId().value());
    return api;
  }

  /** One wave, one target: the tenant's instance, killed for a second. */
  private static Map<String, Object> experiment(E2eTenant tenant) {
    MotoAccount account = tenant.account();
    return Map.of(
        "name", "e2e through the scheduler",
        "faultType", E2eTenant.PROCESS_KILL.value(),
        "parameters", tenant.processKill("unused").parameters().asMap(),
        "hypothesis", "the fault is one trace from the caller to the last phase",
        "targets", List.of(Map.of("accountId", account.accountId(), "region", account.region())));
  }

  /** The scheduler's fault ids are {@code <run id>.w<wave>.t<target>}. */
  private static String firstFaultOf(String runId) {
    return runId + ".w0.t0";
  }

  /** The tenant's policy as the scheduler's API takes it: without the fields the platform sets. */
  private static ObjectNode policyDocument(E2eTenant tenant) {
    ObjectNode document = Json.mapper().valueToTree(tenant.policy());
    document.remove(
        List.of("tenantId", "revision", "accounts", "updatedAt", "updatedBy", "publisherKeys"));
    return document;
  }

  /**
   * Issue 16 on the real services: tag-selected faults of one account no longer take the whole
   * account-region. After resolving its tag, each fault's executor claims the instances from the
   * tenant's admission partition: three faults run side by side, the one whose tag overlaps a held
   * fault acts only on the instance nobody holds (the other {@code SKIPPED TARGET_BUSY}), and no
   * instance is injected by two faults.
   */
  @Test
  void tagSelectedFaultsOfOneAccountRunSideBySideAndNeverShareAnInstance() throws Exception {
    E2eTenant tenant = registeredTenant("tags");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String web = "web-" + suffix;
    String front = "front-" + suffix;
    String solo = "solo-" + suffix;
    String webOnly = tenant.account().runInstances(1, Map.of("team", web)).getFirst();
    String shared = tenant.account().runInstances(1, Map.of("team", web, "tier", front)).getFirst();
    String frontOnly = tenant.account().runInstances(1, Map.of("tier", front)).getFirst();
    String soloOnly = tenant.account().runInstances(1, Map.of("squad", solo)).getFirst();
    String first = "f-web-" + suffix;
    String second = "f-front-" + suffix;
    String third = "f-solo-" + suffix;

    try (FaultRequestPublisher unsigned =
        new FaultRequestPublisher(platform.newProducer(), URI.create("/e2e-tests/tags"))) {
      FaultRequestPublisher publisher = unsigned.signedBy(tenant.signer());
      publisher
          .publish(tenant.processKillByTag(first, "team:" + web, 12))
          .get(30, TimeUnit.SECONDS);
      lifecycle.awaitStage(first, LifecycleStage.INJECTED, FAULT_TIMEOUT);
      publisher
          .publish(tenant.processKillByTag(second, "tier:" + front, 3))
          .get(30, TimeUnit.SECONDS);
      publisher
          .publish(tenant.processKillByTag(third, "squad:" + solo, 3))
          .get(30, TimeUnit.SECONDS);
    }

    Map<String, FaultLifecycleEvent> ends =
        Map.of(
            first, awaitCompleted(first).getLast().data(),
            second, awaitCompleted(second).getLast().data(),
            third, awaitCompleted(third).getLast().data());
    // Side by side: both later faults were injected while the first still held its instances.
    assertThat(at(second, LifecycleStage.INJECTED))
        .isBefore(at(first, LifecycleStage.ROLLING_BACK));
    assertThat(at(third, LifecycleStage.INJECTED)).isBefore(at(first, LifecycleStage.ROLLING_BACK));
    assertThat(actedOn(ends.get(first))).containsExactlyInAnyOrder(webOnly, shared);
    assertThat(actedOn(ends.get(second))).containsExactly(frontOnly);
    assertThat(actedOn(ends.get(third))).containsExactly(soloOnly);
    assertThat(ends.get(second).targets())
        .filteredOn(t -> t.targetId().equals(shared))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.status()).isEqualTo(TargetStatus.SKIPPED);
              assertThat(t.detail()).startsWith("TARGET_BUSY");
            });
  }

  /** When the fault's {@code stage} event happened, as the executor stamped it. */
  private static Instant at(String faultId, LifecycleStage stage) {
    return lifecycle.awaitStage(faultId, stage, FAULT_TIMEOUT).occurredAt();
  }

  /** The instances a fault injected and rolled back, by its terminal event. */
  private static List<String> actedOn(FaultLifecycleEvent end) {
    return end.targets().stream()
        .filter(t -> t.status() == TargetStatus.ROLLED_BACK)
        .map(TargetOutcome::targetId)
        .toList();
  }

  private static E2eTenant registeredTenant(String name) {
    E2eTenant tenant = E2eTenant.create(name);
    platform.register(tenant.policy());
    return tenant;
  }

  /**
   * Publishes inside a span of the test, as an instrumented platform would, and returns the trace
   * id; the test's spans are flushed to Zipkin before it returns.
   */
  private static String publishTraced(E2eTenant tenant, FaultRequested request) throws Exception {
    Tracer tracer = publisherTelemetry.getTracer("io.faultline.e2e");
    Span span = tracer.spanBuilder(TEST_SPAN).startSpan();
    try (Scope ignored = span.makeCurrent();
        FaultRequestPublisher publisher =
            new FaultRequestPublisher(
                platform.newProducer(), URI.create("/e2e-tests"), publisherTelemetry)) {
      publisher.signedBy(tenant.signer()).publish(request).get(30, TimeUnit.SECONDS);
    } finally {
      span.end();
    }
    publisherTelemetry.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
    return span.getSpanContext().getTraceId();
  }

  private static List<FaultlineEvent<FaultLifecycleEvent>> awaitCompleted(String faultId) {
    List<FaultlineEvent<FaultLifecycleEvent>> events;
    try {
      events = lifecycle.awaitEnd(faultId, FAULT_TIMEOUT);
    } catch (RuntimeException e) {
      throw new AssertionError(
          "fault " + faultId + " did not end: " + e.getMessage() + "\n" + platform.logs(), e);
    }
    FaultLifecycleEvent last = events.get(events.size() - 1).data();
    assertThat(last.stage())
        .as(
            "fault %s ended %s %s (%s); stages %s\n%s",
            faultId,
            last.stage(),
            last.reason(),
            last.detail(),
            events.stream().map(e -> e.data().stage()).toList(),
            platformLogsOnFailure())
        .isEqualTo(LifecycleStage.COMPLETED);
    assertThat(events)
        .extracting(e -> e.data().stage())
        .startsWith(LifecycleStage.APPROVED, LifecycleStage.STARTED)
        .contains(LifecycleStage.INJECTED);
    return events;
  }

  /** Every lifecycle event carries the fault's one trace id (CloudEvents extension and data). */
  private static void assertOneTraceOnEveryEvent(
      List<FaultlineEvent<FaultLifecycleEvent>> events, String traceId) {
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(TraceContexts.traceId(e.traceparent()))
                  .as("traceparent of %s", e.data().stage())
                  .contains(traceId);
              assertThat(e.data().traceId())
                  .as("traceId of %s", e.data().stage())
                  .isEqualTo(traceId);
            });
  }

  /**
   * The part of the tree every approved, completed fault has: policy.decide → fault.execute → its
   * phases, the attributes on each, and the lifecycle events' contexts pointing at those spans.
   */
  private static void assertApprovedFaultTree(
      ZipkinTrace t,
      E2eTenant tenant,
      String faultId,
      List<FaultlineEvent<FaultLifecycleEvent>> events) {
    assertThat(t.spans()).as("one trace id").allMatch(s -> s.traceId().equals(t.traceId()));
    assertThat(t.spans())
        .as("every parent is in the trace: %s", t.outline())
        .allMatch(s -> s.isRoot() || t.byId(s.parentId()).isPresent());
    Map<String, String> faultTags =
        Map.of(
            FaultSpans.TENANT_ID.getKey(), tenant.tenantId().value(),
            FaultSpans.FAULT_ID.getKey(), faultId,
            FaultSpans.FAULT_TYPE.getKey(), E2eTenant.PROCESS_KILL.value(),
            FaultSpans.CLOUD_PROVIDER.getKey(), "aws",
            FaultSpans.CLOUD_ACCOUNT_ID.getKey(), tenant.account().accountId(),
            FaultSpans.CLOUD_REGION.getKey(), tenant.account().region());

    ZipkinTrace.Span decide = t.single(FaultSpans.POLICY_DECIDE);
    assertThat(decide.serviceName()).isEqualTo("policy-service");
    assertThat(decide.kind()).isEqualTo("CONSUMER");
    assertThat(decide.tags())
        .containsAllEntriesOf(faultTags)
        .containsEntry(FaultSpans.DECISION.getKey(), "APPROVED");

    ZipkinTrace.Span execute = t.single(FaultSpans.FAULT_EXECUTE);
    assertThat(execute.serviceName()).isEqualTo("executor-service");
    assertThat(execute.kind()).isEqualTo("CONSUMER");
    assertThat(execute.parentId())
        .as("fault.execute is a child of policy.decide: %s", t.outline())
        .isEqualTo(decide.id());
    assertThat(execute.tags())
        .containsAllEntriesOf(faultTags)
        .containsEntry(FaultSpans.DRY_RUN.getKey(), "false")
        .containsEntry(FaultSpans.TARGET_COUNT.getKey(), "1")
        .doesNotContainKey("error");

    List<ZipkinTrace.Span> phases = t.childrenOf(execute);
    Set<String> phaseNames =
        phases.stream().map(ZipkinTrace.Span::name).collect(Collectors.toSet());
    assertThat(phaseNames)
        .as("phases under fault.execute: %s", t.outline())
        .containsAll(REQUIRED_PHASES)
        .isSubsetOf(PHASES);
    assertThat(phases).allSatisfy(p -> assertThat(p.serviceName()).isEqualTo("executor-service"));
    assertThat(phases)
        .as("no phase failed")
        .allSatisfy(p -> assertThat(p.tags()).doesNotContainKey("error"));
    assertThat(t.single(FaultSpans.ASSUME_ROLE).tags())
        .containsEntry(FaultSpans.RPC_SYSTEM.getKey(), "aws-api")
        .containsEntry(FaultSpans.RPC_SERVICE.getKey(), "STS")
        .containsEntry(FaultSpans.RPC_METHOD.getKey(), "AssumeRole");
    assertThat(t.single(FaultSpans.RESOLVE_TARGETS).tags())
        .containsEntry(FaultSpans.TARGET_COUNT.getKey(), "1");

    Set<String> commandIds =
        events.stream().flatMap(e -> e.data().ssmCommandIds().stream()).collect(Collectors.toSet());
    List<ZipkinTrace.Span> injects = t.named(FaultSpans.INJECT);
    assertThat(injects).as("one inject per SSM command; one target, one command").hasSize(1);
    assertThat(injects.get(0).tags())
        .containsEntry(FaultSpans.RPC_SERVICE.getKey(), "SSM")
        .containsEntry(FaultSpans.RPC_METHOD.getKey(), "SendCommand")
        .containsEntry(FaultSpans.TARGET_COUNT.getKey(), "1");
    assertThat(injects.get(0).tag(FaultSpans.SSM_COMMAND_ID.getKey()))
        .as("the inject span names the SSM command the lifecycle events report")
        .isNotBlank()
        .isIn(commandIds);
    assertThat(t.named(FaultSpans.ROLLBACK))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.tag(FaultSpans.SSM_COMMAND_ID.getKey())).isNotBlank());

    assertThat(spanIdOf(events.get(0).traceparent()))
        .as("the APPROVED event carries policy.decide's context")
        .isEqualTo(decide.id());
    assertThat(events.subList(1, events.size()))
        .as("the executor's events carry fault.execute's context")
        .allSatisfy(e -> assertThat(spanIdOf(e.traceparent())).isEqualTo(execute.id()));
  }

  /**
   * Polls Zipkin until the trace satisfies the assertions (spans of three processes arrive in
   * batches) and returns it; on time-out the last assertion error says what is missing.
   */
  private static ZipkinTrace awaitTrace(
      String traceId, java.util.function.Consumer<ZipkinTrace> assertions) {
    ZipkinTrace[] last = new ZipkinTrace[1];
    await("the span tree of trace " + traceId + " in Zipkin")
        .atMost(TRACE_TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              last[0] = ZipkinTrace.fetch(Platform.zipkin(), traceId);
              assertions.accept(last[0]);
            });
    return last[0];
  }

  private static String spanIdOf(String traceparent) {
    assertThat(TraceContexts.isValid(traceparent)).as("traceparent %s", traceparent).isTrue();
    return traceparent.substring(36, 52);
  }

  private static Object platformLogsOnFailure() {
    // Lazily rendered: AssertJ calls toString() only when the assertion fails.
    return new Object() {
      @Override
      public String toString() {
        return platform.logs();
      }
    };
  }
}
