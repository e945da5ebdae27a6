package io.faultline.executor.control;

import io.faultline.events.control.FaultControl;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FailureReason;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the controls say right now: halted tenants, whether the platform is halted, and which faults
 * and runs were aborted. Listeners hear every control as it is applied.
 */
public final class Controls {
  private final Set<String> haltedTenants = ConcurrentHashMap.newKeySet();
  private final Set<String> abortedFaults = ConcurrentHashMap.newKeySet();
  private final Set<String> abortedRuns = ConcurrentHashMap.newKeySet();
  private final List<Consumer<FaultControl>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean platformHalted;

  /** Registers a listener for every control applied from now on. */
  public void onControl(Consumer<FaultControl> listener) {
    listeners.add(listener);
  }

  /** Applies one control (in topic order) and tells the listeners. */
  public void apply(FaultControl control) {
    String tenant = control.tenantId() == null ? "" : control.tenantId().value();
    switch (control.action()) {
      case ABORT_FAULT -> abortedFaults.add(tenant + "/" + control.faultId());
      case ABORT_RUN -> abortedRuns.add(tenant + "/" + control.runId());
      case HALT_TENANT -> haltedTenants.add(tenant);
      case RESUME_TENANT -> haltedTenants.remove(tenant);
      case HALT_PLATFORM -> platformHalted = true;
      case RESUME_PLATFORM -> platformHalted = false;
    }
    listeners.forEach(l -> l.accept(control));
  }

  /**
   * Applies a tombstone on the controls topic: the abort of that fault or run is gone (the
   * scheduler writes one once the fault or run has ended). A tombstone for a halt scope changes
   * nothing here: halts end with RESUME_TENANT / RESUME_PLATFORM.
   *
   * @return false when the key names no control scope
   */
  public boolean cleared(String scope) {
    String[] parts = scope == null ? new String[0] : scope.split("/", 3);
    if (parts.length == 3 && parts[0].equals("fault")) {
      abortedFaults.remove(parts[1] + "/" + parts[2]);
      return true;
    }
    if (parts.length == 3 && parts[0].equals("run")) {
      abortedRuns.remove(parts[1] + "/" + parts[2]);
      return true;
    }
    return FaultControl.PLATFORM_KEY.equals(scope)
        || (parts.length == 2 && parts[0].equals("tenant"));
  }

  /**
   * Why a fault may not start (or must stop): HALTED when its tenant or the platform is halted,
   * ABORTED when it or its run was aborted.
   */
  public Optional<FailureReason> blocked(TenantId tenant, FaultId fault, RunId run) {
    if (platformHalted || haltedTenants.contains(tenant.value())) {
      return Optional.of(FailureReason.HALTED);
    }
    if (abortedFaults.contains(tenant.value() + "/" + fault.value())
        || (run != null && abortedRuns.contains(tenant.value() + "/" + run.value()))) {
      return Optional.of(FailureReason.ABORTED);
    }
    return Optional.empty();
  }

  /**
   * Whether {@code control} stops a fault of {@code tenant}, {@code fault} and {@code run}, and
   * with which reason.
   */
  public static Optional<FailureReason> stops(
      FaultControl control, TenantId tenant, FaultId fault, RunId run) {
    return switch (control.action()) {
      case HALT_PLATFORM -> Optional.of(FailureReason.HALTED);
      case HALT_TENANT ->
          control.tenantId().equals(tenant) ? Optional.of(FailureReason.HALTED) : Optional.empty();
      case ABORT_FAULT ->
          control.tenantId().equals(tenant) && control.faultId().equals(fault)
              ? Optional.of(FailureReason.ABORTED)
              : Optional.empty();
      case ABORT_RUN ->
          control.tenantId().equals(tenant) && control.runId().equals(run)
              ? Optional.of(FailureReason.ABORTED)
              : Optional.empty();
      case RESUME_TENANT, RESUME_PLATFORM -> Optional.empty();
    };
  }
}
