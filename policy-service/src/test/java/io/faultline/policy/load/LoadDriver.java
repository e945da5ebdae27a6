package io.faultline.policy.load;

import io.faultline.events.policy.Bounds;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.policy.PolicyExamples;
import io.faultline.policy.admission.AdmissionSettings;
import io.faultline.policy.admission.AdmissionTelemetry;
import io.faultline.policy.admission.AdmissionTopology;
import io.faultline.policy.admission.Broker;
import io.faultline.policy.admission.StreamsSettings;
import io.faultline.testsupport.TestKafka;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Drives one policy-service instance (Kafka Streams, exactly_once_v2, 2 stream threads) on a real
 * broker and reports decisions/s and request-to-decision latency. Not a test: run it with {@code
 * ./mvnw -pl policy-service -Pload test-compile exec:java}.
 *
 * <p>Phase 1 (throughput): a backlog of requests is written first, then the instance starts; the
 * rate at which committed decisions appear is its capacity. Phase 2 (latency): requests at a fixed
 * rate; latency is from the producer's send to a {@code read_committed} consumer seeing the
 * decision. Every request is approvable (unique targets, generous limits), the costlier path: an
 * approval writes an approval, a lifecycle event and a lease.
 *
 * <p>System properties: {@code load.backlog} (default 100000), {@code load.rates} (default
 * 2000,5000), {@code load.seconds} (default 20), {@code load.threads} (default 2).
 */
public final class LoadDriver {
  private LoadDriver() {}

  static final int TENANTS = 100;

  public static void main(String[] args) throws Exception {
    int backlog = Integer.getInteger("load.backlog", 100_000);
    int seconds = Integer.getInteger("load.seconds", 20);
    int threads = Integer.getInteger("load.threads", 2);
    int[] rates =
        Arrays.stream(System.getProperty("load.rates", "2000,5000").split(","))
            .filter(rate -> !rate.isBlank())
            .mapToInt(Integer::parseInt)
            .toArray();
    Broker broker = Broker.unique("load");
    System.out.printf(
        "broker: %s (%s), cores: %d, stream threads: %d%n",
        TestKafka.kind(), broker.bootstrap(), Runtime.getRuntime().availableProcessors(), threads);

    String run = UUID.randomUUID().toString().substring(0, 6);
    try (KafkaProducer<String, byte[]> producer = broker.producer()) {
      for (int t = 0; t < TENANTS; t++) {
        TenantPolicy policy =
            PolicyExamples.withConcurrency(
                PolicyExamples.withBounds(
                    PolicyExamples.policy(tenant(run, t), account(t)), new Bounds(3600, 50, 5)),
                Integer.MAX_VALUE,
                Integer.MAX_VALUE);
        producer.send(broker.record(Topics.TENANT_POLICIES, policy));
      }
      System.out.printf("writing a backlog of %d requests...%n", backlog);
      for (int i = 0; i < backlog; i++) {
        producer.send(broker.record(Topics.FAULT_REQUESTS, request(run, "b", i)));
      }
      producer.flush();
    }

    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    AtomicLong decided = new AtomicLong();
    AtomicLong firstDecision = new AtomicLong();
    AtomicLong lastDecision = new AtomicLong();
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    Thread reader =
        new Thread(
            () -> {
              try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
                consumer.subscribe(List.of(broker.topic(Topics.FAULT_LIFECYCLE)));
                while (running.get()) {
                  for (ConsumerRecord<String, byte[]> record :
                      consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    Header subject = record.headers().lastHeader("ce_subject");
                    String fault = new String(subject.value(), StandardCharsets.UTF_8);
                    firstDecision.compareAndSet(0, now);
                    lastDecision.set(now);
                    decided.incrementAndGet();
                    Long sent = sentAt.remove(fault);
                    if (sent != null) {
                      latencies.add(now - sent);
                    }
                  }
                }
              }
            });
    reader.setDaemon(true);
    reader.start();

