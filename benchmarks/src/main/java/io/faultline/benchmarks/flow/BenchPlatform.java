package io.faultline.benchmarks.flow;

import io.faultline.benchmarks.aws.BenchAws;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import io.faultline.local.FaultlineServices;
import io.faultline.local.LocalKafka;
import io.faultline.local.Prometheus;
import io.faultline.local.ServiceProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * What every flow figure runs on: a one-node KRaft broker in this JVM, the {@link BenchAws} stub as
 * the executors' only AWS endpoint, and the policy, executor and scheduler services from their boot
 * jars (local-platform's {@link FaultlineServices}); more executors on demand. Benchmark settings
 * on top of the harness's: the platform-wide concurrency limit is raised (P5 holds 1,000 faults)
 * and the per-account SSM rate limiter is widened ({@code bench.ssm-calls-per-second}), so the
 * figures measure the platform rather than a configured AWS budget.
 */
public final class BenchPlatform implements AutoCloseable {
  public static final String REGION = "eu-west-1";
  private static final URI SOURCE = URI.create("/faultline/benchmarks");

  private final String ids = "bench-" + UUID.randomUUID().toString().substring(0, 8);
  private final EmbeddedKafkaKraftBroker broker;
  private final String bootstrap;
  private final BenchAws aws = new BenchAws();
  private final Path servicesDir;
  private final String version;
  private final Path workDir;
  private final int ssmCallsPerSecond;
  private final List<ServiceProcess> extraExecutors = new ArrayList<>();
  private final Producer<String, byte[]> producer;
  private final LifecycleTap lifecycle;
  private FaultlineServices services;

  private BenchPlatform(Path servicesDir, String version, Path workDir, int ssmCallsPerSecond) {
    this.servicesDir = servicesDir;
    this.version = version;
    this.workDir = workDir.resolve(ids).toAbsolutePath();
    this.ssmCallsPerSecond = ssmCallsPerSecond;
    int port = freePort();
    broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.brokerProperties(LocalKafka.brokerProperties(port));
    PrintStream stdout = System.out;
    // The storage formatter prints on standard output; the tables are all this run prints there.
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      broker.afterPropertiesSet();
    } finally {
      System.setOut(stdout);
    }
    bootstrap = "localhost:" + port;
    List<NewTopic> topics = new ArrayList<>();
    Topics.all().forEach(t -> topics.add(t.newTopic((short) 1)));
    topics.add(new NewTopic(KafkaRoundTrip.TOPIC, 1, (short) 1));
    createTopics(topics);
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    lifecycle = new LifecycleTap(bootstrap);
  }

  /**
   * Starts the broker, the stub and the three services (one executor) from {@code
   * faultline.bench.services-dir}'s boot jars, and waits until all are healthy.
   */
  public static BenchPlatform start() {
    BenchPlatform platform =
        new BenchPlatform(
            Path.of(System.getProperty("faultline.bench.services-dir", "..")),
            System.getProperty("faultline.bench.version", "0.1.0-SNAPSHOT"),
            Path.of(System.getProperty("faultline.bench.work-dir", "target/bench")),
            Integer.getInteger("bench.ssm-calls-per-second", 10_000));
    try {
      platform.services =
          FaultlineServices.start(
              new FaultlineServices.Settings(
                  platform.bootstrap,
                  platform.aws.endpoint(),
                  REGION,
                  null,
                  platform.servicesDir,
                  platform.version,
                  platform.workDir,
                  platform.ids,
                  ports(),
                  ports(),
                  Map.of(
                      FaultlineServices.POLICY,
                      List.of("--faultline.policy.platform-max-active-faults=1000000"),
                      FaultlineServices.EXECUTOR,
                      platform.executorExtras()),
                  platform.bootstrap,
                  serviceJvm()));
      return platform;
    } catch (RuntimeException | Error e) {
      platform.close();
      throw e;
    }
  }

  /**
   * The services' JVM options, {@code bench.serviceJvm}. By default, with {@code bench.full} the
   * images' JVM (full JIT, heap capped at 512 MiB), so the figures are the deployed services'; in
   * CI's smoke run local-platform's quick-start JVMs.
   */
  static List<String> serviceJvm() {
    String options = System.getProperty("bench.serviceJvm", "").trim();
    if (!options.isEmpty()) {
      return List.of(options.split("\\s+"));
    }
    return Boolean.getBoolean("bench.full")
        ? ServiceProcess.IMAGE_JVM
        : ServiceProcess.QUICK_START_JVM;
  }

  private List<String> executorExtras() {
    return List.of("--faultline.executor.aws.ssm-calls-per-second=" + ssmCallsPerSecond);
  }

  /** Starts one more executor in the same group, as the harness starts the first, and waits. */
  public void addExecutor() {
    int n = extraExecutors.size() + 2;
    Map<String, String> env = new HashMap<>();
    env.put("OTEL_TRACES_EXPORTER", "none");
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");
    env.put("AWS_ACCESS_KEY_ID", "AKIAFAULTLINELOCAL");
    env.put("AWS_SECRET_ACCESS_KEY", "faultline-local-secret");
    env.put("AWS_REGION", REGION);
    List<String> args = new ArrayList<>();
    // The first executor's arguments (FaultlineServices), under this executor's own id.
    args.add("--spring.kafka.bootstrap-servers=" + bootstrap);
    args.add("--faultline.executor.group-id=" + ids + "-executor");
    args.add("--faultline.executor.executor-id=" + ids + "-" + n);
    args.add("--faultline.executor.session-timeout=6s");
    args.add("--faultline.executor.precheck.ssm-online=skip");
    args.add("--faultline.executor.aws.endpoint=" + aws.endpoint());
    args.add("--faultline.executor.aws.max-attempts=2");
    args.add("--faultline.executor.run.poll-initial=100ms");
    args.add("--faultline.executor.run.poll-max=500ms");
    args.addAll(executorExtras());
    ServiceProcess executor =
        ServiceProcess.start(
            FaultlineServices.EXECUTOR + "-" + n,
            servicesDir
                .resolve(FaultlineServices.EXECUTOR)
                .resolve("target")
                .resolve(FaultlineServices.EXECUTOR + "-" + version + ".jar")
                .toAbsolutePath()
                .normalize(),
            serviceJvm(),
            freePort(),
            freePort(),
            args,
            env,
            workDir);
    extraExecutors.add(executor);
    executor.awaitHealthy(Duration.ofSeconds(150));
  }

  /** How many executors run. */
  public int executors() {
    return 1 + extraExecutors.size();
  }

  public BenchAws aws() {
    return aws;
  }

  public LifecycleTap lifecycle() {
    return lifecycle;
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  public Producer<String, byte[]> producer() {
    return producer;
  }

  /** The first executor's {@code /actuator/prometheus} scrape. */
  public Prometheus executorMetrics() {
    return services.service(FaultlineServices.EXECUTOR).prometheus();
  }

  public URI schedulerUri() {
    return services.schedulerUri();
  }

  /** Publishes a tenant's policy and waits until the policy service has consumed it. */
  public void register(TenantPolicy policy) {
    Map<TopicPartition, Long> before = services.policyEnds();
    send(EventCodec.standard().encode(Topics.TENANT_POLICIES, FaultlineEvent.of(SOURCE, policy)));
    services.awaitPolicyConsumed(before, policy.tenantId().value());
  }

  /** Sends a record and waits for the broker's acknowledgement. */
  public void send(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish to " + record.topic(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Fails with the service's log when one of the services died. */
  public void assertAlive() {
    services.assertServicesAlive();
    for (ServiceProcess executor : extraExecutors) {
      if (!executor.isAlive()) {
        throw new IllegalStateException(executor.name() + " died\n" + executor.tail(80));
      }
    }
  }

  private void createTopics(List<NewTopic> topics) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(topics).all().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create the topics", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Integer> ports() {
    return Map.of(
        FaultlineServices.POLICY, freePort(),
        FaultlineServices.EXECUTOR, freePort(),
        FaultlineServices.SCHEDULER, freePort());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  @Override
  public void close() {
    extraExecutors.forEach(ServiceProcess::terminate);
    if (services != null) {
      services.close();
    }
    extraExecutors.forEach(ServiceProcess::close);
    lifecycle.close();
    producer.close();
    aws.close();
    broker.destroy();
  }
}
