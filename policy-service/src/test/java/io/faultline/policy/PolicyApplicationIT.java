package io.faultline.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.policy.admission.AdmissionStreams;
import io.faultline.policy.admission.Broker;
import io.faultline.policy.admission.StreamsSettings;
import io.faultline.testsupport.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Spring application as deployed: topics created at start, a tenant bootstrapped from a policy
 * file, the admission streams running against a real broker.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "logging.config=classpath:structured-logback.xml")
@ExtendWith(OutputCaptureExtension.class)
// Close the streams while the shared broker is still up, not in a shutdown hook racing it.
@DirtiesContext
class PolicyApplicationIT {
  static final String TENANT = "app-it-" + UUID.randomUUID().toString().substring(0, 8);
  static final String ACCOUNT = "123456789012";
  static final String APPLICATION_ID = "policy-app-it-" + UUID.randomUUID();

  // Actuator answers on the management port (random in a test).
  @LocalManagementPort int port;
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
      registry.add("faultline.policy.application-id", () -> APPLICATION_ID);
      registry.add("faultline.policy.replication-factor", () -> 1);
      registry.add("faultline.policy.create-topics", () -> true);
      // No trace backend in this test: spans are asserted by DecisionTracingTest and e2e-tests.
      System.setProperty("otel.traces.exporter", "none");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void clearTracing() {
    System.clearProperty("otel.traces.exporter");
  }

  /** The policy file's command is on the admission log before any request of this test. */
  private static void awaitBootstrappedPolicy(Broker broker) {
    broker.awaitConsumed(
        StreamsSettings.intakeApplicationId(APPLICATION_ID), Topics.TENANT_POLICIES);
  }

  @Test
  void aRejectionIsLoggedAsJsonWithItsTraceTenantAndFault(CapturedOutput output) {
    Broker broker = new Broker("");
    awaitBootstrappedPolicy(broker);
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    broker.send(
        Topics.FAULT_REQUESTS,
        PolicyExamples.processKill(TENANT, "f-app-foreign", "999999999999", "i-00000000000000001"),
        traceparent);
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(jsonLines(output.getOut()))
                    .anySatisfy(
                        line -> {
                          assertThat(line.path("fault_id").asText()).isEqualTo("f-app-foreign");
                          assertThat(line.path("tenant_id").asText()).isEqualTo(TENANT);
                          assertThat(line.path("trace_id").asText())
                              .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
                          assertThat(line.path("span_id").asText()).hasSize(16);
                          assertThat(line.path("message").asText()).contains("ACCOUNT_NOT_OWNED");
                        }));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(prometheus())
                    .contains(
                        "faultline_policy_decisions_total{outcome=\"rejected\","
                            + "reason=\"ACCOUNT_NOT_OWNED\",tenant=\""
                            + TENANT
                            + "\"}")
                    .contains("faultline_policy_decision_latency_seconds_bucket")
                    .contains("faultline_policy_active_leases")
                    .contains("kafka_consumer_fetch_manager_records_lag_max"));
  }

  private String prometheus() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static List<JsonNode> jsonLines(String out) {
    return out.lines()
        .filter(l -> l.startsWith("{"))
        .map(
            l -> {
              try {
                return Json.mapper().readTree(l);
              } catch (IOException e) {
                throw new UncheckedIOException("a log line is not JSON: " + l, e);
              }
            })
        .toList();
  }

  @Test
  void approvesARequestOfATenantBootstrappedFromAPolicyFile() {
    Broker broker = new Broker("");
    awaitBootstrappedPolicy(broker);
    broker.send(
        Topics.FAULT_REQUESTS,
        PolicyExamples.processKill(TENANT, "f-app-1", ACCOUNT, "i-00000000000000001"));
    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
      consumer.subscribe(List.of(Topics.FAULT_LIFECYCLE.name()));
      // Filtered by fault id: the rejection test writes this tenant's lifecycle too.
      List<FaultLifecycleEvent> decisions =
          lifecycleOfTenant(
                  Broker.pollUntil(
                      consumer,
                      r -> lifecycleOfTenant(r).stream().anyMatch(PolicyApplicationIT::isAppOne),
                      Duration.ofSeconds(90)))
              .stream()
              .filter(PolicyApplicationIT::isAppOne)
              .toList();
      assertThat(decisions)
          .singleElement()
          .satisfies(e -> assertThat(e.stage()).isEqualTo(LifecycleStage.APPROVED));
    }
    assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
    assertThat(health)
        .anySatisfy(
            h ->
                assertThat(h.health().getDetails())
                    .containsEntry("streams", "RUNNING")
                    .containsEntry("admission", "RUNNING")
                    .containsEntry("intake", "RUNNING"));
  }

  private static boolean isAppOne(FaultLifecycleEvent event) {
    return event.faultId().value().equals("f-app-1");
  }

  private static List<FaultLifecycleEvent> lifecycleOfTenant(
      List<ConsumerRecord<String, byte[]>> records) {
    return records.stream()
        .filter(r -> TENANT.equals(r.key()))
        .map(
            r ->
                EventCodec.standard()
                    .decode(Topics.FAULT_LIFECYCLE, r.key(), r.headers(), r.value())
                    .data())
        .toList();
  }
}
