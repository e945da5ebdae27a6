package io.faultline.executor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.AccountAccess;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.executor.Executor;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.TestKafka;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Harness, not a test (its name matches neither {@code *Test} nor {@code *IT}): one executor,
 * {@code bench.faults} ec2-process-kill faults (default 10,000) over {@code bench.accounts}
 * accounts, each held for an hour so all are in flight at once; then a platform halt aborts them
 * all. Reports faults in flight, heap per fault (after GC, against the baseline of the same JVM,
 * embedded broker included), SSM calls per fault and timings. Command in the module README.
 */
class InFlightBenchmark {
  private static final Map<String, Integer> REASONS =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  @Test
  void measuresFaultsInFlightHeapAndSsmCalls() throws Exception {
    int faults = Integer.getInteger("bench.faults", 10_000);
    int accounts = Integer.getInteger("bench.accounts", 100);
    String run = UUID.randomUUID().toString().substring(0, 6);
    System.setProperty("aws.accessKeyId", "AKIAFAULTLINEBENCH");
    System.setProperty("aws.secretAccessKey", "bench");
    TestKafka.createTopics(Topics.all().stream().map(t -> t.newTopic((short) 1)).toList());

    try (AwsStub stub = new AwsStub();
        AwsAccountConnector connector =
            new AwsAccountConnector(
                AwsSettings.defaults().withEndpoint(stub.endpoint()).withSsmCallsPerSecond(1_000),
                new RequestRecorder(false))) {
      RequestRecorder recorder = connector.recorder();
      Executor executor =
          Executor.start(
              new Executor.Config(
                  TestKafka.bootstrapServers(),
                  "bench-" + run,
                  "bench-" + run,
                  Duration.ofSeconds(10),
                  faults + 1_000,
                  RunSettings.defaults()
                      .withPolling(Duration.ofMillis(200), Duration.ofSeconds(2))),
              connector,
              FaultRegistry.discover());
      AtomicInteger injected = new AtomicInteger();
      AtomicInteger ended = new AtomicInteger();
      Thread tap = Thread.ofPlatform().daemon().start(() -> count(run, injected, ended));
      long baseline = heapAfterGc();

      Instant t0 = Instant.now();
      publish(run, faults, accounts);
      Instant published = Instant.now();
      await()
          .atMost(Duration.ofMinutes(15))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                System.out.printf(
                    "progress: injected=%d ended=%d inFlight=%d reasons=%s%n",
                    injected.get(), ended.get(), executor.inFlight(), REASONS);
                return injected.get() + ended.get() >= faults;
              });
      Instant allInjected = Instant.now();
      int inFlight = executor.inFlight();
      long heap = heapAfterGc();
      long ssmAtInject = ssmCalls(recorder);
      // For a class histogram from outside: jcmd <pid> GC.class_histogram during this pause.
      Thread.sleep(Duration.ofSeconds(Integer.getInteger("bench.pauseSeconds", 0)));

