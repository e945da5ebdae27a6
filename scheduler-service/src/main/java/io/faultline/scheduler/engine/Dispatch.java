package io.faultline.scheduler.engine;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.signing.RequestSigner;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunFault;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.telemetry.FaultLogContext;
import io.opentelemetry.api.trace.Span;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine publishes: fault requests, controls, tenant policies, run watches and verdicts,
 * each as a CloudEvent forwarded to its sink (so it commits with the engine's transaction),
 * requests and controls under a {@code scheduler.publish} span. Fault requests are signed with the
 * platform key when one is configured (ADR 0008).
 */
final class Dispatch {
  // The engine's logger name, as before the split: operators' log filters keep matching.
  private static final Logger log = LoggerFactory.getLogger(EngineProcessor.class);
  private static final int MAX_REASON = 500;

  private final ProcessorContext<String, byte[]> context;
  private final PublishTelemetry telemetry;
  private final RequestSigner signer;
  private final EventCodec codec = EventCodec.standard();

  /**
   * @param signer signs every fault request; null: requests are published unsigned
   */
  Dispatch(
      ProcessorContext<String, byte[]> context, PublishTelemetry telemetry, RequestSigner signer) {
    this.context = context;
    this.telemetry = telemetry;
    this.signer = signer;
  }

  /**
   * Requests every fault of wave {@code index}, in the run's order, each as soon as it is built.
   *
   * @param experiment the experiment as it is now (null when gone), for the requests' reason
   */
  void requestWave(Run run, int index, Experiment experiment, Instant now) {
    for (RunFault f : RunPlanner.faultsOf(run, index)) {
      request(
          RunPlanner.request(run, f, experiment, now),
          run.traceparent(),
          index,
          run.waves().size());
    }
  }

  /** Tells the executors to stop a run's other faults once one of them ended it. */
  void runStopped(Run stopped, String traceparent, Instant now) {
    String why = stopped.stopReason();
    control(
        new FaultControl(
            "stop-" + stopped.runId(),
            ControlAction.ABORT_RUN,
            TenantId.of(stopped.tenantId()),
            null,
            RunId.of(stopped.runId()),
            why.length() > MAX_REASON ? why.substring(0, MAX_REASON) : why,
            EngineProcessor.SCHEDULER,
            now),
        traceparent);
  }

  /** Passes an operator's abort on to the executors (also for a run that already ended). */
  void runAborted(SchedulerCommand abort, String runId, Instant now) {
    control(
        new FaultControl(
            abort.commandId(),
            ControlAction.ABORT_RUN,
            TenantId.of(abort.tenantId()),
            null,
            RunId.of(runId),
            abort.reason(),
            abort.issuedBy(),
            now),
        abort.traceparent());
  }

  /** Passes an operator's abort of one fault on to the executors. */
  void faultAborted(SchedulerCommand abort, Instant now) {
    control(
        new FaultControl(
            abort.commandId(),
            ControlAction.ABORT_FAULT,
            TenantId.of(abort.tenantId()),
            FaultId.of(abort.id()),
            null,
            abort.reason(),
            abort.issuedBy(),
            now),
        abort.traceparent());
  }

  /**
   * Removes an abort from the compacted controls topic (a record without value under its scope):
   * its fault or run has ended, so no executor needs it any more, at start-up or later.
   */
  void tombstone(String scope) {
    context.forward(
        new Record<String, byte[]>(scope, null, context.currentSystemTimeMs()),
        SchedulerTopology.CONTROLS_SINK);
  }

  /**
   * Writes a run's watch (ADR 0010) under its run key: the executors in {@code faultline-probes}
   * evaluate it from this record on.
   */
  void watch(RunWatch watch) {
    publish(Topics.RUN_WATCHES, "watch-" + watch.key() + "-" + watch.revision(), watch, null);
    log.info(
        "run {} watched: {} (wave {}, revision {})",
        watch.runId().value(),
        watch.phase(),
        watch.wave() + 1,
        watch.revision());
  }

  /** Removes a run's watch from the compacted watches topic: the run has ended. */
  void endWatch(String runKey) {
    context.forward(
        new Record<String, byte[]>(runKey, null, context.currentSystemTimeMs()),
        SchedulerTopology.WATCHES_SINK);
  }

  /**
   * Publishes a run's verdict as a {@code VERDICT} run event, beside the executors' readings and
   * results.
   *
   * @param eventId unique per verdict event of the run (a corrected verdict is a second event)
   */
  void verdict(Run run, String eventId, Instant now) {
    publish(
        Topics.RUN_EVENTS,
        eventId,
        new RunEvent(
            eventId,
            TenantId.of(run.tenantId()),
            RunId.of(run.runId()),
            RunEventKind.VERDICT,
            null,
            null,
            null,
            run.currentWave(),
            null,
            now,
            run.verdict(),
            run.verdictReason()),
        run.traceparent());
  }

  void policy(TenantPolicy policy, String traceparent) {
    publish(
        Topics.TENANT_POLICIES,
        "policy-" + policy.tenantId() + "-" + policy.revision(),
        policy,
        traceparent);
  }

  /**
   * Publishes one fault request under its own {@code scheduler.publish} span, whose traceparent the
   * request carries: the policy service's decision becomes the span's child.
   */
  private void request(FaultRequested request, String parentTraceparent, int wave, int waves) {
    String eventId = "req-" + request.faultId().value();
    Span span = telemetry.startRequest(request, eventId, parentTraceparent);
    try (FaultLogContext ignored =
        FaultLogContext.open(request.tenantId().value(), request.faultId().value(), span)) {
      ProducerRecord<String, byte[]> encoded =
          encode(
              Topics.FAULT_REQUESTS,
              eventId,
              request,
              PublishTelemetry.traceparent(span, parentTraceparent));
      if (signer != null) {
        // Over the encoded attributes and data bytes, exactly as they go out.
        signer.sign(encoded, request.tenantId().value());
      }
      forward(encoded, SchedulerTopology.REQUESTS_SINK);
      telemetry.requestPublished(request.tenantId().value());
      log.info(
          "requested fault {} of run {} (wave {}/{}, {} in {}/{})",
          request.faultId().value(),
          request.runId().value(),
          wave + 1,
          waves,
          request.faultType().value(),
          request.accountId().value(),
          request.region().value());
    } finally {
      span.end();
    }
  }

  private void control(FaultControl control, String parentTraceparent) {
    Span span = telemetry.startControl(control, parentTraceparent);
    try {
      publish(
          Topics.FAULT_CONTROLS,
          control.controlId(),
          control,
          PublishTelemetry.traceparent(span, parentTraceparent));
    } finally {
      span.end();
    }
  }

  private <T> void publish(Topic<T> topic, String eventId, T data, String traceparent) {
    forward(encode(topic, eventId, data, traceparent), sinkOf(topic));
  }

  private static String sinkOf(Topic<?> topic) {
    if (topic == Topics.TENANT_POLICIES) {
      return SchedulerTopology.POLICIES_SINK;
    }
    if (topic == Topics.RUN_WATCHES) {
      return SchedulerTopology.WATCHES_SINK;
    }
    if (topic == Topics.RUN_EVENTS) {
      return SchedulerTopology.RUN_EVENTS_SINK;
    }
    return SchedulerTopology.CONTROLS_SINK;
  }

  private <T> ProducerRecord<String, byte[]> encode(
      Topic<T> topic, String eventId, T data, String traceparent) {
    return codec.encode(
        topic, FaultlineEvent.of(eventId, EngineProcessor.SOURCE, data, traceparent));
  }

  private void forward(ProducerRecord<String, byte[]> encoded, String sink) {
    // Record timestamps are wall time: brokers refuse timestamps far from their own clock, and the
    // scheduling clock may be a test's (or an operator's) controlled one.
    context.forward(
        new Record<>(
            encoded.key(), encoded.value(), context.currentSystemTimeMs(), encoded.headers()),
        sink);
  }
}
