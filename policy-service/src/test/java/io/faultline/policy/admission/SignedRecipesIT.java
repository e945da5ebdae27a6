package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.policy;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.policy.PublisherKey;
import io.faultline.events.signing.PemKeys;
import io.faultline.events.topics.Topics;
import io.faultline.policy.authentication.AppendTimeCheck;
import io.faultline.policy.kafka.KafkaClients;
import io.faultline.testsupport.TestKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signing recipes of docs/events.md, run for real: a key made by {@code openssl}, requests
 * signed by the openssl + kcat script and by the Python function, decided by the policy service on
 * a real broker; the unsigned kcat script is refused.
 */
class SignedRecipesIT {
  static final String A = "111111111111";
  static final Path EXAMPLES = Path.of("..", "docs", "examples");

  @TempDir Path dir;
  Broker broker = Broker.unique("signed-it");
  String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  String appId = "policy-signed-" + UUID.randomUUID();
  AdmissionPipeline pipeline;
  Path privateKey;

  @BeforeEach
  void start() throws Exception {
    privateKey = dir.resolve("publisher.pem");
    Path publicKey = dir.resolve("publisher.pub.pem");
    run(
        List.of(
            "openssl",
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            privateKey.toString()),
        Map.of());
    run(
        List.of(
            "openssl",
            "pkey",
            "-in",
            privateKey.toString(),
            "-pubout",
            "-out",
            publicKey.toString()),
        Map.of());
    Map<String, String> jwk =
        PublisherKey.publicMembers(
            new RSAKey.Builder(PemKeys.publicKey(publicKey)).build().toJSONObject());
    broker.send(
        Topics.TENANT_POLICIES,
        policy(tenant, A)
            .withSigning(
                List.of(new PublisherKey("k1", jwk, Instant.now(), "user:test", null, null)),
                true));
    String state = Files.createTempDirectory("policy-signed").toString();
    pipeline =
        new AdmissionPipeline(
            new AdmissionSettings(100, Duration.ofMinutes(5), Duration.ofSeconds(1), broker.prefix),
            AdmissionTelemetry.none(),
            KafkaClients.plaintext(broker.bootstrap()),
            StreamsSettings.intake(appId, 1, state, 1),
            StreamsSettings.admission(appId, state, 1),
            Duration.ofSeconds(1));
    pipeline.start();
    broker.awaitConsumed(StreamsSettings.intakeApplicationId(appId), Topics.TENANT_POLICIES);
  }

  @AfterEach
  void stop() {
    pipeline.close(Duration.ofSeconds(10));
  }

  @Test
  void requestsSignedByTheOpensslKcatAndPythonRecipesAreDecidedAndAnUnsignedOneIsRefused()
      throws Exception {
    run(
        List.of("bash", EXAMPLES.resolve("kcat-publish-signed.sh").toString()),
        Map.of(
            "BOOTSTRAP",
            broker.bootstrap(),
            "TOPIC",
            broker.topic(Topics.FAULT_REQUESTS),
            "TENANT",
            tenant,
            "KEY_ID",
            "k1",
            "PRIVATE_KEY",
            privateKey.toString(),
            "ACCOUNT",
            A,
            "FAULT_ID",
            "f-openssl"));
    publishSignedByPython("f-python");
    run(
        List.of("bash", EXAMPLES.resolve("kcat-publish-binary.sh").toString()),
        Map.of(
            "BOOTSTRAP",
            broker.bootstrap(),
            "TOPIC",
            broker.topic(Topics.FAULT_REQUESTS),
            "TENANT",
            tenant,
            "FAULT_ID",
            "f-unsigned"));

    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
      consumer.subscribe(
          List.of(broker.topic(Topics.FAULT_LIFECYCLE), broker.topic(Topics.DEAD_LETTERS)));
      List<ConsumerRecord<String, byte[]>> records =
          Broker.pollUntil(consumer, r -> r.size() >= 3, Duration.ofSeconds(60));
      List<FaultLifecycleEvent> decisions =
          records.stream()
              .filter(r -> r.topic().equals(broker.topic(Topics.FAULT_LIFECYCLE)))
              .map(
                  r ->
                      EventCodec.standard()
                          .decode(Topics.FAULT_LIFECYCLE, r.key(), r.headers(), r.value())
                          .data())
              .toList();
      // Both signed requests name the tag app:checkout, so the second is rejected TARGET_BUSY:
      // decided either way, which is what authentication decides.
      assertThat(decisions)
          .extracting(e -> e.faultId().value())
          .containsExactlyInAnyOrder("f-openssl", "f-python");
      assertThat(decisions)
          .filteredOn(e -> e.faultId().value().equals("f-openssl"))
          .singleElement()
          .satisfies(e -> assertThat(e.stage()).isEqualTo(LifecycleStage.APPROVED));
      assertThat(records)
          .filteredOn(r -> r.topic().equals(broker.topic(Topics.DEAD_LETTERS)))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(header(r, "faultline.error.reason")).isEqualTo("UNAUTHENTICATED");
                assertThat(header(r, "faultline.error.fault")).isEqualTo("f-unsigned");
              });
    }
  }

  @Test
  void aRequestsTopicThatIsNotStampedByTheBrokerIsReported() throws Exception {
    String legacy = broker.prefix + "legacy-requests";
    TestKafka.createTopics(List.of(new NewTopic(legacy, 1, (short) 1)));

    try (Admin admin = TestKafka.admin()) {
      assertThat(AppendTimeCheck.problem(admin, broker.topic(Topics.FAULT_REQUESTS))).isEmpty();
      assertThat(AppendTimeCheck.problem(admin, legacy))
          .hasValueSatisfying(
              p ->
                  assertThat(p)
                      .contains("message.timestamp.type=CreateTime")
                      .contains("--add-config message.timestamp.type=LogAppendTime"));
    }
  }

  /** The Python recipe signs; the record is sent with exactly the headers it signed. */
  private void publishSignedByPython(String faultId) throws Exception {
    String time = Instant.now().toString();
    String type = "io.faultline.fault.requested.v1";
    byte[] data =
        ("{\"faultId\":\""
                + faultId
                + "\",\"tenantId\":\""
                + tenant
                + "\",\"faultType\":\"ec2-process-kill\",\"accountId\":\""
                + A
                + "\",\"region\":\"eu-west-1\",\"parameters\":{\"PROCESS_IDS\":\"4242\","
                + "\"EC2_INSTANCE_TAG\":\"app:checkout\"},\"requestedBy\":\"pipeline:py\","
                + "\"requestedAt\":\""
                + time
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    Path dataFile = dir.resolve(faultId + ".json");
    Files.write(dataFile, data);
    String signature =
        run(
                List.of(
                    "python3",
                    EXAMPLES.resolve("faultline_sign.py").toString(),
                    privateKey.toString(),
                    tenant + "/k1",
                    tenant,
                    faultId,
                    type,
                    faultId,
                    time,
                    dataFile.toString()),
                Map.of())
            .strip();
    RecordHeaders headers = new RecordHeaders();
    Map.of(
            "ce_specversion", "1.0",
            "ce_id", faultId,
            "ce_source", "/pipelines/py",
            "ce_type", type,
            "ce_subject", faultId,
            "ce_time", time,
            "content-type", "application/json",
            "ce_faultlinesig", signature)
        .forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
    try (KafkaProducer<String, byte[]> producer = broker.producer()) {
      producer
          .send(
              new ProducerRecord<>(
                  broker.topic(Topics.FAULT_REQUESTS), null, tenant, data, headers))
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static String run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("%s exit status; output: %s", command, output).isZero();
    return output;
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
