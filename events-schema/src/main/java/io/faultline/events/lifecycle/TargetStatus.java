package io.faultline.events.lifecycle;

/** What happened to one target. */
public enum TargetStatus {
  RESOLVED,
  EXCLUDED_PROTECTED,
  SKIPPED,
  INJECTED,
  INJECT_FAILED,
  ROLLED_BACK,
  ROLLBACK_FAILED,
  VERIFIED
}
