package io.faultline.benchmarks.admission;

import io.faultline.benchmarks.jvm.BootService;
import io.faultline.benchmarks.jvm.ChildBroker;
import io.faultline.benchmarks.jvm.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * P1: decisions/s of the policy service with 1, 2, 3 instances (exactly-once, as deployed, signed
 * requests verified), request→decision latency at fixed rates, CPU seconds per 1,000 decisions of
 * the policy processes and of the broker, beside a plain consume→produce pipe on the same broker.
 * Prints one table. Run: {@code ./mvnw -B -o -pl benchmarks exec:java
 * -Dexec.mainClass=io.faultline.benchmarks.admission.AdmissionBenchmark} (README, P1).
 *
 * <p>Each instance count gets a fresh broker (a child JVM), the tenants' policies, its instances
 * (one application id, own ports and state), a readiness probe (one approvable request per tenant
 * approved), a warm-up, then the backlog made visible at once by one transaction and timed from its
 * commit to the last decision a {@code read_committed} subscriber sees.
 */
public final class AdmissionBenchmark {
  private static final Duration START = Duration.ofMinutes(3);

  private AdmissionBenchmark() {}

  public static void main(String[] args) {
    try {
      run(BenchSettings.fromSystemProperties()).print(System.out);
      System.exit(0);
    } catch (Throwable e) {
      // exec:java would otherwise wait for the clients' non-daemon threads and hide the failure.
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** Runs every measurement the settings ask for and returns the table. */
  public static P1Report run(BenchSettings settings) {
    String run = UUID.randomUUID().toString().substring(0, 6);
    P1Report report = new P1Report(settings, Instant.now());
    System.out.printf(
        "P1: run %s, instances %s, backlog %d, warm-up %d per instance, %d tenants, requests to %s, work dir %s%n",
        run,
        settings.instances(),
        settings.backlog(),
        settings.warmup(),
        settings.tenants(),
        settings.decision(),
        settings.workDir());
    BenchTenants tenants = new BenchTenants(run, settings.tenants(), settings.decision());
    boolean first = true;
    for (int count : settings.instances()) {
      measure(settings, tenants, run, count, first, report);
      first = false;
    }
    report.finished();
    return report;
  }

  private static void measure(
      BenchSettings settings,
      BenchTenants tenants,
      String run,
      int count,
      boolean first,
      P1Report report) {
    Path workDir = settings.workDir().resolve(count + "-instances");
    String c = "c" + count;
    System.out.printf("[%d instance(s)] starting a broker and the instances...%n", count);
    try (ChildBroker broker = ChildBroker.start(workDir, BootService.freePort());
        DecisionTap tap = new DecisionTap(broker.bootstrapServers());
        KafkaProducer<String, byte[]> producer = Backlog.producer(broker.bootstrapServers())) {
      Backlog.sendEach(producer, tenants.policies());
      List<PolicyInstance> instances = new ArrayList<>();
      try {
        for (int i = 0; i < count; i++) {
          instances.add(
              PolicyInstance.start(
                  settings.policyJar(),
                  broker.bootstrapServers(),
                  "bench-p1-" + run + "-" + count,
                  i,
                  settings.policyJvmOptions(),
                  workDir));
        }
        instances.forEach(instance -> instance.awaitHealthy(START));
        awaitReady(tenants, tap, producer, instances, c);
        List<ProducerRecord<String, byte[]>> warmup = List.of();
        if (settings.warmup() > 0) {
          // Per instance: each JVM compiles its own decision path.
          int requests = settings.warmup() * count;
          System.out.printf("[%d instance(s)] warming up with %d requests...%n", count, requests);
          warmup = tenants.signedRequests(c + "w", requests);
          DecisionTap.Phase phase = tap.begin(c + "w");
          Backlog.send(producer, warmup);
          awaitAnswered(phase, warmup.size(), instances, Duration.ofMinutes(10));
        }
        System.out.printf(
            "[%d instance(s)] signing and writing a backlog of %d requests...%n",
            count, settings.backlog());
        List<ProducerRecord<String, byte[]>> backlog =
            tenants.signedRequests(c + "b", settings.backlog());
        report.add(measureBacklog(count, broker, tap, instances, backlog, c + "b", run));
        if (first) {
          for (int rate : settings.rates()) {
            report.add(measureRate(tenants, tap, producer, instances, rate, settings.seconds(), c));
          }
        }
        instances.forEach(PolicyInstance::terminate);
        instances.forEach(PolicyInstance::close);
        if (first && settings.pipe()) {
          for (String mode : List.of("eos", "plain")) {
            System.out.printf(
                "[pipe %s] the same warm-up and backlog through a plain pipe...%n", mode);
            report.add(
                PipeReference.measure(
                    broker, mode, settings.pipeCommitMillis(), warmup, backlog, workDir));
          }
        }
      } finally {
        instances.forEach(PolicyInstance::terminate);
        instances.forEach(PolicyInstance::close);
      }
    }
  }

  /**
   * Ready when one approvable request of every tenant is approved: the instances have read every
   * policy and its key (a request sent earlier may be decided before its tenant's policy).
   */
  private static void awaitReady(
      BenchTenants tenants,
      DecisionTap tap,
      KafkaProducer<String, byte[]> producer,
      List<PolicyInstance> instances,
      String c) {
    Instant deadline = Instant.now().plus(START);
    for (int attempt = 0; ; attempt++) {
      DecisionTap.Phase probe = tap.begin(c + "p" + attempt);
      List<ProducerRecord<String, byte[]>> probes = new ArrayList<>();
      for (int t = 0; t < tenants.count(); t++) {
        probes.add(tenants.signedRequest(probe.prefix, t, BenchTenants.Decision.APPROVE));
      }
      Backlog.send(producer, probes);
      awaitAnswered(probe, probes.size(), instances, START);
      if (probe.approved.get() == tenants.count()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "the policy service did not approve one request of every tenant within "
                + START
                + " (approved "
                + probe.approved
                + ", rejected "
                + probe.rejected
                + ", refused "
                + probe.refused
                + ")\n"
                + instances.getFirst().tail(40));
      }
      Poll.pause(Duration.ofMillis(500));
    }
  }

  private static P1Report.Backlog measureBacklog(
      int count,
      ChildBroker broker,
      DecisionTap tap,
      List<PolicyInstance> instances,
      List<ProducerRecord<String, byte[]>> backlog,
      String prefix,
      String run) {
    DecisionTap.Phase phase = tap.begin(prefix);
    Backlog.Open open =
        Backlog.open(broker.bootstrapServers(), "bench-backlog-" + run + "-" + prefix, backlog);
    double policyBefore = policyCpu(instances);
    double brokerBefore = broker.cpuSeconds();
    long start = System.nanoTime();
    open.commit();
    awaitAnswered(phase, backlog.size(), instances, Duration.ofMinutes(15));
    double policyCpu = policyCpu(instances) - policyBefore;
    double brokerCpu = broker.cpuSeconds() - brokerBefore;
    double seconds = (phase.lastNanos.get() - start) / 1e9;
    double firstToLast = (phase.lastNanos.get() - phase.firstNanos.get()) / 1e9;
    System.out.printf(
        "[%d instance(s)] backlog decided: %.0f decisions/s%n", count, backlog.size() / seconds);
    return new P1Report.Backlog(
        count,
        backlog.size(),
        phase.approved.get(),
        phase.rejected.get(),
        phase.refused.get(),
        phase.duplicates.get(),
        seconds,
        firstToLast,
        policyCpu,
        brokerCpu);
  }

  private static P1Report.Latency measureRate(
      BenchTenants tenants,
      DecisionTap tap,
      KafkaProducer<String, byte[]> producer,
      List<PolicyInstance> instances,
      int rate,
      int seconds,
      String c) {
    int total = rate * seconds;
    String prefix = c + "r" + rate;
    System.out.printf(
        "[latency] signing %d requests, then %d requests/s for %d s...%n", total, rate, seconds);
    List<ProducerRecord<String, byte[]>> requests = tenants.signedRequests(prefix, total);
    DecisionTap.Phase phase = tap.begin(prefix);
    // The first 2 s are not measured: the producer's and the consumers' batches settle.
    int unmeasured = Math.min(total / 2, rate * 2);
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long wait = start + i * interval - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      if (i >= unmeasured) {
        phase.sentAt.put(BenchTenants.faultId(prefix, i), System.nanoTime());
      }
      producer.send(requests.get(i));
    }
    double offered = total / ((System.nanoTime() - start) / 1e9);
    // A rate above capacity leaves a queue: report what was decided within 2 minutes rather than
    // fail the whole run (the row shows "decided" short of "requests").
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (phase.answered() < total && System.nanoTime() < deadline) {
      instances.forEach(PolicyInstance::failIfExited);
      Poll.pause(Duration.ofMillis(20));
    }
    List<Long> sorted = phase.sortedLatencies();
    return new P1Report.Latency(
        rate,
        offered,
        total,
        phase.decided(),
        phase.refused.get(),
        phase.duplicates.get(),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted.isEmpty() ? Double.NaN : sorted.getLast() / 1e6);
  }

  private static void awaitAnswered(
      DecisionTap.Phase phase, long expected, List<PolicyInstance> instances, Duration timeout) {
    Poll.until(
        () -> {
          instances.forEach(PolicyInstance::failIfExited);
          return phase.answered() >= expected;
        },
        timeout,
        () ->
            "phase "
                + phase.prefix
                + ": "
                + phase.answered()
                + " of "
                + expected
                + " requests decided or refused\n"
                + instances.getFirst().tail(20));
  }

  private static double policyCpu(List<PolicyInstance> instances) {
    return instances.stream().mapToDouble(PolicyInstance::cpuSeconds).sum();
  }

  static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size()))) / 1e6;
  }
}
