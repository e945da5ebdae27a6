package io.faultline.policy.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.decision.AccountAccess;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.policy.leases.Lease;
import io.faultline.policy.leases.LeaseBook;
import io.faultline.policy.rules.AdmissionRules;
import io.faultline.policy.rules.RequestedTargets;
import io.faultline.policy.rules.Verdict;
import io.faultline.telemetry.FaultLogContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place admission is decided. It runs on the single partition of the admission log, so
 * every rule that must be exact (platform and account concurrency, one fault per target across
 * tenants, idempotency) sees every earlier decision and release. State lives in changelogged stores
 * written in the same exactly-once transaction as the decisions; the in-memory {@link LeaseBook} is
 * only an index over them, rebuilt whenever the task (re)starts.
 */
final class AdmissionProcessor
    extends ContextualProcessor<String, AdmissionCommand, String, Outbound> {
  private static final Logger log = LoggerFactory.getLogger(AdmissionProcessor.class);
  private static final ObjectMapper JSON = Json.mapper();
  private static final URI SOURCE = URI.create("/faultline/" + AdmissionTopology.PRODUCER);
  private static final byte[] HALTED = {'H'};

  /**
   * How long a decided fault id and a target's last end are remembered: as long as the requests
   * topic keeps a request, so a redelivered request is always recognised. Longer cooldowns are not
   * supported.
   */
  static final java.time.Duration MEMORY = Topics.FAULT_REQUESTS.retention();

  private final AdmissionSettings settings;
  private final AdmissionTelemetry telemetry;
  private final LeaseBook book = new LeaseBook();
  private final Map<String, TenantPolicy> policyCache = new HashMap<>();
  private final Set<String> halted = new HashSet<>();
  private KeyValueStore<String, byte[]> policies;
  private KeyValueStore<String, byte[]> halts;
  private KeyValueStore<String, byte[]> decisions;
  private KeyValueStore<String, byte[]> leases;
  private KeyValueStore<String, byte[]> cooldowns;
  private boolean loaded;

  AdmissionProcessor(AdmissionSettings settings, AdmissionTelemetry telemetry) {
    this.settings = settings;
    this.telemetry = telemetry;
  }

  @Override
  public void init(ProcessorContext<String, Outbound> context) {
    super.init(context);
    policies = context.getStateStore(AdmissionTopology.POLICIES_STORE);
    halts = context.getStateStore(AdmissionTopology.HALTS_STORE);
    decisions = context.getStateStore(AdmissionTopology.DECISIONS_STORE);
    leases = context.getStateStore(AdmissionTopology.LEASES_STORE);
    cooldowns = context.getStateStore(AdmissionTopology.COOLDOWNS_STORE);
    // init runs again when a task is revived after an aborted transaction: forget the index.
    loaded = false;
    policyCache.clear();
    context.schedule(
        settings.leaseCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::expireLeases);
    context.schedule(java.time.Duration.ofHours(1), PunctuationType.WALL_CLOCK_TIME, this::forget);
  }

  private void ensureLoaded() {
    if (loaded) {
      return;
    }
    book.clear();
    halted.clear();
    try (KeyValueIterator<String, byte[]> all = leases.all()) {
      all.forEachRemaining(kv -> book.take(read(kv.value, Lease.class)));
    }
    try (KeyValueIterator<String, byte[]> all = cooldowns.all()) {
      all.forEachRemaining(kv -> book.restoreCooldown(kv.key, ByteBuffer.wrap(kv.value).getLong()));
    }
    try (KeyValueIterator<String, byte[]> all = halts.all()) {
      all.forEachRemaining(kv -> halted.add(kv.key));
    }
    loaded = true;
  }

  @Override
  public void process(Record<String, AdmissionCommand> record) {
    ensureLoaded();
    Instant now = Instant.ofEpochMilli(context().currentSystemTimeMs());
    try {
      switch (record.value()) {
        case null -> throw new IllegalArgumentException("the admission command has no value");
        case AdmissionCommand.Decide decide -> decide(decide, record.timestamp(), now);
        case AdmissionCommand.RejectInvalid invalid ->
            rejectInvalid(invalid, record.timestamp(), now);
        case AdmissionCommand.PolicyChanged change -> changePolicy(change);
        case AdmissionCommand.HaltChanged halt -> changeHalt(halt);
        case AdmissionCommand.Progress progress -> progress(progress, now);
      }
    } catch (KafkaException e) {
      // Kafka Streams' own failures (a fenced producer, a migrated task, a store that cannot
      // write): the task must fail and recover, never skip the command.
      throw e;
    } catch (RuntimeException e) {
      // Commands are checked when they are read (CommandSerde), so this is a command intake never
      // writes: skip it rather than fail on it forever.
      context()
          .recordMetadata()
          .ifPresentOrElse(
              m -> telemetry.poison().skipped(m.topic(), m.partition(), m.offset(), e),
              () -> telemetry.poison().skipped(settings.admissionLog(), -1, -1, e));
    }
    telemetry.activeLeases(book.activeOnPlatform());
  }

  /**
   * Decides inside a {@code policy.decide} span; the events it emits carry the span's context, so
   * the executor's work becomes its child. Log lines written meanwhile name the fault and trace.
   */
  private void traced(
      String tenant, String faultId, String traceparent, java.util.function.Consumer<Span> work) {
    Span span =
        telemetry.startDecision(
            tenant, faultId, traceparent, settings.topic(Topics.FAULT_REQUESTS));
    try (Scope ignored = span.makeCurrent();
        FaultLogContext logContext = FaultLogContext.open(tenant, faultId, span)) {
      work.accept(span);
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
      throw e;
    } finally {
      span.end();
    }
  }

  private void decide(AdmissionCommand.Decide command, long requestedAtMs, Instant now) {
    FaultRequested request = command.request();
    String faultId = request.faultId().value();
    if (decisions.get(faultId) != null) {
      log.debug("fault {} was already decided; duplicate request ignored", faultId);
      return;
    }
    traced(
        request.tenantId().value(),
        faultId,
        command.traceparent(),
        span -> decide(request, TraceContexts.traceparentOf(span), span, requestedAtMs, now));
  }

  private void decide(
      FaultRequested request, String traceparent, Span span, long requestedAtMs, Instant now) {
    String faultId = request.faultId().value();
    String tenant = request.tenantId().value();
    span.setAttribute(FaultSpans.FAULT_TYPE, request.faultType().value());
    span.setAttribute(FaultSpans.CLOUD_PROVIDER, "aws");
    span.setAttribute(FaultSpans.CLOUD_ACCOUNT_ID, request.accountId().value());
    span.setAttribute(FaultSpans.CLOUD_REGION, request.region().value());
    if (request.experimentId() != null) {
      span.setAttribute(FaultSpans.EXPERIMENT_ID, request.experimentId().value());
    }
    if (request.runId() != null) {
      span.setAttribute(FaultSpans.RUN_ID, request.runId().value());
    }
    TenantPolicy policy = policy(tenant);
    Verdict verdict =
        AdmissionRules.evaluate(
            request,
            policy,
            halted.contains(PLATFORM_SCOPE),
            halted.contains(TENANT_SCOPE + tenant),
            book,
            settings.platformMaxActiveFaults(),
            now);
    span.setAttribute(FaultSpans.DRY_RUN, verdict.dryRun());
    telemetry.decided(
        span, tenant, verdict.approved(), verdict.outcomes(), requestedAtMs, now.toEpochMilli());
    if (!verdict.approved()) {
      decisions.put(faultId, stamp(now));
      String detail =
          "rejected by "
              + verdict.failed().stream()
                  .map(o -> o.code().name())
                  .collect(Collectors.joining(", "));
      log.info("fault {} of {} {}", faultId, tenant, detail);
      emitLifecycle(
          lifecycle(
              request,
              LifecycleStage.REJECTED,
              verdict.dryRun(),
              FailureReason.POLICY_RULE,
              detail,
              verdict.outcomes(),
              traceparent,
              now),
          traceparent,
          now);
      return;
    }
    RegisteredAccount account = policy.account(request.accountId()).orElseThrow();
    Instant expires = now.plus(AdmissionRules.holdAndRamp(request)).plus(settings.leaseGrace());
    ProtectedTargets protectedTargets = policy.protectedTargets();
    FaultApproved approval =
        new FaultApproved(
            request.faultId(),
            request.tenantId(),
            request.experimentId(),
            request.runId(),
            request.faultType(),
            request.accountId(),
            request.region(),
            request.parameters(),
            verdict.dryRun(),
            new AccountAccess(account.roleArn(), account.externalId()),
            new ProtectedTargetGuard(
                protectedTargets.instanceIds(),
                protectedTargets.clusterNames(),
                protectedTargets.tags()),
            Math.max(1, policy.bounds().maxTargets()),
            request.requestedBy(),
            now,
            expires,
            1,
            // The rule outcomes travel once, on the lifecycle topic; the executor needs none of
            // them, and they are most of an approval's bytes.
            List.of());
    Lease lease =
        new Lease(
            faultId,
            tenant,
            request.accountId().value(),
            request.region().value(),
            request.faultType().value(),
            request.experimentId() == null ? null : request.experimentId().value(),
            request.runId() == null ? null : request.runId().value(),
            verdict.dryRun(),
            RequestedTargets.of(request.parameters())
                .leaseKeys(request.accountId(), request.region()),
            expires.toEpochMilli(),
            1,
            traceparent);
    FaultLifecycleEvent approved =
        lifecycle(
            request,
            LifecycleStage.APPROVED,
            verdict.dryRun(),
            null,
            null,
            verdict.outcomes(),
            traceparent,
            now);
    book.take(lease);
    leases.put(faultId, write(lease));
    decisions.put(faultId, stamp(now));
    emit(Topics.FAULT_APPROVALS, approval, faultId + ":approval", traceparent, now);
    emitLifecycle(approved, traceparent, now);
  }

  private void rejectInvalid(
      AdmissionCommand.RejectInvalid command, long requestedAtMs, Instant now) {
    if (decisions.get(command.faultId()) != null) {
      log.debug("fault {} was already decided; invalid duplicate ignored", command.faultId());
      return;
    }
    traced(
        command.tenantId(),
        command.faultId(),
        command.traceparent(),
        span ->
            rejectInvalid(command, TraceContexts.traceparentOf(span), span, requestedAtMs, now));
  }

  private void rejectInvalid(
      AdmissionCommand.RejectInvalid command,
      String traceparent,
      Span span,
      long requestedAtMs,
      Instant now) {
    decisions.put(command.faultId(), stamp(now));
    List<RuleOutcome> rules = new ArrayList<>();
    command
        .violations()
        .forEach(
            v -> rules.add(RuleOutcome.fail("contract", RuleCode.INVALID_REQUEST, v.toString())));
    telemetry.decided(span, command.tenantId(), false, rules, requestedAtMs, now.toEpochMilli());
    log.info(
        "fault {} of {} rejected: the request breaks the contract ({} violations)",
        command.faultId(),
        command.tenantId(),
        command.violations().size());
    FaultLifecycleEvent event =
        new FaultLifecycleEvent(
            FaultId.of(command.faultId()),
            TenantId.of(command.tenantId()),
            null,
            null,
            null,
            null,
            null,
            LifecycleStage.REJECTED,
            1,
            now,
            AdmissionTopology.PRODUCER,
            false,
            null,
            null,
            null,
            FailureReason.INVALID_REQUEST,
            "the request breaks the contract: " + RequestIntake.describe(command.violations()),
            rules,
            traceId(traceparent));
    emitLifecycle(event, traceparent, now);
  }

  private void changePolicy(AdmissionCommand.PolicyChanged change) {
    if (change.policy() == null) {
      policies.delete(change.tenantId());
      policyCache.remove(change.tenantId());
      return;
    }
    TenantPolicy current = policy(change.tenantId());
    if (current != null && current.revision() > change.policy().revision()) {
      log.info(
          "policy revision {} of {} ignored: revision {} is newer",
          change.policy().revision(),
          change.tenantId(),
          current.revision());
      return;
    }
    policies.put(change.tenantId(), write(change.policy()));
    policyCache.put(change.tenantId(), change.policy());
  }

  private void changeHalt(AdmissionCommand.HaltChanged halt) {
    if (halt.halted()) {
      halted.add(halt.scope());
      halts.put(halt.scope(), HALTED);
    } else {
      halted.remove(halt.scope());
      halts.delete(halt.scope());
    }
  }

  private void progress(AdmissionCommand.Progress progress, Instant now) {
    Lease lease = book.lease(progress.faultId()).orElse(null);
    if (lease == null) {
      return;
    }
    if (progress.terminal()) {
      release(lease, now);
    } else if (progress.sequence() > lease.lastSequence()) {
      Lease updated = lease.withLastSequence(progress.sequence());
      book.update(updated);
      leases.put(updated.faultId(), write(updated));
    }
  }

  private void release(Lease lease, Instant now) {
    book.release(lease.faultId(), now);
    leases.delete(lease.faultId());
    byte[] ended = stamp(now);
    List<KeyValue<String, byte[]>> entries = new ArrayList<>();
    lease.targets().forEach(t -> entries.add(KeyValue.pair(t, ended)));
    cooldowns.putAll(entries);
  }

  private void expireLeases(long wallClockMs) {
    ensureLoaded();
    Instant now = Instant.ofEpochMilli(wallClockMs);
    for (Lease lease : book.expiredAt(wallClockMs)) {
      release(lease, now);
      FaultLifecycleEvent expired =
          new FaultLifecycleEvent(
              FaultId.of(lease.faultId()),
              TenantId.of(lease.tenantId()),
              lease.experimentId() == null ? null : ExperimentId.of(lease.experimentId()),
              lease.runId() == null ? null : RunId.of(lease.runId()),
              lease.faultType() == null ? null : FaultType.of(lease.faultType()),
              AccountId.of(lease.accountId()),
              lease.region() == null ? null : AwsRegion.of(lease.region()),
              LifecycleStage.LEASE_EXPIRED,
              lease.lastSequence() + 1,
              now,
              AdmissionTopology.PRODUCER,
              lease.dryRun(),
              null,
              null,
              null,
              FailureReason.TIMEOUT,
              "no terminal event by "
                  + Instant.ofEpochMilli(lease.expiresAtMs())
                  + " (ramps + hold + grace); leases on "
                  + lease.targets()
                  + " released",
              null,
              traceId(lease.traceparent()));
      emitLifecycle(expired, lease.traceparent(), now);
    }
  }

  /** Forgets decisions and cooldowns older than {@link #MEMORY}, so the stores stay bounded. */
  private void forget(long wallClockMs) {
    ensureLoaded();
    long horizon = wallClockMs - MEMORY.toMillis();
    for (KeyValueStore<String, byte[]> store : List.of(decisions, cooldowns)) {
      List<String> old = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> all = store.all()) {
        all.forEachRemaining(
            kv -> {
              if (ByteBuffer.wrap(kv.value).getLong() < horizon) {
                old.add(kv.key);
              }
            });
      }
      old.forEach(store::delete);
    }
    book.forgetCooldownsBefore(horizon);
  }

  private static byte[] stamp(Instant now) {
    return ByteBuffer.allocate(Long.BYTES).putLong(now.toEpochMilli()).array();
  }

  private TenantPolicy policy(String tenant) {
    TenantPolicy cached = policyCache.get(tenant);
    if (cached != null) {
      return cached;
    }
    byte[] stored = policies.get(tenant);
    if (stored == null) {
      return null;
    }
    TenantPolicy policy = read(stored, TenantPolicy.class);
    policyCache.put(tenant, policy);
    return policy;
  }

  /** The trace id of a W3C traceparent, or null: lifecycle events carry it in their data. */
  private static String traceId(String traceparent) {
    return TraceContexts.traceId(traceparent).orElse(null);
  }

  private static FaultLifecycleEvent lifecycle(
      FaultRequested request,
      LifecycleStage stage,
      boolean dryRun,
      FailureReason reason,
      String detail,
      List<RuleOutcome> rules,
      String traceparent,
      Instant now) {
    return new FaultLifecycleEvent(
        request.faultId(),
        request.tenantId(),
        request.experimentId(),
        request.runId(),
        request.faultType(),
        request.accountId(),
        request.region(),
        stage,
        1,
        now,
        AdmissionTopology.PRODUCER,
        dryRun,
        request.parameters().asMap(),
        null,
        null,
        reason,
        detail,
        rules,
        traceId(traceparent));
  }

  private void emitLifecycle(FaultLifecycleEvent event, String traceparent, Instant now) {
    emit(
        Topics.FAULT_LIFECYCLE,
        event,
        event.faultId().value() + ":" + event.stage().name().toLowerCase(java.util.Locale.ROOT),
        traceparent,
        now);
  }

  private <T> void emit(Topic<T> topic, T data, String eventId, String traceparent, Instant now) {
    Headers headers = new RecordHeaders();
    byte[] value =
        EventCodec.standard()
            .encodeInto(topic, FaultlineEvent.of(eventId, SOURCE, data, traceparent), headers);
    context()
        .forward(
            new Record<>(
                topic.keyOf().apply(data),
                new Outbound(topic.name(), value),
                now.toEpochMilli(),
                headers));
  }

  static final String PLATFORM_SCOPE = "platform";
  static final String TENANT_SCOPE = "tenant/";

  private static byte[] write(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(byte[] bytes, Class<T> type) {
    try {
      return JSON.readValue(bytes, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
