package io.faultline.events.tracing;

import io.faultline.events.cloudevents.FaultlineEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * Span names and attributes shared by every service, so a fault's trace reads the same wherever it
 * was recorded. OpenTelemetry semantic conventions where they exist ({@code cloud.*}, {@code
 * messaging.*}, {@code rpc.*}), {@code faultline.*} for Faultline's own.
 */
public final class FaultSpans {
  private FaultSpans() {}

  /** The policy service's decision on one request (CONSUMER, continues the request's trace). */
  public static final String POLICY_DECIDE = "policy.decide";

  /** The executor's run of one approved fault (CONSUMER, child of {@link #POLICY_DECIDE}). */
  public static final String FAULT_EXECUTE = "fault.execute";

  /** Children of {@link #FAULT_EXECUTE}, one per phase; inject and rollback one per SSM command. */
  public static final String ASSUME_ROLE = "fault.assume-role";

  public static final String RESOLVE_TARGETS = "fault.resolve-targets";
  public static final String PRE_CHECK = "fault.pre-check";

  /** The claim of a tag-selected fault's resolved instances from admission (issue 16). */
  public static final String CLAIM_TARGETS = "fault.claim-targets";

  public static final String RAMP = "fault.ramp";
  public static final String INJECT = "fault.inject";
  public static final String HOLD = "fault.hold";
  public static final String ROLLBACK = "fault.rollback";
  public static final String VERIFY = "fault.verify";

  /** The scheduler's publication of a wave's fault requests (PRODUCER). */
  public static final String SCHEDULER_PUBLISH = "scheduler.publish";

  public static final AttributeKey<String> TENANT_ID =
      AttributeKey.stringKey("faultline.tenant.id");
  public static final AttributeKey<String> FAULT_ID = AttributeKey.stringKey("faultline.fault.id");
  public static final AttributeKey<String> FAULT_TYPE =
      AttributeKey.stringKey("faultline.fault.type");
  public static final AttributeKey<String> EXPERIMENT_ID =
      AttributeKey.stringKey("faultline.experiment.id");
  public static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("faultline.run.id");
  public static final AttributeKey<String> DECISION = AttributeKey.stringKey("faultline.decision");
  public static final AttributeKey<String> REASON_CODE =
      AttributeKey.stringKey("faultline.reason.code");
  public static final AttributeKey<String> RULE_CODE =
      AttributeKey.stringKey("faultline.rule.code");
  public static final AttributeKey<String> RULE_OUTCOME =
      AttributeKey.stringKey("faultline.rule.outcome");
  public static final AttributeKey<String> SSM_COMMAND_ID =
      AttributeKey.stringKey("faultline.ssm.command.id");
  public static final AttributeKey<Boolean> DRY_RUN = AttributeKey.booleanKey("faultline.dry_run");
  public static final AttributeKey<String> CONTROL_ACTION =
      AttributeKey.stringKey("faultline.control.action");
  public static final AttributeKey<String> LIFECYCLE_STAGE =
      AttributeKey.stringKey("faultline.lifecycle.stage");
  public static final AttributeKey<Long> TARGET_COUNT =
      AttributeKey.longKey("faultline.target.count");
  public static final AttributeKey<String> CLOUD_ACCOUNT_ID =
      AttributeKey.stringKey("cloud.account.id");
  public static final AttributeKey<String> CLOUD_REGION = AttributeKey.stringKey("cloud.region");
  public static final AttributeKey<String> CLOUD_PROVIDER =
      AttributeKey.stringKey("cloud.provider");
  public static final AttributeKey<String> MESSAGING_SYSTEM =
      AttributeKey.stringKey("messaging.system");
  public static final AttributeKey<String> MESSAGING_DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  public static final AttributeKey<String> MESSAGING_OPERATION =
      AttributeKey.stringKey("messaging.operation.type");
  public static final AttributeKey<String> MESSAGING_MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  public static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  public static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  public static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");

  /**
   * A span that continues the trace an incoming event carries, or starts the fault's trace when it
   * carries none (a request published without trace context).
   */
  public static SpanBuilder continuing(
      Tracer tracer, String name, FaultlineEvent<?> event, String topic) {
    Context parent = TraceContexts.extract(event.traceparent());
    return tracer
        .spanBuilder(name)
        .setParent(parent)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(MESSAGING_SYSTEM, "kafka")
        .setAttribute(MESSAGING_OPERATION, "process")
        .setAttribute(MESSAGING_DESTINATION, topic)
        .setAttribute(MESSAGING_MESSAGE_ID, event.id());
  }

  /**
   * A client span for one AWS API call, named as OTel's AWS SDK conventions do ({@code
   * SSM.SendCommand}).
   */
  public static Span awsCall(Tracer tracer, String service, String operation) {
    return tracer
        .spanBuilder(service + "." + operation)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(RPC_SYSTEM, "aws-api")
        .setAttribute(RPC_SERVICE, service)
        .setAttribute(RPC_METHOD, operation)
        .startSpan();
  }

  /** Marks a span failed with a closed-set reason code. */
  public static void fail(Span span, String reasonCode, String message) {
    span.setAttribute(REASON_CODE, reasonCode);
    span.setStatus(StatusCode.ERROR, reasonCode + ": " + message);
  }
}
