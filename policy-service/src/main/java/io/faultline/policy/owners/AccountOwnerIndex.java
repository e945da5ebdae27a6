package io.faultline.policy.owners;

import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.owners.AccountOwners;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every instance's own copy of the account-owner index: one thread reads all of {@code
 * faultline.account-owners.v1} from the beginning and keeps following it (no consumer group, no
 * committed offsets), folding it with the contract's first-claim-wins rule. Admission asks it at
 * decision time, like the clock: it is not part of the exactly-once state, so a decision redone
 * after a crash may see a newer index, and only the committed decision counts. The scheduler's
 * registration is the exact guard; this is the second one.
 */
public final class AccountOwnerIndex implements AccountOwnerLookup, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccountOwnerIndex.class);

  private final AccountOwners owners = new AccountOwners();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private Thread thread;

  /**
   * @param consumerConfig connection and security settings (bootstrap servers, …) of a plain
   *     consumer
   */
  public AccountOwnerIndex(Map<String, Object> consumerConfig, String topic) {
    this.topic = topic;
    Map<String, Object> config = new java.util.HashMap<>(consumerConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "policy-account-owners");
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Starts reading; the index answers at once (unclaimed) and fills as it reads. */
  public synchronized void start() {
    thread = Thread.ofPlatform().daemon().name("account-owners").start(this::run);
  }

  /** Waits until the index has read what the topic held when it started; false on timeout. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean ownedByAnother(AccountId account, TenantId tenant) {
    return owners.ownedByAnother(account, tenant);
  }

  public Optional<TenantId> owner(AccountId account) {
    return owners.owner(account);
  }

  private void run() {
    try {
      List<TopicPartition> partitions = partitions();
      while (partitions.isEmpty() && !Thread.currentThread().isInterrupted()) {
        // Not created yet (a new deployment): nothing is claimed, so admission need not wait.
        // Topic creation has no event to wait on; a metadata lookup a second suffices.
        caughtUp.countDown();
        Thread.sleep(1000);
        partitions = partitions();
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (!Thread.currentThread().isInterrupted()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(r);
        }
        if (caughtUp.getCount() > 0
            && partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p))) {
          caughtUp.countDown();
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("the account-owner index stopped reading {}: {}", topic, e.toString());
    } finally {
      consumer.close();
    }
  }

  private List<TopicPartition> partitions() {
    return consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    try {
      owners.applyRecord(r.key(), r.headers(), r.value());
    } catch (RuntimeException e) {
      // Poison never stops a reader (promise 8): an unreadable record claims nothing.
      log.warn(
          "skipped an unreadable account-owner record at {}-{}@{}: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (thread != null) {
      consumer.wakeup();
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    } else {
      consumer.close();
    }
  }
}
