package io.faultline.policy.admission;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.telemetry.FaultLogContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What admission tells the world about an {@link Outcome}: approvals and lifecycle events as
 * CloudEvents with deterministic ids and the decision's trace context, the {@code policy.decide}
 * span, the decision metrics and the log lines.
 */
final class AdmissionOutput {
  // Named after the processor, as before the split, so operators' log settings keep applying.
  private static final Logger log = LoggerFactory.getLogger(AdmissionProcessor.class);
  private static final URI SOURCE = URI.create("/faultline/" + AdmissionTopology.PRODUCER);

  private final ProcessorContext<String, Outbound> context;
  private final AdmissionSettings settings;
  private final AdmissionTelemetry telemetry;

  AdmissionOutput(
      ProcessorContext<String, Outbound> context,
      AdmissionSettings settings,
      AdmissionTelemetry telemetry) {
    this.context = context;
    this.settings = settings;
    this.telemetry = telemetry;
  }

  /**
   * Runs {@code work} inside a {@code policy.decide} span; the events it emits carry the span's
   * context, so the executor's work becomes its child. Log lines written meanwhile name the fault
   * and trace.
   */
  void traced(String tenant, String faultId, String traceparent, Consumer<Span> work) {
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

  /** Names the request's fault on its decision span. */
  void describe(Span span, FaultRequested request) {
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
  }

  /**
   * Records a decision on its span, in the metrics and, for a rejection, in the log.
   *
   * @param registered whether the tenant has a policy: only registered tenants get their own metric
   *     label, so no publisher can grow the metrics by naming new tenants
   */
  void decided(
      Outcome.Decision decision, Span span, long requestedAtMs, Instant now, boolean registered) {
    FaultLifecycleEvent event = decision.event();
    // An invalid request's dry-run flag was never read, so its span does not claim one.
    if (!(decision instanceof Outcome.Invalid)) {
      span.setAttribute(FaultSpans.DRY_RUN, event.dryRun());
    }
    String tenant = event.tenantId().value();
    telemetry.decided(
        span,
        tenant,
        registered ? tenant : AdmissionTelemetry.UNREGISTERED,
        decision.approved(),
        decision.rules(),
        requestedAtMs,
        now.toEpochMilli());
    switch (decision) {
      case Outcome.Approved approved -> {}
      case Outcome.Rejected rejected ->
          log.info("fault {} of {} {}", event.faultId().value(), tenant, event.detail());
      case Outcome.Invalid invalid ->
          log.info(
              "fault {} of {} rejected: the request breaks the contract ({} violations)",
              event.faultId().value(),
              tenant,
              invalid.rules().size());
    }
  }

  /** Writes the records an outcome carries; one without records may still be worth a log line. */
  void publish(Outcome outcome, Instant now) {
    switch (outcome) {
      case Outcome.Approved approved -> {
        emit(
            Topics.FAULT_APPROVALS,
            approved.approval(),
            approved.lease().faultId() + ":approval",
            approved.traceparent(),
            now);
        emitLifecycle(approved.event(), approved.traceparent(), now);
      }
      case Outcome.Rejected rejected ->
          emitLifecycle(rejected.event(), rejected.traceparent(), now);
      case Outcome.Invalid invalid -> emitLifecycle(invalid.event(), invalid.traceparent(), now);
      case Outcome.Expired expired ->
          emitLifecycle(expired.event(), expired.lease().traceparent(), now);
      case Outcome.Ignored ignored -> log.debug("fault {} {}", ignored.faultId(), ignored.why());
      case Outcome.Refused refused -> deadLetter(refused, now);
      case Outcome.PolicyKept kept ->
          log.info(
              "policy revision {} of {} ignored: revision {} is newer",
              kept.offered(),
              kept.tenantId(),
              kept.held());
      case Outcome.PolicyStored stored -> {}
      case Outcome.PolicyRemoved removed -> {}
      case Outcome.HaltSet halt -> {}
      case Outcome.SequenceSeen seen -> {}
      case Outcome.Renewed renewed -> {}
      case Outcome.Released released -> {}
      case Outcome.Claimed claimed -> {
        var answer = claimed.answer();
        emit(
            Topics.TARGET_GRANTS,
            answer,
            answer.faultId().value() + ":grant:" + answer.claimId(),
            claimed.traceparent(),
            now);
        if (answer.refusal() != null || !answer.busy().isEmpty()) {
          log.info(
              "target claim {} of fault {}: {} granted, {} busy{}",
              answer.claimId(),
              answer.key(),
              answer.granted().size(),
              answer.busy().size(),
              answer.refusal() == null ? "" : "; refused: " + answer.refusal());
        }
      }
    }
  }

  void activeLeases(int count) {
    telemetry.activeLeases(count);
  }

  /** Counts a command that cannot be applied as poison. */
  void skipped(RuntimeException e) {
    context
        .recordMetadata()
        .ifPresentOrElse(
            m -> telemetry.poison().skipped(m.topic(), m.partition(), m.offset(), e),
            () -> telemetry.poison().skipped(settings.admissionLog(), -1, -1, e));
  }

  /**
   * A refused request goes to the dead-letter topic as JSON data with its reason in {@code
   * faultline.error.*} headers (as intake's dead letters), keyed by tenant: an operator can read
   * why and, once the publisher signs, nothing is lost.
   */
  private void deadLetter(Outcome.Refused refused, Instant now) {
    String tenant = refused.tenantId();
    telemetry.refused(tenant, refused.code().name());
    log.warn(
        "request for fault {} of tenant {} refused {}: {}",
        refused.faultId(),
        tenant,
        refused.code(),
        refused.detail());
    Headers headers = new RecordHeaders();
    headers.add("faultline.error.reason", utf8(refused.code().name()));
    headers.add("faultline.error.violations", utf8(refused.detail()));
    headers.add("faultline.error.topic", utf8(settings.topic(Topics.FAULT_REQUESTS)));
    headers.add("faultline.error.fault", utf8(refused.faultId()));
    context.forward(
        new Record<>(
            tenant,
            new Outbound(Topics.DEAD_LETTERS.name(), refused.request()),
            now.toEpochMilli(),
            headers));
  }

  /**
   * An escrow message (ADR 0012) for other admission partitions: it commits with the share change
   * that made it, and reaches its partitions through {@link AdmissionLog}.
   */
  void escrow(AdmissionCommand command, Instant now) {
    context.forward(
        new Record<>(
            AdmissionLog.keyOf(command),
            Outbound.escrow(command),
            now.toEpochMilli(),
            new RecordHeaders()));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private void emitLifecycle(FaultLifecycleEvent event, String traceparent, Instant now) {
    emit(
        Topics.FAULT_LIFECYCLE,
        event,
        event.faultId().value() + ":" + event.stage().name().toLowerCase(Locale.ROOT),
        traceparent,
        now);
  }

  private <T> void emit(Topic<T> topic, T data, String eventId, String traceparent, Instant now) {
    Headers headers = new RecordHeaders();
    byte[] value =
        EventCodec.standard()
            .encodeInto(topic, FaultlineEvent.of(eventId, SOURCE, data, traceparent), headers);
    context.forward(
        new Record<>(
            topic.keyOf().apply(data),
            new Outbound(topic.name(), value),
            now.toEpochMilli(),
            headers));
  }
}
