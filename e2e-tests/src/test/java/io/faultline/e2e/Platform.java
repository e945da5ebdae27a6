package io.faultline.e2e;

import static org.awaitility.Awaitility.await;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import io.faultline.testsupport.ZipkinServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The whole platform for end-to-end tests: a real broker (in this JVM), moto, Zipkin, and the
 * policy and executor services as child JVMs started from their boot jars, configured only through
 * their documented properties and the standard {@code OTEL_*} variables. Nothing of a service's
 * code is on this module's classpath.
 */
final class Platform implements AutoCloseable {
  static final String REGION = "eu-west-1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(150);

  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final String policyApplicationId = "e2e-policy-" + runId;
  private final List<ServiceProcess> services = new ArrayList<>();
  private ServiceProcess scheduler;
  private final Producer<String, byte[]> producer;

  private Platform() {
    producer = newProducer();
  }

  /** An idempotent producer of String keys and byte[] values; the caller closes it. */
  Producer<String, byte[]> newProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            TestKafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class));
  }

  /** Starts the infrastructure and the services, and waits until every service is healthy. */
  static Platform start() {
    TestKafka.createTopics(Topics.all().stream().map(t -> t.newTopic((short) 1)).toList());
    // The fixtures start on first use; starting them before the services keeps their start-up
    // out of the services' health timeouts.
    ZipkinServer.shared();
    MotoServer.shared();
    Platform platform = new Platform();
    try {
      platform.startServices();
      return platform;
    } catch (RuntimeException | Error e) {
      platform.close();
      throw e;
    }
  }

  private void startServices() {
    Path workDir = workDir();
    String bootstrap = TestKafka.bootstrapServers();
    ServiceProcess policy =
        ServiceProcess.start(
            "policy-service",
            bootJar("policy-service"),
            freePort(),
            List.of(
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--faultline.policy.application-id=" + policyApplicationId,
                "--faultline.policy.replication-factor=1",
                "--faultline.policy.stream-threads=1",
                "--faultline.policy.state-dir=" + workDir.resolve("policy-state")),
            tracing(),
            workDir);
    services.add(policy);
    Map<String, String> executorEnv = new HashMap<>(tracing());
    // The executor's base credentials come from the SDK's default chain; moto accepts any.
    executorEnv.put("AWS_ACCESS_KEY_ID", "AKIAFAULTLINEE2E");
    executorEnv.put("AWS_SECRET_ACCESS_KEY", "faultline-e2e-secret");
    executorEnv.put("AWS_REGION", REGION);
    ServiceProcess executor =
        ServiceProcess.start(
            "executor-service",
            bootJar("executor-service"),
            freePort(),
            List.of(
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--faultline.executor.group-id=e2e-executor-" + runId,
                "--faultline.executor.executor-id=e2e-" + runId,
                "--faultline.executor.session-timeout=6s",
                // moto cannot answer DescribeInstanceInformation (README: moto gaps).
                "--faultline.executor.precheck.ssm-online=skip",
                "--faultline.executor.aws.endpoint=" + MotoServer.shared().endpoint(),
                "--faultline.executor.aws.max-attempts=2",
                "--faultline.executor.run.poll-initial=100ms",
                "--faultline.executor.run.poll-max=500ms"),
            executorEnv,
            workDir);
    services.add(executor);
    scheduler =
        ServiceProcess.start(
            "scheduler-service",
            bootJar("scheduler-service"),
            freePort(),
            List.of(
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                // Local mode: the service mints its own development tokens (POST /dev/tokens).
                "--spring.profiles.active=local",
                "--faultline.scheduler.application-id=e2e-scheduler-" + runId,
                "--faultline.scheduler.advertised-host=127.0.0.1",
                "--faultline.scheduler.state-dir=" + workDir.resolve("scheduler-state")),
            tracing(),
            workDir);
    services.add(scheduler);
    for (ServiceProcess service : services) {
      service.awaitHealthy(START_TIMEOUT);
    }
  }

  /** The standard OpenTelemetry variables that send a service's spans to the test's Zipkin. */
  static Map<String, String> tracing() {
    return Map.of(
        "OTEL_TRACES_EXPORTER", "zipkin",
        "OTEL_EXPORTER_ZIPKIN_ENDPOINT", zipkin().spansEndpoint().toString(),
        "OTEL_BSP_SCHEDULE_DELAY", "200",
        "OTEL_METRICS_EXPORTER", "none",
        "OTEL_LOGS_EXPORTER", "none");
  }

  static ZipkinServer zipkin() {
    return ZipkinServer.shared();
  }

  /** A service's Prometheus scrape ({@code /actuator/prometheus}). */
  Prometheus scrape(String service) {
    ServiceProcess process =
        services.stream()
            .filter(s -> s.name().equals(service))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no service " + service));
    return Prometheus.parse(process.get("/actuator/prometheus"));
  }

  /** The scheduler's HTTP API. */
  URI schedulerUri() {
    return scheduler.baseUri();
  }

  String bootstrapServers() {
    return TestKafka.bootstrapServers();
  }

  Producer<String, byte[]> producer() {
    return producer;
  }

  /**
   * Publishes a tenant's policy and waits until the policy service has consumed it, so a request
   * sent afterwards is decided under it (both reach admission through one ordered log).
   */
  void register(TenantPolicy policy) {
    Map<TopicPartition, Long> before = policyEnds();
    try {
      producer
          .send(
              EventCodec.standard()
                  .encode(
                      Topics.TENANT_POLICIES,
                      FaultlineEvent.of(URI.create("/faultline/e2e-tests"), policy)))
          .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish the policy of " + policy.tenantId(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    awaitPolicyConsumed(before, policy.tenantId().value());
  }

  /** The end offsets of the policies topic, to pass to {@link #awaitPolicyConsumed}. */
  Map<TopicPartition, Long> policyEnds() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (int p = 0; p < Topics.TENANT_POLICIES.partitions(); p++) {
      partitions.add(new TopicPartition(Topics.TENANT_POLICIES.name(), p));
    }
    try (Admin admin = TestKafka.admin()) {
      return admin
          .listOffsets(
              partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
          .all()
          .get()
          .entrySet()
          .stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the end offsets of the policies topic", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until a policy was published after {@code before} was read and the policy service has
   * consumed the policies topic up to its end, so a request sent afterwards is decided under it.
   */
  void awaitPolicyConsumed(Map<TopicPartition, Long> before, String tenant) {
    await("policy service consumed the policy of " + tenant)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              assertServicesAlive();
              Map<TopicPartition, Long> ends = policyEnds();
              return !ends.equals(before) && consumed(ends);
            });
  }

  private boolean consumed(Map<TopicPartition, Long> ends)
      throws ExecutionException, InterruptedException {
    try (Admin admin = TestKafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(policyApplicationId).partitionsToOffsetAndMetadata().get();
      return ends.entrySet().stream()
          .allMatch(
              end -> {
                OffsetAndMetadata done = committed.get(end.getKey());
                return end.getValue() == 0 || (done != null && done.offset() >= end.getValue());
              });
    }
  }

  /** Fails with the services' output when one of them has died. */
  void assertServicesAlive() {
    for (ServiceProcess service : services) {
      if (!service.isAlive()) {
        throw new IllegalStateException(service.name() + " died\n" + service.tail(80));
      }
    }
  }

  /** The tail of every service's output, for failure messages. */
  String logs() {
    return services.stream().map(s -> s.tail(40)).collect(Collectors.joining("\n"));
  }

  @Override
  public void close() {
    for (ServiceProcess service : services.reversed()) {
      service.close();
    }
    producer.close();
  }

  private static Path bootJar(String module) {
    String dir = System.getProperty("faultline.e2e.services-dir", "..");
    String version = System.getProperty("faultline.e2e.version", "0.1.0-SNAPSHOT");
    return Path.of(dir, module, "target", module + "-" + version + ".jar").toAbsolutePath();
  }

  private Path workDir() {
    Path dir =
        Path.of(System.getProperty("faultline.e2e.work-dir", "target/e2e"), runId).toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + dir, e);
    }
    return dir;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