    java.util.Properties props =
        StreamsSettings.of(
            broker.bootstrap(),
            "policy-load-" + run,
            threads,
            Files.createTempDirectory("policy-load").toString(),
            1);
    // -Dstreams.<name>=<value> overrides any Streams setting, for tuning experiments.
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("streams."))
        .forEach(name -> props.put(name.substring(8), System.getProperty(name)));
    // As deployed: every decision recorded as a sampled span (batched, then discarded here, so the
    // figures include the tracing cost but not a backend's) and counted in a Prometheus registry.
    // -Dload.tracing=false measures without.
    boolean tracing = Boolean.parseBoolean(System.getProperty("load.tracing", "true"));
    AdmissionTelemetry telemetry =
        tracing
            ? new AdmissionTelemetry(
                OpenTelemetrySdk.builder()
                    .setTracerProvider(
                        SdkTracerProvider.builder()
                            .addSpanProcessor(
                                BatchSpanProcessor.builder(SpanExporter.composite()).build())
                            .build())
                    .build(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            : AdmissionTelemetry.none();
    System.out.printf("tracing and metrics: %s%n", tracing ? "on" : "off");
    KafkaStreams streams =
        new KafkaStreams(
            AdmissionTopology.build(
                new AdmissionSettings(
                    Integer.MAX_VALUE, Duration.ofHours(1), Duration.ofSeconds(1), broker.prefix),
                telemetry),
            props);
    long started = System.nanoTime();
    streams.start();
    while (decided.get() < backlog
        && System.nanoTime() - started < Duration.ofMinutes(5).toNanos()) {
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    double span = (lastDecision.get() - firstDecision.get()) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "THROUGHPUT backlog=%d decided=%d in %.2f s (first to last decision): %.0f decisions/s;"
            + " %.2f s including start-up and restore%n",
        backlog,
        decided.get(),
        span,
        (decided.get() - 1) / span,
        (lastDecision.get() - started) / 1e9);

    try (KafkaProducer<String, byte[]> producer = broker.producer()) {
      for (int rate : rates) {
        latencies.clear();
        long before = decided.get();
        long intervalNanos = 1_000_000_000L / rate;
        int total = rate * seconds;
        int warmup = rate * 2;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
          long due = start + i * intervalNanos;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          FaultRequested request = request(run, "r" + rate, i);
          ProducerRecord<String, byte[]> record = broker.record(Topics.FAULT_REQUESTS, request);
          if (i >= warmup) {
            sentAt.put(request.faultId().value(), System.nanoTime());
          }
          producer.send(record);
        }
        long sendEnd = System.nanoTime();
        long expected = before + total;
        while (decided.get() < expected
            && System.nanoTime() - sendEnd < Duration.ofSeconds(60).toNanos()) {
          LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        List<Long> sorted;
        synchronized (latencies) {
          sorted = new ArrayList<>(latencies);
        }
        sorted.sort(null);
        System.out.printf(
            Locale.ROOT,
            "LATENCY rate=%d/s for %d s (first 2 s excluded): offered %.0f/s, decided %d of %d,"
                + " p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
            rate,
            seconds,
            total / ((sendEnd - start) / 1e9),
            decided.get() - before,
            total,
            percentile(sorted, 0.50),
            percentile(sorted, 0.99),
            sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1) / 1e6);
      }
    }
    running.set(false);
    streams.close(Duration.ofSeconds(10));
    System.exit(0);
  }

  static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size()))) / 1e6;
  }

  static String tenant(String run, int t) {
    return "load-" + run + "-" + t;
  }

  static String account(int t) {
    return String.format("%012d", 700_000_000_000L + t);
  }

  /** A request that passes every rule: its own tenant's account and a target nobody else uses. */
  static FaultRequested request(String run, String phase, int i) {
    int t = i % TENANTS;
    return PolicyExamples.processKill(
        tenant(run, t),
        "load-" + run + "-" + phase + "-" + i,
        account(t),
        String.format("i-%017x", ((long) phase.hashCode() & 0xffffL) << 40 | i));
  }
}
