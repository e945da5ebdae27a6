package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.Fixtures;
import io.faultline.events.signing.CanonicalRequest;
import io.faultline.events.signing.DetachedSignature;
import io.faultline.events.signing.RequestSigner;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.SchedulerTopics;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.state.Target;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine signs each fault request it publishes with the platform key (ADR 0008). */
class RequestSigningTest {
  private static final Instant T0 = Instant.parse("2030-01-07T08:02:00Z");
  private static KeyPair pair;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> commands;

  @BeforeAll
  static void generate() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    pair = generator.generateKeyPair();
  }

  @BeforeEach
  void start() {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "signing-test");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            SchedulerTopology.build(
                Clock.fixed(T0, ZoneOffset.UTC),
                new EngineSettings(
                    Duration.ofMillis(100), Duration.ofMinutes(1), true, SchedulerTopics.COMMANDS),
                PublishTelemetry.none(),
                new PoisonRecords(EngineProcessor.SCHEDULER, new SimpleMeterRegistry()),
                new RequestSigner("platform:scheduler", (RSAPrivateKey) pair.getPrivate())),
            config,
            T0);
    commands =
        driver.createInputTopic(
            SchedulerTopics.COMMANDS, new StringSerializer(), new ByteArraySerializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private TestOutputTopic<String, byte[]> output(String topic) {
    return driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private void send(SchedulerCommand command) {
    commands.pipeInput(command.tenantId(), StateJson.write(command));
  }

  @Test
  void signsEveryRequestOverWhatItPublishesAsThePlatformKey() {
    Experiment twoTargets =
        new Experiment(
            "acme",
            "e1",
            "kill",
            "ec2-process-kill",
            Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:web"),
            "survives",
            List.of(),
            List.of(
                new Target("111111111111", "eu-west-1"), new Target("222222222222", "eu-west-1")),
            List.of(),
            T0,
            "user:x",
            "c0");

    send(
        SchedulerCommand.of("c1", CommandKind.START_RUN, "acme", "run-1", T0, "user:x")
            .withExperiment(twoTargets));

    List<TestRecord<String, byte[]>> requests =
        output(Topics.FAULT_REQUESTS.name()).readRecordsToList();
    assertThat(requests).hasSize(2);
    RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
    for (TestRecord<String, byte[]> r : requests) {
      Header header = r.headers().lastHeader(RequestSigner.HEADER);
      assertThat(header).isNotNull();
      DetachedSignature signature =
          DetachedSignature.parse(new String(header.value(), StandardCharsets.US_ASCII));
      assertThat(signature.keyId()).isEqualTo("platform:scheduler");
      assertThat(signature.verifies(CanonicalRequest.of(r.headers(), r.value(), "acme"), publicKey))
          .isTrue();
      assertThat(
              signature.verifies(CanonicalRequest.of(r.headers(), r.value(), "other"), publicKey))
          .isFalse();
    }
  }

  @Test
  void signsFaultRequestsOnly() {
    send(
        SchedulerCommand.of("c1", CommandKind.PUT_POLICY, "acme", "acme", T0, "user:x")
            .withPolicy(Fixtures.aPolicy()));

    List<TestRecord<String, byte[]>> policies =
        output(Topics.TENANT_POLICIES.name()).readRecordsToList();
    assertThat(policies).hasSize(1);
    assertThat(policies.getFirst().headers().lastHeader(RequestSigner.HEADER)).isNull();
  }
}
