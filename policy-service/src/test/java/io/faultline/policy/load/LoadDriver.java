package io.faultline.policy.load;

import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.policy.Bounds;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.policy.PolicyExamples;
import io.faultline.policy.admission.AdmissionPipeline;
import io.faultline.policy.admission.AdmissionSettings;
import io.faultline.policy.admission.AdmissionTelemetry;
import io.faultline.policy.admission.Broker;
import io.faultline.policy.admission.StreamsSettings;
import io.faultline.policy.kafka.KafkaClients;
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
 * <p>Phase 0 (warm-up): {@code load.warmup} requests are decided and the instance stops cleanly, so
 * the JIT has compiled the hot paths before anything is measured. Phase 1 (throughput): a backlog
 * of requests is written, then the instance starts again; the rate at which committed decisions
 * appear is its capacity. Phase 1 runs {@code load.rounds} times (default 2) and the last round is
 * the figure: the first one still pays for compiling the restart and large-batch paths. Phase 2
 * (latency): requests at a fixed rate; latency is from the producer's send to a {@code
 * read_committed} consumer seeing the decision. Every request is approvable (unique targets,
 * generous limits), the costlier path: an approval writes an approval, a lifecycle event and a
 * lease.
 *
 * <p>{@code -Dload.executor=true} adds a {@link LoadExecutor}: {@code load.hold} ms (default 1000)
 * after each approval it publishes the five lifecycle events of a fault that ran and rolled back,
 * so the service also reads the executor's events (a production instance's work per fault) and
 * releases every lease; each phase then ends only once every lease is released.
 *
 * <p>{@code -Dload.brokerOnly=true} starts only the broker and prints {@code BROKER <bootstrap>}; a
 * second driver run with {@code KAFKA_BOOTSTRAP=<bootstrap>} then measures against it from another
 * JVM.
 *
 * <p>System properties: {@code load.backlog} (default 100000), {@code load.warmup} (default
 * 100000), {@code load.rounds} (default 2), {@code load.rates} (default 2000,5000), {@code
 * load.seconds} (default 20), {@code load.threads} (default 2), {@code load.executor} (default
 * false), {@code load.hold} (default 1000).
 */
public final class LoadDriver {
  private LoadDriver() {}

  static final int TENANTS = 100;

  /** The policy service's decisions; the rest of the lifecycle topic is the executor's. */
  private static final java.util.Set<String> DECISION_TYPES =
      java.util.Set.of(
          LifecycleStage.APPROVED.cloudEventType(), LifecycleStage.REJECTED.cloudEventType());

