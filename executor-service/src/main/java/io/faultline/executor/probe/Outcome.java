package io.faultline.executor.probe;

import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.RunEventKind;

/**
 * What a watch's phase logic decided: a run event to publish (a {@link
 * RunEventKind#STOP_CONDITION_BREACHED} also aborts the run).
 *
 * @param probe the probe it is about, or null for a result about them all
 * @param reading the deciding reading, or null
 */
record Outcome(RunEventKind kind, String probe, ProbeReading reading, String detail) {}
