package io.faultline.scheduler.tenants;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.owners.AccountOwnerClaim;
import io.faultline.events.owners.AccountOwners;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.engine.SchedulerProperties;
import io.faultline.scheduler.kafka.KafkaClients;
import io.faultline.scheduler.web.ConflictException;
import io.faultline.scheduler.web.FieldViolation;
import io.faultline.scheduler.web.UnavailableException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A tenant's claims on AWS accounts in the account-owner index (ADR 0007 §7). A claim is written
 * and then the account's partition is read back up to it: the earliest live claim owns the account
 * ({@link AccountOwners}), so of several instances registering one account at the same moment
 * exactly one wins, whatever the order their HTTP requests arrived in. A loser withdraws its claim
 * (a tombstone of its own key) and is refused with 409. No state is kept between calls: each one
 * reads the partition, which holds one record per live claim once compacted.
 */
@Component
class AccountClaims implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccountClaims.class);
  static final String RULE = "accountOwnedByAnotherTenant";
  private static final URI SOURCE = URI.create("/faultline/scheduler-service");

  private final KafkaClients clients;
  private final String topic;
  private final Duration timeout;
  private final Clock clock;
  private final Producer<String, byte[]> producer;

  AccountClaims(KafkaClients clients, SchedulerProperties properties, Clock clock) {
    this.clients = clients;
    this.topic = properties.accountOwnersTopic();
    this.timeout = properties.applyTimeout();
    this.clock = clock;
    this.producer =
        clients.producer(
            Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.CLIENT_ID_CONFIG,
                "scheduler-account-owners"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /**
   * Makes {@code tenant} the account's owner, or refuses: returns when the tenant owns the account
   * (already, or by this claim), throws {@link ConflictException} (field {@code accountId}, rule
   * {@value #RULE}) when another tenant does. The other tenant is never named.
   */
  void claim(TenantId tenant, AccountId account) {
    int partition = partition(account);
    AccountOwners before = read(partition, endOffset(partition));
    if (before.ownedByAnother(account, tenant)) {
      throw refused(account);
    }
    if (before.owner(account).isPresent()) {
      return; // already the owner: a second claim would move it behind later claimants
    }
    AccountOwnerClaim claim = new AccountOwnerClaim(tenant, account, clock.instant());
    var encoded =
        EventCodec.standard().encode(Topics.ACCOUNT_OWNERS, FaultlineEvent.of(SOURCE, claim));
    RecordMetadata written =
        send(
            new ProducerRecord<>(
                topic, partition, claim.key(), encoded.value(), encoded.headers()));
    AccountOwners after = read(partition, written.offset() + 1);
    if (after.ownedByAnother(account, tenant)) {
      withdraw(tenant, account);
      throw refused(account);
    }
  }

  /**
   * Withdraws the tenant's claim (a tombstone of its own key): the account is free again when the
   * tenant owned it, and nothing changes when it did not.
   */
  void withdraw(TenantId tenant, AccountId account) {
    send(
        new ProducerRecord<>(
            topic, partition(account), AccountOwnerClaim.keyOf(account, tenant), null));
  }

  private static ConflictException refused(AccountId account) {
    return new ConflictException(
        new FieldViolation(
            "accountId",
            RULE,
            "account "
                + account
                + " is registered by another tenant; an AWS account belongs to exactly one"
                + " tenant"));
  }

  private int partition(AccountId account) {
    return AccountOwnerClaim.partition(account, producer.partitionsFor(topic).size());
  }

  private long endOffset(int partition) {
    try (Consumer<String, byte[]> consumer = consumer()) {
      TopicPartition tp = new TopicPartition(topic, partition);
      return consumer.endOffsets(List.of(tp), timeout).get(tp);
    }
  }

  /** The owners folded from the partition's records before {@code until}. */
  private AccountOwners read(int partition, long until) {
    AccountOwners owners = new AccountOwners();
    TopicPartition tp = new TopicPartition(topic, partition);
    Instant deadline = clock.instant().plus(timeout);
    try (Consumer<String, byte[]> consumer = consumer()) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      while (consumer.position(tp, timeout) < until) {
        if (clock.instant().isAfter(deadline)) {
          throw new UnavailableException("the account-owner index could not be read in time");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.offset() < until) {
            apply(owners, r);
          }
        }
      }
    }
    return owners;
  }

  private static void apply(AccountOwners owners, ConsumerRecord<String, byte[]> r) {
    try {
      owners.applyRecord(r.key(), r.headers(), r.value());
    } catch (RuntimeException e) {
      // Only the scheduler writes this topic; a record it cannot read claims nothing.
      log.warn(
          "skipped an unreadable account-owner record at {}-{}@{}: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
    }
  }

  private Consumer<String, byte[]> consumer() {
    return clients.consumer(
        Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.CLIENT_ID_CONFIG,
            "scheduler-account-owners-reader"),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private RecordMetadata send(ProducerRecord<String, byte[]> record) {
    try {
      return producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while claiming the account", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new UnavailableException("Kafka did not accept the account claim; retry", e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
