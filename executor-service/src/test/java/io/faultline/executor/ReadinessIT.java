package io.faultline.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.access.KafkaAccess;
import io.faultline.events.topics.Topics;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.SecuredKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Readiness tells the truth on a real, secured broker (promise 8): the executor, logged in as its
 * own principal with exactly its ACLs, is ready while its Kafka readers run; once its right to read
 * the controls topic is revoked, the controls reader stops (the broker refuses its fetches) and
 * readiness goes DOWN naming why, while liveness stays UP; granted again, readiness is UP.
 */
@Tag("waits-in-pairs")
class ReadinessIT {
  private static final String USER = "faultline-executor";
  private static SecuredKafka kafka;
  private static ConfigurableApplicationContext context;
  private static AclBinding readControls;

  @BeforeAll
  static void start() {
    MotoAccounts.init();
    kafka = SecuredKafka.start();
    kafka.createTopics(Topics.all().stream().map(t -> t.newTopic((short) 1)).toList());
    String password = UUID.randomUUID().toString();
    kafka.addUser(USER, password);
    String group = "readiness-" + UUID.randomUUID();
    KafkaAccess.Names defaults = KafkaAccess.Names.defaults();
    List<AclBinding> grants =
        KafkaAccess.role(
                KafkaAccess.EXECUTOR,
                new KafkaAccess.Names(
                    defaults.policyApplicationId(),
                    group,
                    defaults.executorTransactionalIdPrefix(),
                    defaults.schedulerApplicationId()))
            .grants()
            .stream()
            .map(g -> g.toBinding("User:" + USER))
            .toList();
    kafka.allow(grants);
    readControls =
        grants.stream()
            .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC)
            .filter(b -> b.pattern().name().equals(Topics.FAULT_CONTROLS.name()))
            .filter(b -> b.entry().operation() == AclOperation.READ)
            .findFirst()
            .orElseThrow();
    context =
        SpringApplication.run(
            ExecutorApplication.class,
            "--server.port=0",
            "--management.server.port=0",
            "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
            "--spring.kafka.security.protocol=SASL_SSL",
            "--spring.kafka.properties.sasl.mechanism=" + SecuredKafka.MECHANISM,
            "--spring.kafka.properties.sasl.jaas.config=" + SecuredKafka.jaas(USER, password),
            "--spring.kafka.ssl.trust-store-location=file:" + kafka.truststore(),
            "--spring.kafka.ssl.trust-store-password=" + kafka.truststorePassword(),
            "--spring.kafka.ssl.trust-store-type=PKCS12",
            "--faultline.executor.group-id=" + group,
            "--faultline.executor.executor-id=readiness-1",
            "--faultline.executor.precheck.ssm-online=skip",
            "--faultline.executor.aws.endpoint=" + MotoServer.shared().endpoint(),
            "--otel.traces.exporter=none");
  }

  @AfterAll
  static void stop() {
    if (context != null) {
      context.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void readinessIsDownWhileAKafkaReaderCannotReadAndUpOnceItReadsAgain() throws Exception {
    awaitReadiness(200, "\"controls\":\"running\"");
    assertThat(get("/actuator/health/readiness").body()).contains("\"approvals\":\"running\"");

    try (Admin admin = kafka.operatorAdmin()) {
      admin.deleteAcls(List.of(readControls.toFilter())).all().get();
    }
    awaitReadiness(503, "\"controls\":\"poll failed: ");
    assertThat(get("/actuator/health/readiness").body())
        .contains("\"status\":\"DOWN\"")
        .contains("TopicAuthorizationException");
    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);

    kafka.allow(List.of(readControls));
    awaitReadiness(200, "\"controls\":\"running\"");
    assertThat(get("/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
  }

  private static void awaitReadiness(int status, String detail) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              HttpResponse<String> readiness = get("/actuator/health/readiness");
              assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(status);
              assertThat(readiness.body()).contains(detail);
            });
  }

  /** A GET on the management port, where actuator answers. */
  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    String port = context.getEnvironment().getRequiredProperty("local.management.port");
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
