package io.faultline.events.control;

import java.util.Locale;

/** What a control asks for. */
public enum ControlAction {
  /** Abort one fault: cancel its commands, roll back, end with ABORTED. */
  ABORT_FAULT,
  /** Abort every fault of one run. */
  ABORT_RUN,
  /** No new approvals for the tenant; its running faults are aborted. */
  HALT_TENANT,
  RESUME_TENANT,
  /** No new approvals for anyone; every running fault is aborted. */
  HALT_PLATFORM,
  RESUME_PLATFORM;

  /** The CloudEvents type, e.g. {@code io.faultline.control.halt-tenant.v1}. */
  public String cloudEventType() {
    return "io.faultline.control." + name().toLowerCase(Locale.ROOT).replace('_', '-') + ".v1";
  }
}
