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
  REMOVE_ACCOUNT
}
