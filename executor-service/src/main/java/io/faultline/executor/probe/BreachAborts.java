package io.faultline.executor.probe;

import io.faultline.events.control.FaultControl;
import io.faultline.events.control.StopConditionBreach;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.RunWatch;
import io.faultline.executor.control.ControlPublisher;
import io.faultline.executor.control.Controls;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a stop condition's breach into {@code ABORT_RUN STOP_CONDITION} (ADR 0010), the path an
 * HTTP halt takes: applied to this executor's controls at once (its faults of the run roll back
 * now), and published on the controls topic, which every executor reads and rolls its faults of the
 * run back on. No round trip through the scheduler.
 */
final class BreachAborts {
  private static final Logger log = LoggerFactory.getLogger(BreachAborts.class);

  private final Controls controls;
  private final ControlPublisher publisher;
  private final String executorId;
  private final Clock clock;

  BreachAborts(Controls controls, ControlPublisher publisher, String executorId, Clock clock) {
    this.controls = controls;
    this.publisher = publisher;
    this.executorId = executorId;
    this.clock = clock;
  }

  void abort(RunWatch watch, String probe, ProbeReading reading, Instant readAt) {
    FaultControl control =
        FaultControl.stopConditionAbort(
            controlId(watch, probe),
            watch.tenantId(),
            watch.runId(),
            new StopConditionBreach(probe, reading, readAt, watch.revision()),
            "executor:" + executorId,
            clock.instant());
    log.warn(
        "run {}/{}: stop condition '{}' breached ({}); aborting the run",
        watch.tenantId(),
        watch.runId(),
        probe,
        reading.describe());
    controls.apply(control);
    publisher.publish(control);
  }

  // The same breach found again (another executor after a rebalance) writes the same control id.
  private static String controlId(RunWatch watch, String probe) {
    return "stop-"
        + UUID.nameUUIDFromBytes(
            (watch.key() + "|" + watch.revision() + "|" + probe).getBytes(StandardCharsets.UTF_8));
  }
}