  public static void main(String[] args) {
    try {
      run();
    } catch (Throwable e) {
      // exec:java keeps the JVM alive for the broker's non-daemon threads and reports a failure
      // only once they end, so a failed run would otherwise hang silently.
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run() throws Exception {
    if (Boolean.getBoolean("load.brokerOnly")) {
      // The broker alone, in this JVM, for a driver in another JVM (KAFKA_BOOTSTRAP=<printed>):
      // the broker's GC and JIT then no longer pause the service under test.
      System.out.println("BROKER " + TestKafka.bootstrapServers());
      new java.util.concurrent.CountDownLatch(1).await();
    }
    int backlog = Integer.getInteger("load.backlog", 100_000);
    int warmup = Integer.getInteger("load.warmup", 100_000);
    int rounds = Integer.getInteger("load.rounds", 2);
    int seconds = Integer.getInteger("load.seconds", 20);
    int threads = Integer.getInteger("load.threads", 2);
    boolean playExecutor = Boolean.getBoolean("load.executor");
    Duration hold = Duration.ofMillis(Long.getLong("load.hold", 1000));
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
    }

    LoadExecutor executor = playExecutor ? new LoadExecutor(broker, hold) : null;
    System.out.printf(
        "executor stand-in: %s%n",
        playExecutor ? "on, events " + hold.toMillis() + " ms after each approval" : "off");
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    AtomicLong decided = new AtomicLong();
    AtomicLong firstDecision = new AtomicLong();
    AtomicLong lastDecision = new AtomicLong();
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Long> admissionLatencies = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, Long> loggedAt = new ConcurrentHashMap<>();
    List<Long> intakeLatencies = java.util.Collections.synchronizedList(new ArrayList<>());
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
                    String type =
                        new String(
                            record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8);
                    if (!DECISION_TYPES.contains(type)) {
                      continue; // the executor stand-in's events
                    }
                    if (executor != null && type.equals(LifecycleStage.APPROVED.cloudEventType())) {
                      executor.approved(fault, record.key());
                    }
                    firstDecision.compareAndSet(0, now);
                    lastDecision.set(now);
                    decided.incrementAndGet();
                    Long sent = sentAt.remove(fault);
                    if (sent != null) {
                      latencies.add(now - sent);
                    }
                    Long logged = loggedAt.remove(fault);
                    if (logged != null) {
                      admissionLatencies.add(now - logged);
                    }
                  }
                }
              }
            });
    reader.setDaemon(true);
    reader.start();
    // Where a request's latency goes: until its command is committed on the admission log
    // (intake), and from there to its decision (admission).
    java.util.regex.Pattern faultIdInCommand =
        java.util.regex.Pattern.compile("\"faultId\":\"([^\"]+)\"");
    Thread logReader =
        new Thread(
            () -> {
              try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
                consumer.subscribe(List.of(broker.prefix + AdmissionSettings.ADMISSION_LOG));
                while (running.get()) {
                  for (ConsumerRecord<String, byte[]> record :
                      consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    java.util.regex.Matcher id =
                        faultIdInCommand.matcher(
                            new String(record.value(), StandardCharsets.UTF_8));
                    if (id.find()) {
                      Long sent = sentAt.get(id.group(1));
                      if (sent != null) {
                        intakeLatencies.add(now - sent);
                        loggedAt.put(id.group(1), now);
                      }
                    }
                  }
                }
              }
            });
    logReader.setDaemon(true);
    logReader.start();

    String stateDir = Files.createTempDirectory("policy-load").toString();
    java.util.Properties intakeProps =
        StreamsSettings.intake("policy-load-" + run, threads, stateDir, 1);
    java.util.Properties admissionProps =
        StreamsSettings.admission("policy-load-" + run, stateDir, 1);
    // -Dstreams.<name>=<value> overrides a setting of admission, -Dintake.<name>=<value> one of
    // intake, for tuning experiments.
    override(admissionProps, "streams.");
    override(intakeProps, "intake.");
    // As deployed: every decision recorded as a sampled span (batched, then discarded here, so the
    // figures include the tracing cost but not a backend's) and counted in a Prometheus registry.
    // -Dload.tracing=false measures without.
    boolean tracing = Boolean.parseBoolean(System.getProperty("load.tracing", "true"));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
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
                registry)
            : AdmissionTelemetry.none();
    System.out.printf("tracing and metrics: %s%n", tracing ? "on" : "off");
    KafkaClients clients = KafkaClients.plaintext(broker.bootstrap());
    AdmissionSettings settings =
        new AdmissionSettings(
            Integer.MAX_VALUE, Duration.ofHours(1), Duration.ofSeconds(1), broker.prefix);
    // Warm-up: the same code paths (service, broker, client) compiled by the JIT before anything
    // is measured; then a clean stop, so the backlog below accumulates unread.
    System.out.printf("warming up with %d requests...%n", warmup);
    AdmissionPipeline pipeline =
        new AdmissionPipeline(
            settings, telemetry, clients, intakeProps, admissionProps, Duration.ofSeconds(30));
    pipeline.start();
    // Requests sent before intake has read the policies may be admitted before them (they sit in
    // racing intake tasks) and rejected UNKNOWN_TENANT: the warm-up would then skip approvals.
    broker.awaitConsumed(
        StreamsSettings.intakeApplicationId("policy-load-" + run), Topics.TENANT_POLICIES);
    try (KafkaProducer<String, byte[]> producer = broker.producer()) {
      for (int i = 0; i < warmup; i++) {
        producer.send(broker.record(Topics.FAULT_REQUESTS, request(run, "w", i)));
      }
    }
    awaitDecided(decided, warmup);
    awaitReleased(executor, tracing ? registry : null);
    pipeline.close(Duration.ofSeconds(30));

    // The backlog is decided `rounds` times over (write it, start, decide it all, stop): the
    // restart, the restore and the large batches are code paths the live warm-up does not reach,
    // and the JIT compiles them during the first round. The last round is the figure reported.
    for (int round = 1; round <= rounds; round++) {
      System.out.printf(
          "round %d of %d: writing a backlog of %d requests...%n", round, rounds, backlog);
      try (KafkaProducer<String, byte[]> producer = broker.producer()) {
        for (int i = 0; i < backlog; i++) {
          producer.send(broker.record(Topics.FAULT_REQUESTS, request(run, "b" + round, i)));
        }
      }
      decided.set(0);
      firstDecision.set(0);
      pipeline =
          new AdmissionPipeline(
              settings, telemetry, clients, intakeProps, admissionProps, Duration.ofSeconds(30));
      Map<String, Long> cpuBefore = threadCpu();
      long started = System.nanoTime();
      pipeline.start();
      awaitDecided(decided, backlog);
      double span = (lastDecision.get() - firstDecision.get()) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "THROUGHPUT round %d of %d: backlog=%d decided=%d in %.2f s (first to last decision):"
              + " %.0f decisions/s; %.2f s including start-up and restore%n",
          round,
          rounds,
          backlog,
          decided.get(),
          span,
          (decided.get() - 1) / span,
          (lastDecision.get() - started) / 1e9);
      printCpu(cpuBefore, threadCpu(), (lastDecision.get() - started) / 1e9);
      printCommitMetrics(pipeline);
      awaitReleased(executor, tracing ? registry : null);
      if (round < rounds) {
        pipeline.close(Duration.ofSeconds(30));
      }
    }
    if (rounds == 0) {
      pipeline =
          new AdmissionPipeline(
              settings, telemetry, clients, intakeProps, admissionProps, Duration.ofSeconds(30));
      pipeline.start();
    }

    try (KafkaProducer<String, byte[]> producer = broker.producer()) {
      for (int rate : rates) {
        latencies.clear();
        intakeLatencies.clear();
        admissionLatencies.clear();
        long before = decided.get();
        long intervalNanos = 1_000_000_000L / rate;
        int total = rate * seconds;
        int unmeasured = rate * 2;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
          long due = start + i * intervalNanos;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          FaultRequested request = request(run, "r" + rate, i);
          ProducerRecord<String, byte[]> record = broker.record(Topics.FAULT_REQUESTS, request);
          if (i >= unmeasured) {
            sentAt.put(request.faultId().value(), System.nanoTime());
          }
          producer.send(record);
        }
        long sendEnd = System.nanoTime();
        long expected = before + total;
        waitUntil(() -> decided.get() >= expected, Duration.ofSeconds(60));
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
        printBreakdown("intake (send -> committed on the admission log)", intakeLatencies);
        printBreakdown("admission (admission log -> decision committed)", admissionLatencies);
        awaitReleased(executor, tracing ? registry : null);
      }
    }
    running.set(false);
    if (executor != null) {
      executor.close();
    }
    printCommitMetrics(pipeline);
    pipeline.close(Duration.ofSeconds(10));
    System.exit(0);
  }

  /** CPU time per thread group (numbers and ids folded), in nanoseconds. */
  private static Map<String, Long> threadCpu() {
    java.lang.management.ThreadMXBean bean =
        java.lang.management.ManagementFactory.getThreadMXBean();
    Map<String, Long> cpu = new java.util.TreeMap<>();
    for (java.lang.management.ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long nanos = bean.getThreadCpuTime(info.getThreadId());
      if (nanos > 0) {
        cpu.merge(group(info.getThreadName()), nanos, Long::sum);
      }
    }
    cpu.putAll(jvmThreadCpu());
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      cpu.put("whole process (GC and JIT included)", os.getProcessCpuTime());
    }
    return cpu;
  }

  static String group(String thread) {
    String name = thread.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "").replaceAll("[0-9]+", "N");
    if (name.contains("-intake-") && name.contains("StreamThread")) {
      return name.contains("producer") ? "intake producer I/O" : "intake stream threads";
    }
    if (name.contains("StreamThread")) {
      return name.contains("producer") ? "admission producer I/O" : "admission stream thread";
    }
    if (name.startsWith("data-plane")
        || name.startsWith("kafka-")
        || name.contains("Txn")
        || name.startsWith("group-coordinator")
        || name.startsWith("ReplicaFetcher")
        || name.startsWith("broker-")
        || name.startsWith("controller-")
        || name.startsWith("quorum")
        || name.startsWith("raft")) {
      return "broker";
    }
    return "other Java threads (driver, clients)";
  }

  /** The JVM's own threads (GC, JIT), which Java cannot list, from Linux's per-task accounting. */
  private static Map<String, Long> jvmThreadCpu() {
    Map<String, Long> cpu = new java.util.TreeMap<>();
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return cpu;
    }
    for (java.io.File task : tasks) {
      try {
        String comm = Files.readString(task.toPath().resolve("comm")).trim();
        String group =
            comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")
                ? "JIT compiler threads"
                : comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")
                    ? "GC and VM threads"
                    : null;
        if (group == null) {
          continue;
        }
        String stat = Files.readString(task.toPath().resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // utime and stime (fields 14 and 15 of stat) in clock ticks of 10 ms.
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        cpu.merge(group, ticks * 10_000_000L, Long::sum);
      } catch (java.io.IOException | RuntimeException e) {
        // a thread that ended meanwhile
      }
    }
    return cpu;
  }

  /** Where the CPU went while the backlog was decided: the machine has two cores. */
  private static void printCpu(Map<String, Long> before, Map<String, Long> after, double wall) {
    after.forEach(
        (group, nanos) -> {
          double seconds = (nanos - before.getOrDefault(group, 0L)) / 1e9;
          System.out.printf(
              Locale.ROOT,
              "CPU %-40s %6.2f s (%3.0f%% of one core)%n",
              group,
              seconds,
              100 * seconds / wall);
        });
  }

  private static void printBreakdown(String what, List<Long> latencies) {
    List<Long> sorted;
    synchronized (latencies) {
      sorted = new ArrayList<>(latencies);
    }
    sorted.sort(null);
    System.out.printf(
        Locale.ROOT,
        "  %s: p50=%.1f ms p99=%.1f ms (%d seen)%n",
        what,
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted.size());
  }

  /**
   * With the executor stand-in: waits until it has ended every approved fault and the service has
   * released their leases (as far as its gauge tells), so the next phase starts from none.
   */
  private static void awaitReleased(LoadExecutor executor, PrometheusMeterRegistry registry) {
    if (executor == null) {
      return;
    }
    waitUntil(() -> executor.idle() && activeLeases(registry) == 0, Duration.ofMinutes(5));
    System.out.printf(
        "executor stand-in: %d faults ended, %.0f leases still held%n",
        executor.faultsEnded(), activeLeases(registry));
  }

  private static double activeLeases(PrometheusMeterRegistry registry) {
    if (registry == null) {
      return 0;
    }
    io.micrometer.core.instrument.Gauge gauge =
        registry.find("faultline.policy.active.leases").gauge();
    return gauge == null ? 0 : gauge.value();
  }

  private static void awaitDecided(AtomicLong decided, long count) {
    waitUntil(() -> decided.get() >= count, Duration.ofMinutes(5));
  }

  /**
   * Polls until {@code done} or the timeout; a run that times out reports what it got (e.g.
   * "decided 39990 of 40000") instead of failing, so polling rather than Awaitility.
   */
  private static void waitUntil(java.util.function.BooleanSupplier done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  private static void override(java.util.Properties props, String prefix) {
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith(prefix))
        .forEach(name -> props.put(name.substring(prefix.length()), System.getProperty(name)));
  }

  /** Where a decision's time goes besides processing: each application's commits. */
  private static void printCommitMetrics(AdmissionPipeline pipeline) {
    for (KafkaStreams streams : pipeline.streams()) {
      streams.metrics().values().stream()
          .filter(m -> m.metricName().group().equals("stream-thread-metrics"))
          .filter(
              m ->
                  List.of(
                          "commit-latency-avg",
                          "commit-latency-max",
                          "poll-ratio",
                          "process-ratio",
                          "commit-ratio",
                          "poll-records-avg",
                          "poll-latency-avg",
                          "process-records-avg")
                      .contains(m.metricName().name()))
          .forEach(
              m ->
                  System.out.printf(
                      Locale.ROOT,
                      "METRIC %s %s %s%n",
                      m.metricName()
                          .tags()
                          .get("thread-id")
                          .replaceAll("-[0-9a-f]{8}-[0-9a-f-]{27}", ""),
                      m.metricName().name(),
                      m.metricValue()));
    }
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
        tenant(run, t), "load-" + run + "-" + phase + "-" + i, account(t), instance(phase, i));
  }

  /** The instance of request {@code i} of a phase: no other request targets it. */
  static String instance(String phase, int i) {
    return String.format("i-%017x", ((long) phase.hashCode() & 0xffffL) << 40 | i);
  }
}
