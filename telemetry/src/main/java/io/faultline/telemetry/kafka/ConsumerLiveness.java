package io.faultline.telemetry.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which of a service's Kafka readers (consumers and stream threads) are running. Each reader
 * registers itself by name and reports when it stops; the gauge {@value #METRIC} ({@code
 * faultline_consumer_running} in Prometheus, tags {@code consumer} and {@code service}) reads 1
 * while it runs and 0 once it stopped, and a service's readiness check goes down while any reader
 * it depends on has stopped.
 */
public final class ConsumerLiveness {
  public static final String METRIC = "faultline.consumer.running";

  private final String service;
  private final MeterRegistry meters;
  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  private final Map<String, String> reasons = new ConcurrentHashMap<>();

  public ConsumerLiveness(String service, MeterRegistry meters) {
    this.service = service;
    this.meters = meters;
  }

  /** Marks {@code consumer} as running (registering its gauge the first time). */
  public void running(String consumer) {
    reasons.remove(consumer);
    gauge(consumer).set(1);
  }

  /** Marks {@code consumer} as stopped, with a reason operators can act on. */
  public void stopped(String consumer, String reason) {
    reasons.put(consumer, reason == null ? "stopped" : reason);
    gauge(consumer).set(0);
  }

  /** True when every registered reader runs. */
  public boolean allRunning() {
    return running.values().stream().allMatch(v -> v.get() == 1);
  }

  /** Each registered reader and "running" or why it stopped, sorted by name. */
  public Map<String, String> states() {
    Map<String, String> states = new TreeMap<>();
    running.forEach(
        (name, value) ->
            states.put(name, value.get() == 1 ? "running" : reasons.getOrDefault(name, "stopped")));
    return states;
  }

  public String service() {
    return service;
  }

  private AtomicInteger gauge(String consumer) {
    return running.computeIfAbsent(
        consumer,
        name -> {
          AtomicInteger value = new AtomicInteger(0);
          Gauge.builder(METRIC, value, AtomicInteger::get)
              .description("1 while this Kafka reader runs, 0 once it stopped")
              .tag("consumer", name)
              .tag("service", service)
              .register(meters);
          return value;
        });
  }
}
