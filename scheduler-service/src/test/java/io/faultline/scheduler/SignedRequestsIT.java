package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.events.ExecutorStandIn;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.signing.CanonicalRequest;
import io.faultline.events.signing.DetachedSignature;
import io.faultline.events.signing.PemKeys;
import io.faultline.events.signing.RequestSigner;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler signs the fault requests it publishes with its platform key (ADR 0008), so the
 * policy service can tell them from requests of anyone else who may write the requests topic.
 */
class SignedRequestsIT {
  private static final String KEY_FILE = "faultline.scheduler.signing.private-key-file";
  @TempDir static Path dir;
  private static RSAPublicKey platformKey;
  private static SchedulerInstance app;
  private static KafkaConsumer<String, byte[]> requests;
  private static final List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
  private static ExecutorStandIn executor;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    platformKey = (RSAPublicKey) pair.getPublic();
    // As `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` writes it.
    Path file =
        Files.writeString(
            dir.resolve("scheduler-key.pem"),
            PemKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    app =
        SchedulerInstance.start(
            "sched-sign-" + UUID.randomUUID(),
            Clock.systemUTC(),
            Map.of(KEY_FILE, file.toString()));
    requests =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        requests.partitionsFor(Topics.FAULT_REQUESTS.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    requests.assign(partitions);
    requests.seekToBeginning(partitions);
    executor = new ExecutorStandIn();
  }

  @AfterAll
  static void stop() {
    executor.close();
    requests.close();
    app.close();
  }

  /** The raw request records of a tenant so far, headers and bytes as published. */
  private static List<ConsumerRecord<String, byte[]>> requestsOf(String tenant) {
    requests.poll(Duration.ofMillis(200)).forEach(read::add);
    return read.stream().filter(r -> tenant.equals(r.key())).toList();
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as(name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  /** Checks the request's signature as the policy service does, and returns the request. */
  private static FaultRequested verified(ConsumerRecord<String, byte[]> record, String tenant) {
    DetachedSignature signature = DetachedSignature.parse(header(record, RequestSigner.HEADER));
    assertThat(signature.keyId()).isEqualTo("platform:scheduler");
    assertThat(
            signature.verifies(
                CanonicalRequest.of(record.headers(), record.value(), tenant), platformKey))
        .isTrue();
    // The platform key is accepted only on the scheduler's own requests.
    assertThat(header(record, "ce_source")).isEqualTo("/faultline/scheduler-service");
    // The signature is an extension the contract's codec reads past.
    FaultRequested request =
        EventCodec.standard()
            .decode(Topics.FAULT_REQUESTS, record.key(), record.headers(), record.value())
            .data();
    assertThat(request.tenantId().value()).isEqualTo(tenant);
    return request;
  }

  @Test
  void signsTheRequestsOfEveryWaveWithThePlatformKey() {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    Map<String, Object> experiment =
        Map.of(
            "name",
            "Checkout worker dies",
            "faultType",
            "ec2-process-kill",
            "parameters",
            Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:checkout"),
            "hypothesis",
            "Checkout p99 stays under 300 ms",
            "targets",
            List.of(Map.of("accountId", "111111111111", "region", "eu-west-1")),
            "waves",
            List.of(Map.of("name", "dry run", "dryRun", true), Map.of("name", "all")));
    String experimentId =
        op.post("/api/v1/tenants/" + tenant + "/experiments", experiment)
            .body()
            .path("experimentId")
            .asText();

    Http.Response started =
        op.post("/api/v1/tenants/" + tenant + "/experiments/" + experimentId + "/runs", null);
    assertThat(started.status()).isEqualTo(202);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(requestsOf(tenant)).hasSize(1));
    FaultRequested dryRun = verified(requestsOf(tenant).getFirst(), tenant);
    assertThat(dryRun.dryRun()).isTrue();

    executor.complete(dryRun);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(requestsOf(tenant)).hasSize(2));
    FaultRequested second = verified(requestsOf(tenant).getLast(), tenant);
    assertThat(second.dryRun()).isFalse();
    assertThat(second.faultId().value()).endsWith(".w1.t0");
  }

  @Test
  void refusesToStartWithAKeyFileItCannotReadNamingThePropertyAndTheFile() {
    Path missing = dir.resolve("no-such-key.pem");

    assertThatThrownBy(
            () ->
                SchedulerInstance.start(
                    "sched-sign-bad-" + UUID.randomUUID(),
                    Clock.systemUTC(),
                    Map.of(KEY_FILE, missing.toString())))
        .hasStackTraceContaining(KEY_FILE + " names " + missing.toAbsolutePath());
  }
}