      Instant halt = Instant.now();
      control(ControlAction.HALT_PLATFORM);
      await()
          .atMost(Duration.ofMinutes(15))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> ended.get() >= faults);
      Instant allEnded = Instant.now();
      long ssmTotal = ssmCalls(recorder);
      control(ControlAction.RESUME_PLATFORM);

      String report =
          String.format(
              Locale.ROOT,
              """
              faults                      %d over %d accounts (1 instance each)
              published in                %d ms
              all INJECTED after          %d ms (from first publish)
              faults in flight            %d
              max heap (-Xmx)             %d MiB
              heap used, baseline         %.1f MiB (broker + executor, after GC)
              heap used, all in flight    %.1f MiB (after GC)
              heap per fault in flight    %.1f KiB
              SSM calls per fault         %.2f up to INJECTED, %.2f in total (incl. rollback)
              halt -> all terminal        %d ms
              AWS stub unknown requests   %d
              machine                     %d cores, %s %s, Java %s
              """,
              faults,
              accounts,
              Duration.between(t0, published).toMillis(),
              Duration.between(t0, allInjected).toMillis(),
              inFlight,
              Runtime.getRuntime().maxMemory() >> 20,
              baseline / 1048576.0,
              heap / 1048576.0,
              (heap - baseline) / 1024.0 / faults,
              (double) ssmAtInject / faults,
              (double) ssmTotal / faults,
              Duration.between(halt, allEnded).toMillis(),
              stub.unknown.get(),
              Runtime.getRuntime().availableProcessors(),
              System.getProperty("os.name"),
              System.getProperty("os.arch"),
              System.getProperty("java.version"));
      System.out.println("=== executor benchmark ===\n" + report);
      Files.writeString(Path.of("target", "benchmark-results.txt"), report);
      executor.close();
      tap.interrupt();

      assertThat(inFlight).isEqualTo(faults);
      assertThat(stub.unknown.get()).isZero();
    }
  }

  private static long ssmCalls(RequestRecorder recorder) {
    return recorder.sent().stream().filter(r -> r.service().equalsIgnoreCase("SSM")).count();
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      // A harness, not a test: give the collector time to finish before reading the heap.
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void publish(String run, int faults, int accounts) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG,
                20),
            new StringSerializer(),
            new ByteArraySerializer())) {
      Instant now = Instant.now();
      for (int i = 0; i < faults; i++) {
        String account = String.format("%012d", 400_000_000_000L + i % accounts);
        FaultApproved approval =
            new FaultApproved(
                FaultId.of("bench-" + run + "-" + i),
                TenantId.of("bench-tenant-" + (i % accounts)),
                ExperimentId.of("bench"),
                null,
                FaultType.of("ec2-process-kill"),
                AccountId.of(account),
                AwsRegion.of("eu-west-1"),
                FaultCatalogue.standard()
                    .validate(
                        FaultType.of("ec2-process-kill"),
                        Map.of(
                            "PROCESS_IDS",
                            "4242",
                            "EC2_INSTANCE_ID",
                            String.format("i-%017x", i),
                            "TOTAL_CHAOS_DURATION",
                            3600)),
                false,
                new AccountAccess("arn:aws:iam::" + account + ":role/faultline", "bench-ext"),
                ProtectedTargetGuard.none(),
                5,
                "bench",
                now,
                now.plusSeconds(7200),
                1,
                List.of());
        producer.send(
            EventCodec.standard()
                .encode(
                    Topics.FAULT_APPROVALS,
                    FaultlineEvent.of(URI.create("/faultline/policy-service"), approval)));
      }
      producer.flush();
    }
  }

  private static void control(ControlAction action) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              EventCodec.standard()
                  .encode(
                      Topics.FAULT_CONTROLS,
                      FaultlineEvent.of(
                          URI.create("/faultline/scheduler-service"),
                          new FaultControl(
                              UUID.randomUUID().toString(),
                              action,
                              null,
                              null,
                              null,
                              "benchmark",
                              "bench",
                              Instant.now()))))
          .get();
    }
  }

  private static void count(String run, AtomicInteger injected, AtomicInteger ended) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5_000),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.FAULT_LIFECYCLE.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      String prefix = "bench-" + run + "-";
      while (!Thread.currentThread().isInterrupted()) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(
                r -> {
                  FaultLifecycleEvent e =
                      EventCodec.standard()
                          .decode(Topics.FAULT_LIFECYCLE, r.key(), r.headers(), r.value())
                          .data();
                  if (e.faultId().value().startsWith(prefix)) {
                    if (e.stage() == LifecycleStage.INJECTED) {
                      injected.incrementAndGet();
                    } else if (e.stage().isTerminal()) {
                      ended.incrementAndGet();
                      REASONS.merge(
                          e.stage() + ":" + e.reason() + ":" + e.detail(), 1, Integer::sum);
                    }
                  }
                });
      }
    } catch (org.apache.kafka.common.errors.InterruptException e) {
      Thread.currentThread().interrupt();
    }
  }
}
