package io.faultline.benchmarks.admission;

import io.faultline.benchmarks.jvm.BenchProperties;
import io.faultline.benchmarks.jvm.BootService;
import io.faultline.benchmarks.jvm.ChildBroker;
import io.faultline.benchmarks.jvm.Poll;
import io.faultline.benchmarks.jvm.ProcessCpu;
import io.faultline.local.FaultlineServices;
import io.faultline.local.ServiceProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * P1, whole platform (issue 16's target ≥ 5,000 decisions/s): the broker (a child JVM), the three
 * services from their boot jars exactly as {@code ./faultline-local} and e2e-tests start them
 * (local-platform's {@link FaultlineServices}: small quick-start JVMs, one policy stream thread)
 * and this driver as the publisher, all on this machine. Requests are signed and verified, and
 * refused by a rule ({@code REGION_NOT_ALLOWED}; every rule is evaluated) so that no fault runs:
 * the executor and the scheduler still read every decision on the lifecycle topic. Prints
 * decisions/s from the backlog's commit to its last decision and each process's CPU seconds per
 * 1,000.
 *
 * <p>Run: {@code ./mvnw -B -o -pl benchmarks exec:java
 * -Dexec.mainClass=io.faultline.benchmarks.admission.PlatformBenchmark} with {@code bench.backlog},
 * {@code bench.warmup} (one policy instance, so the whole warm-up), {@code bench.tenants} as for
 * {@link AdmissionBenchmark}, and {@code bench.serviceJvm}.
 */
public final class PlatformBenchmark {
  private PlatformBenchmark() {}

  public static void main(String[] args) {
    try {
      run(BenchSettings.fromSystemProperties());
      System.exit(0);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  /**
   * What one run measured.
   *
   * @param cpuPerThousand CPU seconds per 1,000 decisions of each service and of the broker, by
   *     name
   */
  record Result(
      long requests,
      long decided,
      long approved,
      long rejected,
      long refused,
      long duplicates,
      double seconds,
      Map<String, Double> cpuPerThousand) {}

  static Result run(BenchSettings settings) {
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path workDir = settings.workDir().resolveSibling("platform-" + run);
    String loadBefore = P1Report.loadAverage();
    List<String> serviceJvm = serviceJvm();
    BenchTenants tenants = new BenchTenants(run, settings.tenants(), BenchTenants.Decision.REJECT);
    System.out.printf(
        "P1 platform: run %s, backlog %d, work dir %s%n", run, settings.backlog(), workDir);
    try (ChildBroker broker = ChildBroker.start(workDir, BootService.freePort());
        DecisionTap tap = new DecisionTap(broker.bootstrapServers());
        KafkaProducer<String, byte[]> producer = Backlog.producer(broker.bootstrapServers());
        FaultlineServices services =
            FaultlineServices.start(
                new FaultlineServices.Settings(
                    broker.bootstrapServers(),
                    // Nothing is approved, so the executor makes no AWS call.
                    URI.create("http://127.0.0.1:1"),
                    BenchTenants.REGION,
                    null,
                    settings.servicesDir(),
                    settings.version(),
                    workDir,
                    "bench-" + run,
                    Map.of(
                        FaultlineServices.POLICY, BootService.freePort(),
                        FaultlineServices.EXECUTOR, BootService.freePort(),
                        FaultlineServices.SCHEDULER, BootService.freePort()),
                    Map.of(
                        FaultlineServices.POLICY, BootService.freePort(),
                        FaultlineServices.EXECUTOR, BootService.freePort(),
                        FaultlineServices.SCHEDULER, BootService.freePort()),
                    Map.of(),
                    broker.bootstrapServers(),
                    serviceJvm))) {
      Backlog.sendEach(producer, tenants.policies());
      awaitPoliciesRead(tenants, tap, producer, services);
      if (settings.warmup() > 0) {
        System.out.printf("warming up with %d requests...%n", settings.warmup());
        DecisionTap.Phase warm = tap.begin("w");
        Backlog.send(producer, tenants.signedRequests("w", settings.warmup()));
        await(warm, settings.warmup(), services);
      }
      System.out.printf("signing and writing a backlog of %d requests...%n", settings.backlog());
      List<ProducerRecord<String, byte[]>> backlog =
          tenants.signedRequests("b", settings.backlog());
      DecisionTap.Phase phase = tap.begin("b");
      Backlog.Open open = Backlog.open(broker.bootstrapServers(), "bench-platform-" + run, backlog);
      List<ServiceProcess> processes = services.all();
      double[] before = processes.stream().mapToDouble(p -> ProcessCpu.seconds(p.pid())).toArray();
      double brokerBefore = broker.cpuSeconds();
      long start = System.nanoTime();
      open.commit();
      await(phase, backlog.size(), services);
      double seconds = (phase.lastNanos.get() - start) / 1e9;
      long decided = phase.decided();
      System.out.println();
      System.out.printf(
          "P1 whole platform — %s, load average before %s, after %s; services' JVM %s%n",
          Instant.now(), loadBefore, P1Report.loadAverage(), String.join(" ", serviceJvm));
      System.out.printf(
          Locale.ROOT,
          "backlog %d signed requests, refused by a rule (REJECTED): decided %d (approved %d,"
              + " refused %d, duplicates %d) in %.2f s: %.0f decisions/s%n",
          backlog.size(),
          decided,
          phase.approved.get(),
          phase.refused.get(),
          phase.duplicates.get(),
          seconds,
          decided / seconds);
      System.out.println("| process | CPU s | CPU s / 1,000 decisions |");
      System.out.println("|---|---|---|");
      Map<String, Double> cpuSeconds = new LinkedHashMap<>();
      for (int i = 0; i < processes.size(); i++) {
        cpuSeconds.put(
            processes.get(i).name(), ProcessCpu.seconds(processes.get(i).pid()) - before[i]);
      }
      cpuSeconds.put("broker", broker.cpuSeconds() - brokerBefore);
      Map<String, Double> cpuPerThousand = new LinkedHashMap<>();
      cpuSeconds.forEach(
          (name, cpu) -> {
            cpuPerThousand.put(name, cpu / decided * 1000);
            System.out.printf(
                Locale.ROOT, "| %s | %.1f | %.2f |%n", name, cpu, cpuPerThousand.get(name));
          });
      return new Result(
          backlog.size(),
          decided,
          phase.approved.get(),
          phase.rejected.get(),
          phase.refused.get(),
          phase.duplicates.get(),
          seconds,
          cpuPerThousand);
    }
  }

  /**
   * Ready when the policy service rejects one request of every tenant for its region, not as
   * unknown.
   */
  private static void awaitPoliciesRead(
      BenchTenants tenants,
      DecisionTap tap,
      KafkaProducer<String, byte[]> producer,
      FaultlineServices services) {
    for (int attempt = 0; attempt < 240; attempt++) {
      DecisionTap.Phase probe = tap.begin("p" + attempt);
      List<ProducerRecord<String, byte[]>> probes =
          java.util.stream.IntStream.range(0, tenants.count())
              .mapToObj(t -> tenants.signedRequest(probe.prefix, t, BenchTenants.Decision.APPROVE))
              .toList();
      Backlog.send(producer, probes);
      await(probe, probes.size(), services);
      if (probe.approved.get() == tenants.count()) {
        return;
      }
      Poll.pause(java.time.Duration.ofMillis(500));
    }
    throw new IllegalStateException(
        "the policy service did not read every tenant's policy\n" + services.logs());
  }

  private static void await(DecisionTap.Phase phase, long expected, FaultlineServices services) {
    Poll.until(
        () -> {
          services.assertServicesAlive();
          return phase.answered() >= expected;
        },
        java.time.Duration.ofMinutes(15),
        () ->
            "phase "
                + phase.prefix
                + ": "
                + phase.answered()
                + " of "
                + expected
                + "\n"
                + services.logs());
  }

  /**
   * The services' JVM options, {@code bench.serviceJvm}: by default local-platform's quick-start
   * JVMs, as {@code ./faultline-local} runs them (C1 only); the images' JVM is {@code
   * -Dbench.serviceJvm="-Xmx512m -XX:+ExitOnOutOfMemoryError"}.
   */
  private static List<String> serviceJvm() {
    return BenchProperties.jvmOptions(
        "bench.serviceJvm", String.join(" ", ServiceProcess.QUICK_START_JVM));
  }
}
