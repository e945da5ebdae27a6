package io.faultline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.events.LifecycleTap;
import io.faultline.events.access.KafkaAccess;
import io.faultline.events.access.KafkaRole;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.local.FaultlineServices;
import io.faultline.local.MotoAccount;
import io.faultline.local.SchedulerApi;
import io.faultline.testsupport.SecuredKafka;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The platform on a secured cluster: a SASL_SSL listener (SCRAM-SHA-512, TLS) with the standard
 * authorizer, each service logged in as its own principal holding exactly the ACLs of {@link
 * KafkaAccess} (what {@code deploy/kafka/} grants), configured only through {@code spring.kafka.*}.
 * A publisher with the publisher role publishes a request, the scheduler runs an experiment, and
 * both faults complete. The test watches through the broker's operator listener.
 */
class SecuredPlatformIT {
  private static final Duration FAULT_TIMEOUT = Duration.ofSeconds(120);
  private static final String PUBLISHER = "gameday-planner";
  private static final Map<String, String> USERS =
      Map.of(
          FaultlineServices.POLICY, "faultline-policy",
          FaultlineServices.EXECUTOR, "faultline-executor",
          FaultlineServices.SCHEDULER, "faultline-scheduler");

  private static SecuredKafka kafka;
  private static Platform platform;
  private static LifecycleTap lifecycle;
  private static final Map<String, String> passwords = new HashMap<>();

  @BeforeAll
  static void start() {
    kafka = SecuredKafka.start();
    kafka.createTopics(Topics.all().stream().map(t -> t.newTopic((short) 1)).toList());
    for (String user :
        List.of(PUBLISHER, "faultline-policy", "faultline-executor", "faultline-scheduler")) {
      String password = UUID.randomUUID().toString();
      passwords.put(user, password);
      kafka.addUser(user, password);
    }
    platform =
        Platform.start(
            kafka.bootstrapServers(), kafka.operatorBootstrapServers(), SecuredPlatformIT::secured);
    lifecycle = new LifecycleTap(kafka.operatorBootstrapServers());
  }

  /** Grants each service its role for this run's names, and returns its security settings. */
  private static Map<String, List<String>> secured(String ids) {
    KafkaAccess.Names names =
        new KafkaAccess.Names(
            ids + "-policy",
            ids + "-executor",
            KafkaAccess.Names.defaults().executorTransactionalIdPrefix(),
            ids + "-scheduler");
    Map<String, String> roles =
        Map.of(
            FaultlineServices.POLICY, KafkaAccess.POLICY,
            FaultlineServices.EXECUTOR, KafkaAccess.EXECUTOR,
            FaultlineServices.SCHEDULER, KafkaAccess.SCHEDULER);
    Map<String, List<String>> arguments = new HashMap<>();
    for (var service : USERS.entrySet()) {
      KafkaRole role = KafkaAccess.role(roles.get(service.getKey()), names);
      kafka.allow(
          role.grants().stream().map(g -> g.toBinding("User:" + service.getValue())).toList());
      List<String> settings = new ArrayList<>(springKafka(service.getValue()));
      if (service.getKey().equals(FaultlineServices.SCHEDULER)) {
        // On a secured cluster the operator creates topics (deploy/topics); services do not.
        settings.add("--faultline.scheduler.create-topics=false");
      }
      arguments.put(service.getKey(), settings);
    }
    KafkaRole publisher = KafkaAccess.role(KafkaAccess.PUBLISHER, names);
    kafka.allow(publisher.grants().stream().map(g -> g.toBinding("User:" + PUBLISHER)).toList());
    return arguments;
  }

  /** What an operator sets for a service: the documented spring.kafka.* properties. */
  private static List<String> springKafka(String user) {
    return List.of(
        "--spring.kafka.security.protocol=SASL_SSL",
        "--spring.kafka.properties.sasl.mechanism=" + SecuredKafka.MECHANISM,
        "--spring.kafka.properties.sasl.jaas.config="
            + SecuredKafka.jaas(user, passwords.get(user)),
        "--spring.kafka.ssl.trust-store-location=file:" + kafka.truststore(),
        "--spring.kafka.ssl.trust-store-password=" + kafka.truststorePassword(),
        "--spring.kafka.ssl.trust-store-type=PKCS12");
  }

  @AfterAll
  static void stop() {
    if (lifecycle != null) {
      lifecycle.close();
    }
    if (platform != null) {
      platform.close();
    }
    kafka.close();
  }

  @Test
  void aPublishersRequestRunsToCompletionWithEveryServiceOnItsOwnPrincipal() throws Exception {
    E2eTenant tenant = E2eTenant.create("secured");
    platform.register(tenant.policy());
    String faultId = "f-secured-" + UUID.randomUUID().toString().substring(0, 8);

    publishAsThePublisher(tenant, faultId);

    assertCompleted(faultId);
  }

