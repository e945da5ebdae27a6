package io.faultline.executor.aws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts and times every AWS API call as the SDK makes it: {@code faultline.aws.calls} {service,
 * operation, outcome=success|throttled|error} and {@code faultline.aws.call.duration} {service,
 * operation}, the service upper-cased (SSM, STS, EC2, ECS). The SDK's own retries are off
 * (Resilience4j retries), so each attempt is one call.
 */
final class AwsCallMetrics implements ExecutionInterceptor {
  static final String CALLS = "faultline.aws.calls";
  static final String CALL_DURATION = "faultline.aws.call.duration";

  private static final ExecutionAttribute<Long> STARTED =
      new ExecutionAttribute<>("faultline.aws.call.started");

  private final MeterRegistry registry;

  AwsCallMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(STARTED, System.nanoTime());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    record(attributes, "success");
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    record(attributes, outcome(context.exception()));
  }

  /** Throttling as the SDK classifies it (error codes and HTTP 429), else an error. */
  static String outcome(Throwable error) {
    if (error instanceof SdkServiceException service && service.isThrottlingException()) {
      return "throttled";
    }
    return "error";
  }

  private void record(ExecutionAttributes attributes, String outcome) {
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    // "SSM", "STS", "EC2", "ECS": as the fault spans' rpc.service names them.
    service = service == null ? "unknown" : service.toUpperCase(Locale.ROOT);
    operation = operation == null ? "unknown" : operation;
    Counter.builder(CALLS)
        .description("AWS API calls by outcome")
        .tag("service", service)
        .tag("operation", operation)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
    Long started = attributes.getAttribute(STARTED);
    if (started != null) {
      Timer.builder(CALL_DURATION)
          .description("Duration of one AWS API call")
          .tag("service", service)
          .tag("operation", operation)
          .register(registry)
          .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }
}
