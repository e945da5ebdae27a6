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
  PUT_POLICY,
  REGISTER_ACCOUNT,
  REMOVE_ACCOUNT,
  /** The command's account carries the new external id and, as previous, the one it replaces. */
  ROTATE_EXTERNAL_ID,
  /** Drops the previous external id of account {@code id} now (ends a rotation's overlap). */
  END_EXTERNAL_ID_OVERLAP
}
