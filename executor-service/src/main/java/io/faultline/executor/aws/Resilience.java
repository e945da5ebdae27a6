package io.faultline.executor.aws;

import io.faultline.executor.fault.TransportException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.slf4j.MDC;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Resilience4j around every AWS call: retry with exponential backoff and jitter on throttling, 5xx
 * and I/O errors; a circuit breaker per account-region (only those errors count, a 4xx is the
 * caller's problem, not the region's); a rate limiter per account for SSM; a bulkhead per tenant.
 */
final class Resilience {
  private final Retry retry;
  private final CircuitBreakerRegistry breakers;
  private final RateLimiterRegistry ssmLimiters;
  private final BulkheadRegistry bulkheads;
  private final ExecutorService sdkThreads;

  Resilience(AwsSettings settings) {
    // The SDK caches parsers and buffers in thread-locals (~100 KiB per thread for EC2/STS XML).
    // On one virtual thread per fault that would cost ~100 KiB per fault in flight; running the
    // calls on a bounded pool of platform threads bounds that cost by the pool size instead.
    this.sdkThreads =
        Executors.newFixedThreadPool(
            Math.min(64, settings.maxConnections()),
            Thread.ofPlatform().name("aws-call-", 0).daemon().factory());
    this.retry =
        RetryRegistry.of(
                RetryConfig.custom()
                    .maxAttempts(settings.maxAttempts())
                    .intervalFunction(
                        IntervalFunction.ofExponentialRandomBackoff(
                            settings.initialBackoff(), 2.0, 0.5, settings.maxBackoff()))
                    .retryOnException(Resilience::transientFailure)
                    .build())
            .retry("aws");
    this.breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.breakerFailureRate())
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(Math.min(10, settings.breakerWindow()))
                .waitDurationInOpenState(settings.breakerOpenFor())
                .recordException(Resilience::regionFailure)
                .build());
    this.ssmLimiters =
        RateLimiterRegistry.of(
            RateLimiterConfig.custom()
                .limitForPeriod(settings.ssmCallsPerSecond())
                .limitRefreshPeriod(Duration.ofSeconds(1))
                // Faults run on virtual threads: waiting for a permit costs no platform thread.
                .timeoutDuration(Duration.ofMinutes(5))
                .build());
    this.bulkheads =
        BulkheadRegistry.of(
            BulkheadConfig.custom()
                .maxConcurrentCalls(settings.tenantConcurrentCalls())
                .maxWaitDuration(Duration.ofMinutes(5))
                .build());
  }

  /** Throttling, server errors and I/O failures are worth another try; anything else is not. */
  static boolean transientFailure(Throwable error) {
    if (error instanceof SdkServiceException service) {
      return service.isThrottlingException() || service.statusCode() >= 500;
    }
    return error instanceof SdkClientException;
  }

  /**
   * What says an account-region is unhealthy: throttling, 5xx, or the endpoint not answering. A
   * client-side wait (e.g. for a pooled connection) says nothing about the region.
   */
  static boolean regionFailure(Throwable error) {
    if (error instanceof SdkServiceException service) {
      return service.isThrottlingException() || service.statusCode() >= 500;
    }
    Throwable cause = error.getCause();
    return error instanceof SdkClientException
        && (cause instanceof java.net.ConnectException
            || cause instanceof java.net.SocketTimeoutException
            || cause instanceof java.net.NoRouteToHostException);
  }

  /** Runs one AWS call for {@code tenant} in {@code account}/{@code region}. */
  <T> T call(
      String operation,
      String tenant,
      String account,
      String region,
      boolean ssm,
      Supplier<T> call) {
    CircuitBreaker breaker = breakers.circuitBreaker(account + "/" + region);
    Bulkhead bulkhead = bulkheads.bulkhead("tenant/" + tenant);
    Supplier<T> attempt = Bulkhead.decorateSupplier(bulkhead, () -> onSdkThread(call));
    if (ssm) {
      RateLimiter limiter = ssmLimiters.rateLimiter("ssm/" + account);
      attempt = RateLimiter.decorateSupplier(limiter, attempt);
    }
    attempt = CircuitBreaker.decorateSupplier(breaker, attempt);
    try {
      return Retry.decorateSupplier(retry, attempt).get();
    } catch (CallNotPermittedException e) {
      throw new TransportException(
          operation + " refused: circuit open for " + account + "/" + region, e);
    } catch (RequestNotPermitted e) {
      throw new TransportException(operation + " refused: SSM rate limit of " + account, e);
    } catch (BulkheadFullException e) {
      throw new TransportException(operation + " refused: tenant bulkhead full", e);
    }
  }

  private <T> T onSdkThread(Supplier<T> call) {
    // The pool thread works for the calling fault: its trace context and log fields go along.
    io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
    Map<String, String> logFields = MDC.getCopyOfContextMap();
    Future<T> result =
        sdkThreads.submit(
            () -> {
              if (logFields != null) {
                MDC.setContextMap(logFields);
              }
              try (Scope ignored = trace.makeCurrent()) {
                return call.get();
              } finally {
                MDC.clear();
              }
            });
    try {
      return result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while calling AWS", e);
    }
  }

  void close() {
    sdkThreads.shutdownNow();
  }

  CircuitBreaker.State breakerState(String account, String region) {
    return breakers.circuitBreaker(account + "/" + region).getState();
  }
}
