package io.faultline.scheduler.state;

import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.WatchPhase;
import java.time.Instant;

/**
 * One probe reading of a run, as its {@code PROBE_READING} run event carried it: bounded (a number,
 * a state, or a status code and latency, and an error; never a response body).
 *
 * @param probe the probe's name
 * @param at when it was read
 * @param ok whether the reading was healthy (an unreadable probe never is)
 * @param value a metric or query value, or null
 * @param state e.g. an alarm state, or null
 * @param status an HTTP status code, or null
 * @param latencyMs how long the read took, or null
 * @param error why the probe could not be read, or why the reading fails; null when ok
 * @param phase the watch phase it was read in
 * @param wave the wave the phase was about (0 before the first)
 */
public record RunReading(
    String probe,
    Instant at,
    boolean ok,
    Double value,
    String state,
    Integer status,
    Long latencyMs,
    String error,
    WatchPhase phase,
    Integer wave) {

  /** The reading a run event carries; null when it carries none. */
  public static RunReading of(RunEvent e) {
    if (e.reading() == null) {
      return null;
    }
    return new RunReading(
        e.probe(),
        e.at(),
        e.reading().ok(),
        e.reading().value(),
        e.reading().state(),
        e.reading().status(),
        e.reading().latencyMs(),
        e.reading().error(),
        e.phase(),
        e.wave());
  }
}
