package io.faultline.cli.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.cli.CliRun;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.signing.CanonicalRequest;
import io.faultline.events.signing.DetachedSignature;
import io.faultline.events.signing.PemKeys;
import io.faultline.events.signing.RequestSigner;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.LoopbackPorts;
import io.faultline.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code publish} against a real broker: what arrives on the requests topic. */
class PublishTest {
  private static final String TENANT = "acme";
  private static KeyPair key;

  @TempDir Path dir;

  @BeforeAll
  static void topicsAndKey() throws Exception {
    TestKafka.createTopics(List.of(Topics.FAULT_REQUESTS.newTopic((short) 1)));
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    key = generator.generateKeyPair();
  }

  @Test
  void aRequestFromAFileAndFlagsIsPublishedSignedAndItsFaultIdPrinted() throws Exception {
    Path keyFile =
        Files.writeString(
            dir.resolve("publisher.pem"),
            PemKeys.pem("PRIVATE KEY", key.getPrivate().getEncoded()));
    Path request =
        Files.writeString(
            dir.resolve("request.json"),
            "{\"tenantId\":\"acme\",\"faultType\":\"ec2-process-kill\",\"accountId\":\"111111111111\","
                + "\"region\":\"eu-west-1\",\"parameters\":{\"PROCESS_IDS\":\"4242\"}}");
    String faultId = "f-cli-" + UUID.randomUUID();

    CliRun run =
        CliRun.of(
            Map.of("FAULTLINE_KAFKA_BOOTSTRAP", TestKafka.bootstrapServers(), "USER", "alice"),
            "publish",
            "--file",
            request.toString(),
            "--fault-id",
            faultId,
            "-p",
            "EC2_INSTANCE_ID=i-0123456789abcdef0",
            "-p",
            "TOTAL_CHAOS_DURATION=5",
            "--signing-key",
            keyFile.toString(),
            "--key-id",
            "ci");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo(faultId);
    assertThat(run.err()).contains("signed with acme/ci").doesNotContain("not signed");
    ConsumerRecord<String, byte[]> record = awaitRecord(faultId);
    assertThat(record.key()).isEqualTo(TENANT);
    FaultlineEvent<FaultRequested> event =
        EventCodec.standard()
            .decode(Topics.FAULT_REQUESTS, record.key(), record.headers(), record.value());
    FaultRequested sent = event.data();
    assertThat(sent.parameters().asMap())
        .containsEntry("PROCESS_IDS", "4242")
        .containsEntry("EC2_INSTANCE_ID", "i-0123456789abcdef0")
        .containsEntry("TOTAL_CHAOS_DURATION", "5");
    assertThat(sent.requestedBy()).isEqualTo("alice via faultline-cli");
    assertThat(event.source().toString()).isEqualTo("/faultline-cli");
    Header signature = record.headers().lastHeader(RequestSigner.HEADER);
    assertThat(signature).as("ce_faultlinesig").isNotNull();
    DetachedSignature parsed =
        DetachedSignature.parse(new String(signature.value(), StandardCharsets.US_ASCII));
    assertThat(parsed.keyId()).isEqualTo("acme/ci");
    assertThat(
            parsed.verifies(
                CanonicalRequest.of(record.headers(), record.value(), TENANT),
                (RSAPublicKey) key.getPublic()))
        .isTrue();
  }

