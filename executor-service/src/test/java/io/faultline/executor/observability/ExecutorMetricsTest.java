package io.faultline.executor.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ExecutorMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ExecutorMetrics metrics = new ExecutorMetrics(registry);

  @Test
  void countsTerminalFaultsByStageAndReason() {
    metrics.finished("ec2-process-kill", "acme", LifecycleStage.FAILED, FailureReason.ROLLBACK);
    metrics.finished("ec2-process-kill", "acme", LifecycleStage.FAILED, FailureReason.ROLLBACK);
    metrics.finished("ec2-process-kill", "acme", LifecycleStage.FAILED, FailureReason.INJECT);
    metrics.finished("ec2-process-kill", "acme", LifecycleStage.COMPLETED, null);

    assertThat(finished("FAILED", "ROLLBACK")).isEqualTo(2.0);
    assertThat(finished("FAILED", "INJECT")).isEqualTo(1.0);
    assertThat(finished("COMPLETED", ExecutorMetrics.NO_REASON)).isEqualTo(1.0);
  }

  private double finished(String stage, String reason) {
    return registry
        .get(ExecutorMetrics.FAULTS_FINISHED)
        .tags("fault_type", "ec2-process-kill", "tenant", "acme", "stage", stage, "reason", reason)
        .counter()
        .count();
  }
}
