package io.faultline.executor.claims;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.claims.TargetsGranted;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.observability.Observability;
import java.time.Duration;
import java.util.Optional;

/**
 * The target-claims feature of an executor, assembled: claims on Kafka when the run settings ask
 * for them, {@link TargetClaims#off()} otherwise, and closed with the executor.
 */
public final class ExecutorClaims implements TargetClaims, AutoCloseable {
  private final TargetClaims claims;

  private ExecutorClaims(TargetClaims claims) {
    this.claims = claims;
  }

  /**
   * An executor's target claims: read and written on Kafka when {@code enabled}, none otherwise.
   */
  public static ExecutorClaims forExecutor(
      KafkaClients kafka, boolean enabled, Observability observability) {
    return new ExecutorClaims(
        enabled
            ? new KafkaTargetClaims(
                kafka, observability.meters(), observability.poison(), observability.readers())
            : TargetClaims.off());
  }

  @Override
  public boolean enabled() {
    return claims.enabled();
  }

  @Override
  public Optional<TargetsGranted> claim(TargetsClaimed claim, String traceparent, Duration timeout)
      throws InterruptedException {
    return claims.claim(claim, traceparent, timeout);
  }

  @Override
  public void close() {
    if (claims instanceof KafkaTargetClaims kafkaClaims) {
      kafkaClaims.close();
    }
  }
}
