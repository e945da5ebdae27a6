package io.faultline.policy.admission;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The intake and admission topologies, each in a {@link TopologyTestDriver}, chained through the
 * admission log as the two applications are on a broker; speaks events instead of bytes.
 */
final class AdmissionDriver implements AutoCloseable {
  static final URI TEST_SOURCE = URI.create("/faultline/test");

  /** A Wednesday, 11:00 in Berlin. */
  static final Instant START = Instant.parse("2026-11-18T10:00:00Z");

  private final TopologyTestDriver intake;
  private final TopologyTestDriver driver;
  private final TestOutputTopic<String, byte[]> admissionLogOut;
  private final TestInputTopic<String, byte[]> admissionLogIn;
  private final TestInputTopic<String, byte[]> requests;
  private final TestInputTopic<String, byte[]> policies;
  private final TestInputTopic<String, byte[]> controls;
  private final TestInputTopic<String, byte[]> lifecycleIn;
  private final TestInputTopic<String, byte[]> heartbeats;
  private final TestInputTopic<String, byte[]> claims;
  private final TestOutputTopic<String, byte[]> grants;
  private final TestOutputTopic<String, byte[]> approvals;
  private final TestOutputTopic<String, byte[]> lifecycle;
  private final TestOutputTopic<String, byte[]> deadLetters;
  private final TestOutputTopic<String, byte[]> refused;
  private Instant now;

  AdmissionDriver(AdmissionSettings settings) {
    this(settings, START);
  }

  AdmissionDriver(AdmissionSettings settings, Instant start) {
    this(settings, start, AdmissionTelemetry.none());
  }

  AdmissionDriver(AdmissionSettings settings, Instant start, AdmissionTelemetry telemetry) {
    // A TopologyTestDriver has one partition per topic: one admission partition holding the whole
    // platform budget, as on a broker before ADR 0012.
    settings = settings.withAdmissionPartitions(1);
    intake = new TopologyTestDriver(AdmissionTopology.intake(settings), props(), start);
    driver =
        new TopologyTestDriver(AdmissionTopology.admission(settings, telemetry), props(), start);
    now = start;
    admissionLogOut =
        intake.createOutputTopic(
            settings.admissionLog(), new StringDeserializer(), new ByteArrayDeserializer());
    admissionLogIn =
        driver.createInputTopic(
            settings.admissionLog(),
            new StringSerializer(),
            new ByteArraySerializer(),
            now,
            Duration.ZERO);
    requests = input(Topics.FAULT_REQUESTS);
    policies = input(Topics.TENANT_POLICIES);
    controls = input(Topics.FAULT_CONTROLS);
    lifecycleIn = input(Topics.FAULT_LIFECYCLE);
    heartbeats = input(Topics.EXECUTOR_HEARTBEATS);
    claims = input(Topics.TARGET_CLAIMS);
    grants = output(Topics.TARGET_GRANTS);
    approvals = output(Topics.FAULT_APPROVALS);
    lifecycle = output(Topics.FAULT_LIFECYCLE);
    deadLetters =
        intake.createOutputTopic(
            Topics.DEAD_LETTERS.name(), new StringDeserializer(), new ByteArrayDeserializer());
    refused = output(Topics.DEAD_LETTERS);
  }

