package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.owners.AccountOwnerClaim;
import io.faultline.events.owners.AccountOwners;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.TestKafka;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An AWS account belongs to exactly one tenant (ADR 0007 §7): two instances of one scheduler
 * deployment on the real broker, sharing the account-owner index, registering accounts for several
 * tenants — one after the other and at the same moment.
 */
class AccountOwnersIT {
  private static SchedulerInstance a;
  private static SchedulerInstance b;
  private static String ownersTopic;

  @BeforeAll
  static void start() {
    String appId = "sched-owners-" + UUID.randomUUID();
    ownersTopic = "faultline.account-owners.it-" + UUID.randomUUID();
    Map<String, String> shared = Map.of("faultline.scheduler.account-owners-topic", ownersTopic);
    a = SchedulerInstance.start(appId, Clock.systemUTC(), shared);
    b = SchedulerInstance.start(appId, Clock.systemUTC(), shared);
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  private static Http.Response register(SchedulerInstance on, String tenant, String account) {
    return on.http(tenant, "admin")
        .put("/api/v1/tenants/" + tenant + "/accounts/" + account, ApiFixtures.account(account));
  }

  private static Http.Response accounts(SchedulerInstance on, String tenant) {
    return on.http(tenant, "viewer").get("/api/v1/tenants/" + tenant + "/accounts");
  }

  @Test
  void refusesAnAccountAnotherTenantRegisteredFirstWithoutNamingThatTenant() {
    String first = SharedScheduler.newTenant();
    String second = SharedScheduler.newTenant();
    String account = ApiFixtures.freshAccountId();
    assertThat(register(a, first, account).status()).isEqualTo(201);

    Http.Response refused = register(b, second, account);
    assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.namesField("accountId", "accountOwnedByAnotherTenant")).isTrue();
    assertThat(refused.body().path("detail").asText())
        .isEqualTo(
            "account "
                + account
                + " is registered by another tenant; an AWS account belongs to exactly one"
                + " tenant");
    assertThat(refused.raw()).doesNotContain(first);
    assertThat(accounts(a, second).body().size()).isZero();

    // The owner updates its registration as before.
    assertThat(register(b, first, account).status()).isEqualTo(200);
    assertThat(owner(account)).contains(TenantId.of(first));
  }

  @Test
  void exactlyOneOfConcurrentRegistrationsOnTwoInstancesWins() throws Exception {
    String account = ApiFixtures.freshAccountId();
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      tenants.add(SharedScheduler.newTenant());
    }
    CountDownLatch go = new CountDownLatch(1);
    List<String> unavailable = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Future<Integer>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(tenants.size())) {
      for (int i = 0; i < tenants.size(); i++) {
        SchedulerInstance on = i % 2 == 0 ? a : b;
        String tenant = tenants.get(i);
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  // 503 + Retry-After while engine state moves between the two instances
                  // (README, Reads): the client retries, as the API asks.
                  java.util.concurrent.atomic.AtomicInteger status =
                      new java.util.concurrent.atomic.AtomicInteger();
                  await()
                      .pollDelay(Duration.ZERO)
                      .pollInterval(Duration.ofSeconds(1))
                      .atMost(Duration.ofSeconds(60))
                      .until(
                          () -> {
                            Http.Response answer = register(on, tenant, account);
                            if (answer.status() == 503) {
                              unavailable.add(answer.raw());
                            }
                            status.set(answer.status());
                            return answer.status() != 503;
                          });
                  return status.get();
                }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get());
      }
      assertThat(statuses).as("503s: %s", unavailable).containsOnly(201, 409).containsOnlyOnce(201);
      String winner = tenants.get(statuses.indexOf(201));
      assertThat(owner(account)).contains(TenantId.of(winner));
      for (String tenant : tenants) {
        assertThat(accounts(a, tenant).body().size())
            .as("accounts of %s", tenant)
            .isEqualTo(tenant.equals(winner) ? 1 : 0);
      }
      // Every loser withdrew its claim: when the winner leaves, nobody owns the account.
      assertThat(
              a.http(winner, "admin")
                  .delete("/api/v1/tenants/" + winner + "/accounts/" + account)
                  .status())
          .isEqualTo(204);
      assertThat(owner(account)).isEmpty();
    }
  }

  @Test
  void removingTheAccountFreesItForAnotherTenant() {
    String first = SharedScheduler.newTenant();
    String second = SharedScheduler.newTenant();
    String account = ApiFixtures.freshAccountId();
    assertThat(register(a, first, account).status()).isEqualTo(201);
    assertThat(register(b, second, account).status()).isEqualTo(409);

    assertThat(
            b.http(first, "admin")
                .delete("/api/v1/tenants/" + first + "/accounts/" + account)
                .status())
        .isEqualTo(204);
    assertThat(register(b, second, account).status()).isEqualTo(201);
    assertThat(owner(account)).contains(TenantId.of(second));
    // And the first tenant is now the one refused.
    assertThat(register(a, first, account).status()).isEqualTo(409);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(accounts(a, first).body().size()).isZero());
  }

  /** The account's owner as any reader of the index folds it (the policy service's view). */
  private static java.util.Optional<TenantId> owner(String account) {
    AccountOwners owners = new AccountOwners();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      int partition =
          AccountOwnerClaim.partition(
              AccountId.of(account), consumer.partitionsFor(ownersTopic).size());
      TopicPartition tp = new TopicPartition(ownersTopic, partition);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          owners.apply(
              r.key(),
              r.value() == null
                  ? null
                  : EventCodec.standard()
                      .decode(Topics.ACCOUNT_OWNERS, r.key(), r.headers(), r.value())
                      .data());
        }
      }
    }
    return owners.owner(AccountId.of(account));
  }
}
