package io.faultline.executor.guard;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.kafka.WholeTopicReader;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole tenant-policies topic on every executor ({@link WholeTopicReader}: all
 * partitions, from the beginning, then following it), keeping each tenant's current protected
 * targets in {@link TenantGuards} and its registered accounts in {@link TenantAccounts} (how run
 * watches reach its CloudWatch). A tombstone removes the tenant (its faults keep their approvals'
 * guards). {@link #awaitCaughtUp} lets start-up wait until every policy that existed is known.
 *
 * <p>Nothing on the topic can stop it: a record it cannot read is counted as poison and skipped
 * (the tenant keeps its last readable guard, as in the policy service), and a failed poll is
 * retried with backoff while the reader reports itself stopped (readiness down).
 */
public final class TenantPolicyReader implements AutoCloseable {
  /** The reader's name in {@link ConsumerLiveness}. */
  public static final String READER = "tenant-policies";

  private static final Logger log = LoggerFactory.getLogger(TenantPolicyReader.class);

  private final TenantGuards guards;
  private final TenantAccounts accounts = new TenantAccounts();
  private final PoisonRecords poison;
  private final WholeTopicReader reader;

  /**
   * Starts reading into {@code guards}.
   *
   * @param meters receives the consumer's Kafka client metrics (tag {@code
   *     consumer=tenant-policies}), lag included
   */
  public TenantPolicyReader(
      KafkaClients kafka,
      TenantGuards guards,
      MeterRegistry meters,
      PoisonRecords poison,
      ConsumerLiveness readers) {
    this.guards = guards;
    this.poison = poison;
    this.reader =
        new WholeTopicReader(
            kafka,
            new WholeTopicReader.Spec(
                READER, Topics.TENANT_POLICIES.name(), "new protected targets", false),
            this::apply,
            meters,
            poison,
            readers);
  }

  /** The guards this reader keeps current. */
  public TenantGuards guards() {
    return guards;
  }

  /** The tenants' registered accounts this reader keeps current. */
  public TenantAccounts accounts() {
    return accounts;
  }

  /** Waits until every policy that existed at start-up has been read. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return reader.awaitCaughtUp(timeout);
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    try {
      FaultlineEvent<TenantPolicy> event =
          EventCodec.standard()
              .decode(Topics.TENANT_POLICIES, record.key(), record.headers(), record.value());
      if (event == null) {
        if (record.key() == null) {
          throw new IllegalArgumentException("a tombstone without a key names no tenant");
        }
        guards.remove(record.key());
        accounts.remove(record.key());
        log.info("tenant {} deleted: its faults keep their approvals' guards", record.key());
        return;
      }
      TenantPolicy policy = event.data();
      guards.put(policy.tenantId().value(), ProtectedTargetGuard.of(policy.protectedTargets()));
      accounts.put(policy.tenantId(), policy.accounts());
      log.debug(
          "tenant {} policy revision {}: protected targets {}",
          policy.tenantId().value(),
          policy.revision(),
          policy.protectedTargets());
    } catch (RuntimeException e) {
      // Contract violations and anything else a hostile record provokes: never the consumer's end.
      poison.skipped(record.topic(), record.partition(), record.offset(), e);
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
