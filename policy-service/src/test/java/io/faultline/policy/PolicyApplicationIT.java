package io.faultline.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.policy.admission.AdmissionStreams;
import io.faultline.policy.admission.Broker;
import io.faultline.testsupport.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Spring application as deployed: topics created at start, a tenant bootstrapped from a policy
 * file, the admission streams running against a real broker.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
// Close the streams while the shared broker is still up, not in a shutdown hook racing it.
@DirtiesContext
class PolicyApplicationIT {
  static final String TENANT = "app-it-" + UUID.randomUUID().toString().substring(0, 8);
  static final String ACCOUNT = "123456789012";

  @Autowired AdmissionStreams streams;
  @Autowired List<HealthIndicator> health;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    try {
      Path policies = Files.createTempDirectory("policies");
      Files.write(
          policies.resolve(TENANT + ".json"),
          EventCodec.standard().toJson(PolicyExamples.policy(TENANT, ACCOUNT)));
      Path state = Files.createTempDirectory("policy-app-state");
      // The app creates missing topics too, but Streams must not start before they are visible.
      new Broker("");
      registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
      registry.add("faultline.policy.bootstrap-dir", policies::toString);
      registry.add("faultline.policy.state-dir", state::toString);
      registry.add("faultline.policy.application-id", () -> "policy-app-it-" + UUID.randomUUID());
      registry.add("faultline.policy.replication-factor", () -> 1);
      registry.add("faultline.policy.create-topics", () -> true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void approvesARequestOfATenantBootstrappedFromAPolicyFile() {
    Broker broker = new Broker("");
    broker.send(
        Topics.FAULT_REQUESTS,
        PolicyExamples.processKill(TENANT, "f-app-1", ACCOUNT, "i-00000000000000001"));
    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
      consumer.subscribe(List.of(Topics.FAULT_LIFECYCLE.name()));
      List<ConsumerRecord<String, byte[]>> records =
          Broker.pollUntil(
              consumer,
              r -> r.stream().anyMatch(record -> TENANT.equals(record.key())),
              Duration.ofSeconds(90));
      List<FaultLifecycleEvent> decisions =
          records.stream()
              .filter(r -> TENANT.equals(r.key()))
              .map(
                  r ->
                      EventCodec.standard()
                          .decode(Topics.FAULT_LIFECYCLE, r.key(), r.headers(), r.value())
                          .data())
              .toList();
      assertThat(decisions)
          .singleElement()
          .satisfies(e -> assertThat(e.stage()).isEqualTo(LifecycleStage.APPROVED));
    }
    assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
    assertThat(health)
        .anySatisfy(h -> assertThat(h.health().getDetails()).containsEntry("streams", "RUNNING"));
  }
}