  @Test
  void aRunStartedThroughTheSchedulerCompletes() {
    E2eTenant tenant = E2eTenant.create("secured-run");
    SchedulerApi api =
        SchedulerApi.admin(platform.schedulerUri(), tenant.tenantId().value(), "e2e-tests");
    MotoAccount account = tenant.account();
    api.registerAccount(account.accountId(), account.roleArn(), account.region());
    Map<TopicPartition, Long> before = platform.policyEnds();
    ObjectNode policy = Json.mapper().valueToTree(tenant.policy());
    policy.remove(
        List.of("tenantId", "revision", "accounts", "updatedAt", "updatedBy", "publisherKeys"));
    api.putPolicy(policy);
    platform.awaitPolicyConsumed(before, tenant.tenantId().value());
    String experimentId =
        api.createExperiment(
            Map.of(
                "name", "secured run",
                "faultType", E2eTenant.PROCESS_KILL.value(),
                "parameters", tenant.processKill("unused").parameters().asMap(),
                "hypothesis", "a run completes on a secured cluster",
                "targets",
                    List.of(Map.of("accountId", account.accountId(), "region", account.region()))));

    String runId = api.runNow(experimentId, null);

    assertCompleted(runId + ".w0.t0");
  }

  @Test
  void aTenantsSubscriberReadsItsOwnEventsAndNoOtherTenantsOrTheSharedTopic() throws Exception {
    E2eTenant tenant = E2eTenant.create("subscribed");
    E2eTenant other = E2eTenant.create("other");
    platform.register(tenant.policy());
    platform.register(other.policy());
    String faultId = "f-subscribed-" + UUID.randomUUID().toString().substring(0, 8);
    String subscriber = tenant.tenantId().value() + "-dashboards";
    String password = UUID.randomUUID().toString();
    kafka.addUser(subscriber, password);
    kafka.allow(
        KafkaAccess.subscriber(tenant.tenantId()).grants().stream()
            .map(g -> g.toBinding("User:" + subscriber))
            .toList());
    publishAsThePublisher(tenant, faultId);
    assertCompleted(faultId);

    Map<String, Object> settings = new HashMap<>(kafka.clientSettings(subscriber, password));
    settings.put(
        ConsumerConfig.GROUP_ID_CONFIG, Topics.tenantPrefix(tenant.tenantId()) + "dashboards");
    settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    var ownTopic = Topics.tenantLifecycle(tenant.tenantId());
    List<LifecycleStage> seen = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(ownTopic.name()));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  FaultLifecycleEvent event =
                      EventCodec.standard()
                          .decode(ownTopic, record.key(), record.headers(), record.value())
                          .data();
                  assertThat(event.tenantId()).isEqualTo(tenant.tenantId());
                  if (event.faultId().value().equals(faultId)) {
                    seen.add(event.stage());
                  }
                }
                return seen.contains(LifecycleStage.COMPLETED);
              });
    }
    assertThat(seen).startsWith(LifecycleStage.APPROVED).endsWith(LifecycleStage.COMPLETED);

    for (String forbidden :
        List.of(Topics.tenantLifecycle(other.tenantId()).name(), Topics.FAULT_LIFECYCLE.name())) {
      Map<String, Object> direct = new HashMap<>(kafka.clientSettings(subscriber, password));
      direct.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      try (KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(direct, new StringDeserializer(), new ByteArrayDeserializer())) {
        consumer.assign(List.of(new TopicPartition(forbidden, 0)));
        assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(15)))
            .as("reading %s", forbidden)
            .isInstanceOf(TopicAuthorizationException.class);
      }
    }
  }

  /** Publishes a process kill of the tenant as the publisher principal (write on requests only). */
  private static void publishAsThePublisher(E2eTenant tenant, String faultId) throws Exception {
    try (KafkaProducer<String, byte[]> publisher =
        new KafkaProducer<>(
            kafka.clientSettings(PUBLISHER, passwords.get(PUBLISHER)),
            new StringSerializer(),
            new ByteArraySerializer())) {
      // Signed with the tenant's key: the ACL says who may publish, the signature for which tenant.
      publisher
          .send(
              tenant
                  .signer()
                  .sign(
                      EventCodec.standard()
                          .encode(
                              Topics.FAULT_REQUESTS,
                              FaultlineEvent.of(
                                  URI.create("/gameday-planner"), tenant.processKill(faultId))),
                      tenant.tenantId().value()))
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static void assertCompleted(String faultId) {
    List<FaultlineEvent<FaultLifecycleEvent>> events;
    try {
      events = lifecycle.awaitEnd(faultId, FAULT_TIMEOUT);
    } catch (RuntimeException e) {
      throw new AssertionError(
          "fault " + faultId + " did not end: " + e.getMessage() + "\n" + platform.logs(), e);
    }
    assertThat(events)
        .extracting(e -> e.data().stage())
        .as("stages of %s\n%s", faultId, platform.logs())
        .startsWith(LifecycleStage.APPROVED, LifecycleStage.STARTED)
        .contains(LifecycleStage.INJECTED)
        .endsWith(LifecycleStage.COMPLETED);
  }
}