  @Test
  void flagsAloneMakeARequestAndJsonOutputDescribesIt() {
    CliRun run =
        CliRun.of(
            Map.of(),
            "publish",
            "--bootstrap-servers",
            TestKafka.bootstrapServers(),
            "--tenant",
            TENANT,
            "--fault-type",
            "ec2-process-kill",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1",
            "-p",
            "PROCESS_IDS=4242",
            "-p",
            "EC2_INSTANCE_TAG=app:checkout",
            "--dry-run",
            "--output",
            "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("not signed");
    assertThat(run.out())
        .contains("\"tenantId\":\"acme\"")
        .contains("\"topic\":\"faultline.fault-requests.v1\"")
        .contains("\"signed\":false");
    String faultId = run.out().replaceAll("(?s).*\"faultId\":\"([^\"]+)\".*", "$1");
    assertThat(faultId).startsWith("cli-");
    FaultRequested sent =
        EventCodec.standard()
            .decode(
                Topics.FAULT_REQUESTS,
                TENANT,
                awaitRecord(faultId).headers(),
                awaitRecord(faultId).value())
            .data();
    assertThat(sent.dryRun()).isTrue();
  }

  @Test
  void anInvalidRequestNamesEveryFieldAndRuleAndSendsNothing() {
    CliRun run =
        CliRun.of(
            "publish",
            "--bootstrap-servers",
            TestKafka.bootstrapServers(),
            "--tenant",
            TENANT,
            "--fault-type",
            "ec2-process-kill",
            "--account",
            "12345",
            "--region",
            "eu-west-1",
            "-p",
            "PROCESS_IDS=4242",
            "-p",
            "NO_SUCH_TUNABLE=1");
    assertThat(run.exitCode()).isEqualTo(65);
    assertThat(run.err())
        .contains("the request breaks the contract")
        .contains("$.accountId [pattern]");
    CliRun tunable =
        CliRun.of(
            "publish",
            "--bootstrap-servers",
            TestKafka.bootstrapServers(),
            "--tenant",
            TENANT,
            "--fault-type",
            "ec2-process-kill",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1",
            "-p",
            "PROCESS_IDS=4242",
            "-p",
            "EC2_INSTANCE_TAG=app:checkout",
            "-p",
            "NO_SUCH_TUNABLE=1");
    assertThat(tunable.exitCode()).isEqualTo(65);
    assertThat(tunable.err()).contains("$.parameters.NO_SUCH_TUNABLE [unknownParameter]");
    assertThat(tunable.out()).isEmpty();
  }

  @Test
  void aFileThatIsNotJsonIsInvalidData() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.json"), "tenantId: acme");
    CliRun run = CliRun.of("publish", "--file", file.toString());
    assertThat(run.exitCode()).isEqualTo(65);
    assertThat(run.err()).contains("--file " + file + " is not a JSON document");
  }

  @Test
  void secretsAreRefusedOnTheCommandLineAndHalfAKeyIsAUsageError() {
    CliRun jaas =
        CliRun.of(
            "publish",
            "--tenant",
            TENANT,
            "--kafka-property",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"u\" password=\"p4ss\";");
    assertThat(jaas.exitCode()).isEqualTo(64);
    assertThat(jaas.err())
        .contains("--kafka-property sasl.jaas.config holds a secret")
        .contains("noSecretsOnCommandLine")
        .doesNotContain("p4ss");
    CliRun halfKey =
        CliRun.of(
            "publish",
            "--tenant",
            TENANT,
            "--fault-type",
            "ec2-process-kill",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1",
            "-p",
            "PROCESS_IDS=4242",
            "-p",
            "EC2_INSTANCE_TAG=app:checkout",
            "--key-id",
            "ci");
    assertThat(halfKey.exitCode()).isEqualTo(64);
    assertThat(halfKey.err()).contains("signing needs both --signing-key");
  }

  @Test
  void anUnreachableBrokerExits69() {
    CliRun run =
        CliRun.of(
            "publish",
            "--bootstrap-servers",
            "127.0.0.1:" + LoopbackPorts.free(),
            "--kafka-timeout",
            "2s",
            "--tenant",
            TENANT,
            "--fault-type",
            "ec2-process-kill",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1",
            "-p",
            "PROCESS_IDS=4242",
            "-p",
            "EC2_INSTANCE_TAG=app:checkout");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(69);
    assertThat(run.err()).contains("did not take the request to faultline.fault-requests.v1");
  }

  private static ConsumerRecord<String, byte[]> awaitRecord(String faultId) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.FAULT_REQUESTS.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(
                        r -> {
                          Header id = r.headers().lastHeader("ce_id");
                          if (id != null
                              && faultId.equals(new String(id.value(), StandardCharsets.UTF_8))) {
                            found.add(r);
                          }
                        });
                return !found.isEmpty();
              });
      return found.get(0);
    }
  }
}
