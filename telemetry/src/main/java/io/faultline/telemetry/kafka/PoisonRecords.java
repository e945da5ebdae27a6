package io.faultline.telemetry.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs records a service skipped because it could not read them (null or missing
 * headers, unreadable values, oversized records, wrong types). Each record is logged once, with its
 * topic, partition and offset, and counted in {@value #METRIC} ({@code
 * faultline_poison_records_total} in Prometheus) tagged by {@code topic} and {@code service}. The
 * caller then skips the record (or dead-letters it) and goes on: a poison record never stops a
 * consumer.
 */
public final class PoisonRecords {
  public static final String METRIC = "faultline.poison.records";

  private static final Logger log = LoggerFactory.getLogger(PoisonRecords.class);
  private static final int MAX_REASON = 500;

  private final String service;
  private final MeterRegistry meters;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public PoisonRecords(String service, MeterRegistry meters) {
    this.service = service;
    this.meters = meters;
  }

  /** Counts and logs one skipped record; {@code reason} names the field and the rule broken. */
  public void skipped(String topic, int partition, long offset, String reason) {
    counter(topic).increment();
    log.warn(
        "poison record skipped: topic={} partition={} offset={} service={} reason={}",
        topic,
        partition,
        offset,
        service,
        truncate(reason));
  }

  /** As {@link #skipped(String, int, long, String)} for an exception's message. */
  public void skipped(String topic, int partition, long offset, Throwable cause) {
    skipped(topic, partition, offset, describe(cause));
  }

  /** How many records of {@code topic} were skipped so far. */
  public double count(String topic) {
    return counter(topic).count();
  }

  public String service() {
    return service;
  }

  /** The exception's class and first message line: what a log reader needs, no stack. */
  public static String describe(Throwable cause) {
    String message = cause.getMessage();
    if (message == null) {
      return cause.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return cause.getClass().getSimpleName()
        + ": "
        + (newline < 0 ? message : message.substring(0, newline));
  }

  private Counter counter(String topic) {
    return counters.computeIfAbsent(
        topic,
        t ->
            Counter.builder(METRIC)
                .description("records skipped because they could not be read")
                .tag("topic", t)
                .tag("service", service)
                .register(meters));
  }

  private static String truncate(String reason) {
    if (reason == null) {
      return "";
    }
    return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason;
  }
}
