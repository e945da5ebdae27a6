package io.faultline.executor.probe;

import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.ProbeType;
import io.faultline.executor.probe.cloudwatchalarm.CloudWatchAlarmProbe;
import io.faultline.executor.probe.cloudwatchmetric.CloudWatchMetricProbe;
import io.faultline.executor.probe.http.HttpProbe;
import io.faultline.executor.probe.promql.PromqlProbe;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe types this executor reads, by type. Adding a probe type adds one line to {@link
 * #standard}. A probe of a type not registered here, or one whose reader throws, reads as failing
 * (fail safe, ADR 0010).
 */
public final class ProbeRegistry {
  private static final Logger log = LoggerFactory.getLogger(ProbeRegistry.class);

  private final Map<ProbeType, Probe> probes = new EnumMap<>(ProbeType.class);

  public ProbeRegistry(Collection<Probe> probes) {
    for (Probe probe : probes) {
      if (this.probes.put(probe.type(), probe) != null) {
        throw new IllegalArgumentException("two readers of probe type " + probe.type());
      }
    }
  }

  /** Every probe type this release reads. */
  public static ProbeRegistry standard(ProbeTools tools) {
    return new ProbeRegistry(
        List.of(
            // One line per probe type.
            new CloudWatchAlarmProbe(tools.cloudWatch(), tools.accounts()),
            new CloudWatchMetricProbe(tools.cloudWatch(), tools.accounts(), tools.clock()),
            new HttpProbe(tools.egress()),
            new PromqlProbe(tools.egress())));
  }

  /** One reading of {@code definition}; never throws. */
  public ProbeReading read(ProbeDefinition definition, ProbeContext context) {
    Probe probe = probes.get(definition.type());
    if (probe == null) {
      return ProbeReading.unreadable(
          "probe type " + definition.type() + " is not read by this executor");
    }
    try {
      return probe.read(definition, context);
    } catch (ProbeUnreadable e) {
      return ProbeReading.unreadable(e.getMessage());
    } catch (RuntimeException e) {
      log.warn(
          "probe {} of run {}/{} could not be read",
          definition.name(),
          context.tenantId(),
          context.runId(),
          e);
      return ProbeReading.unreadable(
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  public boolean reads(ProbeType type) {
    return probes.containsKey(type);
  }
}
