package io.faultline.executor.probe;

import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.ProbeType;

/**
 * Reads one probe type: one reading from a probe's definition and the watch it belongs to.
 *
 * <p>Contract: thread-safe (called concurrently for many watches, each call on its own virtual
 * thread); bounded in time by the probe type's own timeouts; never throws for a probe that cannot
 * be read but returns a failing reading whose {@code error} says why (ADR 0010: unreadable counts
 * as failing, stopping is cheaper than hurting the system under test); never puts a credential or a
 * response body into a reading.
 */
public interface Probe {
  /** The probe type this reads; one {@code Probe} per type in the {@link ProbeRegistry}. */
  ProbeType type();

  /**
   * @param definition a probe of {@link #type()}
   * @param context the watch it belongs to (tenant, run, experiment)
   */
  ProbeReading read(ProbeDefinition definition, ProbeContext context);
}
