package io.faultline.scheduler.state;

/**
 * A condition that should stop an experiment, e.g. {@code cloudwatch-alarm} with an alarm name.
 * Carried with the experiment for people and tooling; the scheduler itself stops a run only on a
 * failed, aborted or rejected fault (it never calls AWS).
 */
public record StopCondition(String kind, String value) {}
