package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.owners.AccountOwnerClaim;
import io.faultline.events.topics.Topics;
import io.faultline.policy.kafka.KafkaClients;
import io.faultline.policy.owners.AccountOwnerRule;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Defence in depth (ADR 0007 §7): the policy service rejects a request for an account another
 * tenant owns in the account-owner index, even when the requester's policy lists that account; on a
 * real broker, the index read from its topic.
 */
class AccountOwnersIT {
  static final String OWNED = "111111111111";
  static final String FREE = "222222222222";
  static final String LATER = "333333333333";

  Broker broker = Broker.unique("owners-it");
  String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  String owner = "o-" + UUID.randomUUID().toString().substring(0, 8);
  String appId = "policy-owners-" + UUID.randomUUID();
  AdmissionPipeline pipeline;
  final AtomicInteger faults = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    // Claimed before the service starts: start waits until the index has read it.
    claim(owner, OWNED);
    String state = Files.createTempDirectory("policy-owners").toString();
    pipeline =
        new AdmissionPipeline(
            new AdmissionSettings(100, Duration.ofMinutes(5), Duration.ofSeconds(1), broker.prefix),
            AdmissionTelemetry.none(),
            KafkaClients.plaintext(broker.bootstrap()),
            StreamsSettings.intake(appId, 1, state, 1),
            StreamsSettings.admission(appId, state, 1),
            null);
    pipeline.start();
    // The requester's policy lists all three accounts: only the index says whose they are.
    broker.send(Topics.TENANT_POLICIES, policy(tenant, OWNED, FREE, LATER));
    broker.awaitConsumed(StreamsSettings.intakeApplicationId(appId), Topics.TENANT_POLICIES);
  }

  @AfterEach
  void stop() {
    pipeline.close(Duration.ofSeconds(10));
  }

  @Test
  void rejectsARequestForAnAccountAnotherTenantOwnsWithoutNamingThatTenant() {
    FaultLifecycleEvent rejected = decide(OWNED);
    assertThat(rejected.stage()).isEqualTo(LifecycleStage.REJECTED);
    assertThat(rejected.rules())
        .filteredOn(r -> r.rule().equals(AccountOwnerRule.RULE))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.passed()).isFalse();
              assertThat(r.code()).isEqualTo(RuleCode.ACCOUNT_NOT_OWNED);
              assertThat(r.message())
                  .contains("accountId " + OWNED, "accountOwnedByAnotherTenant")
                  .doesNotContain(owner);
            });

    assertThat(decide(FREE).stage()).isEqualTo(LifecycleStage.APPROVED);
  }

  @Test
  void followsClaimsAndWithdrawalsMadeWhileItRuns() {
    assertThat(decide(LATER).stage()).isEqualTo(LifecycleStage.APPROVED);
    claim(owner, LATER);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> decide(LATER).stage() == LifecycleStage.REJECTED);

    withdraw(owner, OWNED);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> decide(OWNED).stage() == LifecycleStage.APPROVED);
  }

  /** Requests a new fault in {@code account} (its own instance) and returns its decision. */
  private FaultLifecycleEvent decide(String account) {
    String faultId = "f-" + faults.incrementAndGet();
    String instance = String.format("i-%017d", faults.get());
    broker.send(Topics.FAULT_REQUESTS, processKill(tenant, faultId, account, instance));
    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
      consumer.subscribe(List.of(broker.topic(Topics.FAULT_LIFECYCLE)));
      List<ConsumerRecord<String, byte[]>> records =
          Broker.pollUntil(
              consumer,
              r -> decisions(r).stream().anyMatch(e -> e.faultId().value().equals(faultId)),
              Duration.ofSeconds(60));
      return decisions(records).stream()
          .filter(e -> e.faultId().value().equals(faultId))
          .findFirst()
          .orElseThrow();
    }
  }

  private static List<FaultLifecycleEvent> decisions(List<ConsumerRecord<String, byte[]>> rs) {
    return rs.stream()
        .map(
            r ->
                EventCodec.standard()
                    .decode(Topics.FAULT_LIFECYCLE, r.key(), r.headers(), r.value())
                    .data())
        .filter(e -> e.producer().equals("policy-service"))
        .toList();
  }

  /** A claim as the scheduler writes it: keyed by claim, on the account's partition. */
  private void claim(String tenant, String account) {
    AccountOwnerClaim claim =
        new AccountOwnerClaim(TenantId.of(tenant), AccountId.of(account), Instant.now());
    ProducerRecord<String, byte[]> encoded =
        EventCodec.standard()
            .encode(
                Topics.ACCOUNT_OWNERS,
                FaultlineEvent.of(URI.create("/faultline/scheduler-service"), claim));
    send(account, claim.key(), encoded.value(), encoded);
  }

  private void withdraw(String tenant, String account) {
    send(account, AccountOwnerClaim.keyOf(AccountId.of(account), TenantId.of(tenant)), null, null);
  }

  private void send(
      String account, String key, byte[] value, ProducerRecord<String, byte[]> encoded) {
    int partition =
        AccountOwnerClaim.partition(AccountId.of(account), Topics.ACCOUNT_OWNERS.partitions());
    try (KafkaProducer<String, byte[]> producer = broker.producer()) {
      producer.send(
          new ProducerRecord<>(
              broker.topic(Topics.ACCOUNT_OWNERS),
              partition,
              key,
              value,
              encoded == null ? null : encoded.headers()));
    }
  }
}
