package io.faultline.policy.bootstrap;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import io.faultline.policy.kafka.KafkaClients;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Publishes the policies of {@code faultline.policy.bootstrap-dir} to the policies topic at start.
 * Admission keeps the highest revision it has seen, so re-publishing an old file never overrides a
 * newer policy published by the scheduler.
 */
@Component
class PolicyBootstrap implements ApplicationRunner {
  private static final Logger log = LoggerFactory.getLogger(PolicyBootstrap.class);
  private static final URI SOURCE = URI.create("/faultline/policy-service");

  private final String directory;
  private final KafkaClients clients;

  PolicyBootstrap(
      @Value("${faultline.policy.bootstrap-dir:}") String directory, KafkaClients clients) {
    this.directory = directory;
    this.clients = clients;
  }

  @Override
  public void run(ApplicationArguments args) throws InterruptedException, ExecutionException {
    if (directory == null || directory.isBlank()) {
      return;
    }
    publish(PolicyFiles.read(Path.of(directory)), clients);
  }

  /** Publishes policies and waits until the broker has them all. */
  public static void publish(List<TenantPolicy> policies, KafkaClients clients)
      throws InterruptedException, ExecutionException {
    Map<String, Object> settings =
        Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<String, byte[]> producer =
        clients.producer(settings, new StringSerializer(), new ByteArraySerializer())) {
      for (TenantPolicy policy : policies) {
        producer
            .send(
                EventCodec.standard()
                    .encode(Topics.TENANT_POLICIES, FaultlineEvent.of(SOURCE, policy)))
            .get();
        log.info("bootstrapped policy of {} (revision {})", policy.tenantId(), policy.revision());
      }
    }
  }
}
