package io.faultline.e2e;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import io.faultline.local.FaultlineServices;
import io.faultline.local.Prometheus;
import io.faultline.testsupport.CloudWatchJsonBridge;
import io.faultline.testsupport.LoopbackPorts;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import io.faultline.testsupport.ZipkinServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The whole platform for end-to-end tests: a real broker (in this JVM), moto, Zipkin (test-support)
 * and the three services as child JVMs started from their boot jars by local-platform's {@link
 * FaultlineServices} (the same harness {@code ./faultline-local} uses), on free ports. Nothing of a
 * service's code is on this module's classpath.
 */
final class Platform implements AutoCloseable {
  static final String REGION = "eu-west-1";

  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final String observerBootstrapServers;
  private final Producer<String, byte[]> producer;
  private FaultlineServices services;

  /**
   * @param observerBootstrapServers where the test's own clients (policy registration, taps, admin)
   *     reach the broker
   */
  private Platform(String observerBootstrapServers) {
    this.observerBootstrapServers = observerBootstrapServers;
    producer = newProducer();
  }

  /** An idempotent producer of String keys and byte[] values; the caller closes it. */
  Producer<String, byte[]> newProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            observerBootstrapServers,
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
    return start(TestKafka.bootstrapServers(), TestKafka.bootstrapServers(), ids -> Map.of());
  }

  /**
   * Starts the services on {@code servicesBootstrapServers}, each with the extra arguments {@code
   * arguments} gives for this run's ids (consumer groups and application ids start with them).
   */
  static Platform start(
      String servicesBootstrapServers,
      String observerBootstrapServers,
      java.util.function.Function<String, Map<String, java.util.List<String>>> arguments) {
    // The fixtures start on first use; starting them before the services keeps their start-up
    // out of the services' health timeouts.
    ZipkinServer.shared();
    MotoServer.shared();
    URI aws = cloudWatchBridge().endpoint();
    Platform platform = new Platform(observerBootstrapServers);
    try {
      platform.services =
          FaultlineServices.start(
              new FaultlineServices.Settings(
                  servicesBootstrapServers,
                  aws,
                  REGION,
                  zipkin().spansEndpoint(),
                  Path.of(System.getProperty("faultline.e2e.services-dir", "..")),
                  System.getProperty("faultline.e2e.version", "0.1.0-SNAPSHOT"),
                  Path.of(
                          System.getProperty("faultline.e2e.work-dir", "target/e2e"),
                          platform.runId)
                      .toAbsolutePath(),
                  platform.ids(),
                  Map.of(
                      FaultlineServices.POLICY, LoopbackPorts.free(),
                      FaultlineServices.EXECUTOR, LoopbackPorts.free(),
                      FaultlineServices.SCHEDULER, LoopbackPorts.free()),
                  Map.of(
                      FaultlineServices.POLICY, LoopbackPorts.free(),
                      FaultlineServices.EXECUTOR, LoopbackPorts.free(),
                      FaultlineServices.SCHEDULER, LoopbackPorts.free()),
                  arguments.apply(platform.ids()),
                  observerBootstrapServers));
      return platform;
    } catch (RuntimeException | Error e) {
      platform.close();
      throw e;
    }
  }

  private static CloudWatchJsonBridge bridge;

  /**
   * The services' AWS endpoint: moto, behind the bridge that turns the SDK's CBOR CloudWatch calls
   * (which moto does not route) into JSON ones, so the executors' CloudWatch probes read real
   * alarms in moto; every other call passes through unchanged.
   */
  static synchronized CloudWatchJsonBridge cloudWatchBridge() {
    if (bridge == null) {
      bridge = new CloudWatchJsonBridge(MotoServer.shared().endpoint());
    }
    return bridge;
  }

  static ZipkinServer zipkin() {
    return ZipkinServer.shared();
  }

  /** A service's Prometheus scrape ({@code /actuator/prometheus} on its management port). */
  Prometheus scrape(String service) {
    return services.service(service).prometheus();
  }

  /** The scheduler's HTTP API. */
  URI schedulerUri() {
    return services.schedulerUri();
  }

  /** The broker as the test's own clients reach it. */
  String bootstrapServers() {
    return observerBootstrapServers;
  }

  /** The prefix of this run's consumer groups and Streams application ids. */
  String ids() {
    return "e2e-" + runId;
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
    return services.policyEnds();
  }

  /**
   * Waits until a policy was published after {@code before} was read and the policy service has
   * consumed the policies topic up to its end, so a request sent afterwards is decided under it.
   */
  void awaitPolicyConsumed(Map<TopicPartition, Long> before, String tenant) {
    services.awaitPolicyConsumed(before, tenant);
  }

  /** The tail of every service's output, for failure messages. */
  String logs() {
    return services == null ? "(no services)" : services.logs();
  }

  @Override
  public void close() {
    if (services != null) {
      services.close();
    }
    producer.close();
  }
}
