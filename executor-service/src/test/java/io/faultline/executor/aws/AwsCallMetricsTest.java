package io.faultline.executor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

class AwsCallMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AwsCallMetrics metrics = new AwsCallMetrics(registry);

  private static AwsServiceException status(int code, String errorCode) {
    return AwsServiceException.builder()
        .statusCode(code)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(errorCode).build())
        .build();
  }

  private static ExecutionAttributes call(String service, String operation) {
    ExecutionAttributes attributes = new ExecutionAttributes();
    attributes.putAttribute(SdkExecutionAttribute.SERVICE_NAME, service);
    attributes.putAttribute(SdkExecutionAttribute.OPERATION_NAME, operation);
    return attributes;
  }

  private void fail(ExecutionAttributes attributes, Throwable error) {
    metrics.beforeExecution(null, attributes);
    metrics.onExecutionFailure(
        new Context.FailedExecution() {
          @Override
          public Throwable exception() {
            return error;
          }

          @Override
          public SdkRequest request() {
            return null;
          }

          @Override
          public Optional<SdkHttpRequest> httpRequest() {
            return Optional.empty();
          }

          @Override
          public Optional<SdkHttpResponse> httpResponse() {
            return Optional.empty();
          }

          @Override
          public Optional<SdkResponse> response() {
            return Optional.empty();
          }
        },
        attributes);
  }

  private double calls(String service, String operation, String outcome) {
    var counter =
        registry
            .find(AwsCallMetrics.CALLS)
            .tags("service", service, "operation", operation, "outcome", outcome)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void classifiesThrottlingByErrorCodeAndStatusAndEverythingElseAsAnError() {
    assertThat(AwsCallMetrics.outcome(status(400, "ThrottlingException"))).isEqualTo("throttled");
    assertThat(AwsCallMetrics.outcome(status(400, "RequestLimitExceeded"))).isEqualTo("throttled");
    assertThat(AwsCallMetrics.outcome(status(429, "TooManyRequests"))).isEqualTo("throttled");
    assertThat(AwsCallMetrics.outcome(status(500, "InternalError"))).isEqualTo("error");
    assertThat(AwsCallMetrics.outcome(status(400, "InvalidDocument"))).isEqualTo("error");
    assertThat(AwsCallMetrics.outcome(SdkClientException.create("connect timed out")))
        .isEqualTo("error");
  }

  @Test
  void countsEachCallByServiceOperationAndOutcomeAndTimesIt() {
    ExecutionAttributes ok = call("Ssm", "SendCommand");
    metrics.beforeExecution(null, ok);
    metrics.afterExecution(null, ok);
    fail(call("Ssm", "SendCommand"), status(400, "ThrottlingException"));
    fail(call("Ec2", "DescribeInstances"), status(503, "ServiceUnavailable"));

    assertThat(calls("SSM", "SendCommand", "success")).isEqualTo(1);
    assertThat(calls("SSM", "SendCommand", "throttled")).isEqualTo(1);
    assertThat(calls("EC2", "DescribeInstances", "error")).isEqualTo(1);
    assertThat(calls("SSM", "SendCommand", "error")).isZero();
    assertThat(
            registry
                .get(AwsCallMetrics.CALL_DURATION)
                .tags("service", "SSM", "operation", "SendCommand")
                .timer()
                .count())
        .isEqualTo(2);
  }
}
