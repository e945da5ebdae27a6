package io.faultline.executor.probe;

import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.probe.RunWatch;
import java.util.Objects;

/** The watch a reading is taken for: whose run it is (and so whose accounts it may read). */
public record ProbeContext(TenantId tenantId, RunId runId, ExperimentId experimentId) {
  public ProbeContext {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(experimentId, "experimentId");
  }

  public static ProbeContext of(RunWatch watch) {
    return new ProbeContext(watch.tenantId(), watch.runId(), watch.experimentId());
  }
}
