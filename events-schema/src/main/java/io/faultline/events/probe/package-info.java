/**
 * Probes and run watches (ADR 0010): the probe catalogue (one JSON Schema per probe type), the
 * watch the scheduler writes for every running run, and the run events executors and the scheduler
 * publish about it (readings, steady-state, bake and final results, breaches, verdicts).
 */
package io.faultline.events.probe;
