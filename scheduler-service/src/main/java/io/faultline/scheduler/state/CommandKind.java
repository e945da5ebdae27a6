package io.faultline.scheduler.state;

/** What a {@link SchedulerCommand} asks the engine to do. */
public enum CommandKind {
  PUT_EXPERIMENT,
  DELETE_EXPERIMENT,
  PUT_SCHEDULE,
  DELETE_SCHEDULE,
  ENABLE_SCHEDULE,
  DISABLE_SCHEDULE,
  START_RUN,
  ABORT_RUN,
  /** Aborts fault {@code id} of the tenant: an ABORT_FAULT control, tombstoned once it ended. */
  ABORT_FAULT,
  PUT_POLICY,
  REGISTER_ACCOUNT,
  REMOVE_ACCOUNT,
  /** The command's account carries the new external id and, as previous, the one it replaces. */
  ROTATE_EXTERNAL_ID,
  /** Drops the previous external id of account {@code id} now (ends a rotation's overlap). */
  END_EXTERNAL_ID_OVERLAP,
  /**
   * Adds the command's publisher key (ADR 0008) unless the tenant has a key of that id, revoked or
   * not; then only the command is recorded.
   */
  ADD_PUBLISHER_KEY,
  /** Revokes publisher key {@code id} as of the command's {@code issuedAt}; it stays listed. */
  REVOKE_PUBLISHER_KEY
}