  private static Properties props() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "policy-test-" + UUID.randomUUID());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    return props;
  }

  /** Hands what intake wrote to the admission log on to admission, as the broker would. */
  private void deliverAdmissionLog() {
    for (TestRecord<String, byte[]> command : admissionLogOut.readRecordsToList()) {
      admissionLogIn.pipeInput(command);
    }
  }

  private TestInputTopic<String, byte[]> input(Topic<?> topic) {
    return intake.createInputTopic(
        topic.name(), new StringSerializer(), new ByteArraySerializer(), now, Duration.ZERO);
  }

  private TestOutputTopic<String, byte[]> output(Topic<?> topic) {
    return driver.createOutputTopic(
        topic.name(), new StringDeserializer(), new ByteArrayDeserializer());
  }

  <T> void send(TestInputTopic<String, byte[]> input, Topic<T> topic, T data, String traceparent) {
    ProducerRecord<String, byte[]> record =
        EventCodec.standard()
            .encode(
                topic,
                FaultlineEvent.of(UUID.randomUUID().toString(), TEST_SOURCE, data, traceparent));
    input.pipeInput(new TestRecord<>(record.key(), record.value(), record.headers(), now));
    deliverAdmissionLog();
  }

  void policy(TenantPolicy policy) {
    send(policies, Topics.TENANT_POLICIES, policy, null);
  }

  void removePolicy(String tenant) {
    policies.pipeInput(tenant, null, now);
    deliverAdmissionLog();
  }

  void request(FaultRequested request) {
    send(requests, Topics.FAULT_REQUESTS, request, null);
  }

  void request(FaultRequested request, String traceparent) {
    send(requests, Topics.FAULT_REQUESTS, request, traceparent);
  }

  void raw(String key, Headers headers, byte[] value) {
    raw(key, headers, value, now);
  }

  /** A raw request record the broker appended at {@code appendedAt}. */
  void raw(String key, Headers headers, byte[] value, Instant appendedAt) {
    requests.pipeInput(new TestRecord<>(key, value, headers, appendedAt));
    deliverAdmissionLog();
  }

  void control(ControlAction action, String tenant) {
    send(
        controls,
        Topics.FAULT_CONTROLS,
        new FaultControl(
            UUID.randomUUID().toString(),
            action,
            tenant == null ? null : TenantId.of(tenant),
            null,
            null,
            "test",
            "user:test",
            now),
        null);
  }

  /** The executor reports a stage of a fault. */
  void executor(String tenant, String faultId, LifecycleStage stage, long sequence) {
    send(
        lifecycleIn,
        Topics.FAULT_LIFECYCLE,
        executorEvent(tenant, faultId, stage, sequence, now),
        null);
  }

  /**
   * An executor's heartbeat naming {@code faults} ({@code "<tenant>/<fault>"}, account {@code
   * account}), appended by the broker at {@code appendedAt}.
   */
  void heartbeat(String executorId, Instant appendedAt, String account, String... faults) {
    List<ExecutorHeartbeat.RunningFault> running =
        java.util.Arrays.stream(faults)
            .map(
                key ->
                    new ExecutorHeartbeat.RunningFault(
                        TenantId.of(key.substring(0, key.indexOf('/'))),
                        FaultId.of(key.substring(key.indexOf('/') + 1)),
                        io.faultline.events.ids.AccountId.of(account),
                        0,
                        "HOLDING"))
            .toList();
    ProducerRecord<String, byte[]> record =
        EventCodec.standard()
            .encode(
                Topics.EXECUTOR_HEARTBEATS,
                FaultlineEvent.of(
                    TEST_SOURCE, new ExecutorHeartbeat(executorId, appendedAt, 1, 1, running)));
    heartbeats.pipeInput(
        new TestRecord<>(record.key(), record.value(), record.headers(), appendedAt));
    deliverAdmissionLog();
  }

  /** A record on the lifecycle topic as it arrives, valid or not. */
  void rawLifecycle(String key, Headers headers, byte[] value) {
    lifecycleIn.pipeInput(new TestRecord<>(key, value, headers, now));
    deliverAdmissionLog();
  }

  /** An executor's event with only the fields admission reads (and a reason where required). */
  static FaultLifecycleEvent executorEvent(
      String tenant, String faultId, LifecycleStage stage, long sequence, Instant at) {
    return new FaultLifecycleEvent(
        FaultId.of(faultId),
        TenantId.of(tenant),
        null,
        null,
        null,
        null,
        null,
        stage,
        sequence,
        at,
        stage.producer(),
        false,
        null,
        null,
        null,
        stage == LifecycleStage.FAILED || stage == LifecycleStage.ABORTED
            ? io.faultline.events.lifecycle.FailureReason.ABORTED
            : null,
        null,
        null,
        null);
  }

  void advance(Duration duration) {
    now = now.plus(duration);
    intake.advanceWallClockTime(duration);
    driver.advanceWallClockTime(duration);
  }

  Instant now() {
    return now;
  }

  /** Lifecycle events written since the last call, decoded (and so contract-checked). */
  List<FaultLifecycleEvent> lifecycle() {
    return lifecycle.readRecordsToList().stream()
        .map(r -> decode(Topics.FAULT_LIFECYCLE, r))
        .map(FaultlineEvent::data)
        .toList();
  }

  /** The raw values written to the lifecycle topic since the last read. */
  List<byte[]> lifecycleRaw() {
    return lifecycle.readValuesToList();
  }

  List<FaultlineEvent<FaultLifecycleEvent>> lifecycleEvents() {
    return lifecycle.readRecordsToList().stream()
        .map(r -> decode(Topics.FAULT_LIFECYCLE, r))
        .toList();
  }

  List<FaultlineEvent<FaultApproved>> approvalEvents() {
    return approvals.readRecordsToList().stream()
        .map(r -> decode(Topics.FAULT_APPROVALS, r))
        .toList();
  }

  List<FaultApproved> approvals() {
    return approvals.readRecordsToList().stream()
        .map(r -> decode(Topics.FAULT_APPROVALS, r).data())
        .toList();
  }

  /** An executor claims the instances a tag-selected fault resolved to. */
  void claim(io.faultline.events.claims.TargetsClaimed claim) {
    send(claims, Topics.TARGET_CLAIMS, claim, null);
  }

  /** Answers to target claims written since the last call, decoded (and so contract-checked). */
  List<io.faultline.events.claims.TargetsGranted> grants() {
    return grants.readRecordsToList().stream()
        .map(r -> decode(Topics.TARGET_GRANTS, r).data())
        .toList();
  }

  List<TestRecord<String, byte[]>> deadLetters() {
    return deadLetters.readRecordsToList();
  }

  /** Requests admission refused as not their tenant's (ADR 0008), dead-lettered. */
  List<TestRecord<String, byte[]>> refused() {
    return refused.readRecordsToList();
  }

  private static <T> FaultlineEvent<T> decode(Topic<T> topic, TestRecord<String, byte[]> record) {
    return EventCodec.standard().decode(topic, record.key(), record.headers(), record.value());
  }

  @Override
  public void close() {
    intake.close();
    driver.close();
  }
}
