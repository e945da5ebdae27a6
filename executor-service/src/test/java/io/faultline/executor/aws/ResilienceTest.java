package io.faultline.executor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.executor.fault.TransportException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

class ResilienceTest {
  private static AwsSettings settings(int attempts) {
    return AwsSettings.defaults().withRetries(attempts, Duration.ofMillis(1), Duration.ofMillis(5));
  }

  private static AwsServiceException status(int code, String errorCode) {
    return AwsServiceException.builder()
        .statusCode(code)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(errorCode).build())
        .build();
  }

  @Test
  void retriesThrottlingAndServerErrorsThenSucceeds() {
    Resilience resilience = new Resilience(settings(4));
    AtomicInteger calls = new AtomicInteger();

    String result =
        resilience.call(
            "ssm:SendCommand",
            "tenant-a",
            "111111111111",
            "eu-west-1",
            true,
            () -> {
              int n = calls.incrementAndGet();
              if (n == 1) {
                throw status(400, "ThrottlingException");
              }
              if (n == 2) {
                throw status(503, "ServiceUnavailable");
              }
              return "ok";
            });

    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(3);
    resilience.close();
  }

  @Test
  void neverRetriesAClientError() {
    Resilience resilience = new Resilience(settings(4));
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                resilience.call(
                    "ssm:SendCommand",
                    "tenant-a",
                    "111111111111",
                    "eu-west-1",
                    true,
                    () -> {
                      calls.incrementAndGet();
                      throw status(400, "InvalidInstanceId");
                    }))
        .isInstanceOf(AwsServiceException.class);
    assertThat(calls).hasValue(1);
    resilience.close();
  }

  @Test
  void opensTheCircuitOfOneAccountRegionOnly() {
    Resilience resilience = new Resilience(settings(1));
    // The failures open the circuit; once open, calls are refused.
    failTwentyTimes(
        resilience, "ec2:DescribeInstances", "222222222222", false, status(500, "InternalError"));

    assertThat(resilience.breakerState("222222222222", "eu-west-1"))
        .isEqualTo(CircuitBreaker.State.OPEN);
    assertThatThrownBy(
            () ->
                resilience.call(
                    "ec2:DescribeInstances",
                    "tenant-b",
                    "222222222222",
                    "eu-west-1",
                    false,
                    () -> "never called"))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("circuit open");
    assertThat(
            resilience.call(
                "ec2:DescribeInstances",
                "tenant-b",
                "222222222222",
                "us-east-1",
                false,
                () -> "ok"))
        .isEqualTo("ok");
    resilience.close();
  }

  @Test
  void doesNotOpenTheCircuitForClientSideWaits() {
    Resilience resilience = new Resilience(settings(1));
    // Waiting for a pooled connection says nothing about the region.
    failTwentyTimes(
        resilience,
        "ssm:GetCommandInvocation",
        "333333333333",
        true,
        SdkClientException.create("Timeout waiting for connection from pool"));

    assertThat(resilience.breakerState("333333333333", "eu-west-1"))
        .isEqualTo(CircuitBreaker.State.CLOSED);
    resilience.close();
  }

  @Test
  void limitsSsmCallsPerAccount() {
    Resilience resilience = new Resilience(settings(1).withSsmCallsPerSecond(5));
    Instant start = Instant.now();

    for (int i = 0; i < 12; i++) {
      resilience.call(
          "ssm:GetCommandInvocation", "tenant-d", "444444444444", "eu-west-1", true, () -> 1);
    }

    // 5 per second: the 11th and 12th call wait for the third second's permits.
    assertThat(Duration.between(start, Instant.now())).isGreaterThan(Duration.ofMillis(1_500));
    resilience.close();
  }

  /** Twenty calls in eu-west-1 that each fail with {@code failure} (or are refused meanwhile). */
  private static void failTwentyTimes(
      Resilience resilience,
      String operation,
      String account,
      boolean clientSide,
      RuntimeException failure) {
    for (int i = 0; i < 20; i++) {
      try {
        resilience.call(
            operation,
            "tenant-" + account,
            account,
            "eu-west-1",
            clientSide,
            () -> {
              throw failure;
            });
      } catch (AwsServiceException | SdkClientException | TransportException expected) {
        // the failure itself, or the open circuit's TransportException
      }
    }
  }
}
