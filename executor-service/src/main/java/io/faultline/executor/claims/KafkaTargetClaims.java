package io.faultline.executor.claims;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.claims.TargetsGranted;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.kafka.WholeTopicReader;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims on {@code faultline.target-claims.v1}, answers read from {@code
 * faultline.target-grants.v1}. Every executor reads the whole grants topic (all partitions, no
 * consumer group): the answer reaches the waiting fault whichever executor owns its approvals
 * partition now, and however full or paused this executor's approvals intake is.
 */
public final class KafkaTargetClaims implements TargetClaims, AutoCloseable {
  /** The grants reader's name in readiness and metrics. */
  public static final String READER = "target-grants";

  private static final Logger log = LoggerFactory.getLogger(KafkaTargetClaims.class);
  private static final URI SOURCE = URI.create("/faultline/executor-service");

  private final KafkaProducer<String, byte[]> producer;
  private final WholeTopicReader grants;
  private final PoisonRecords poison;
  private final Map<String, CompletableFuture<TargetsGranted>> waiting = new ConcurrentHashMap<>();

  public KafkaTargetClaims(
      KafkaClients kafka, MeterRegistry meters, PoisonRecords poison, ConsumerLiveness readers) {
    this.poison = poison;
    // Standalone facts like heartbeats: idempotent, no transaction, sent at once.
    this.producer =
        kafka.idempotentProducer(
            "target-claims",
            Map.<String, Object>of(ProducerConfig.LINGER_MS_CONFIG, 0),
            new StringSerializer(),
            new ByteArraySerializer());
    this.grants =
        new WholeTopicReader(
            kafka,
            new WholeTopicReader.Spec(
                READER, Topics.TARGET_GRANTS.name(), "answers to target claims", false),
            this::apply,
            meters,
            poison,
            readers);
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public Optional<TargetsGranted> claim(TargetsClaimed claim, String traceparent, Duration timeout)
      throws InterruptedException {
    CompletableFuture<TargetsGranted> answer = new CompletableFuture<>();
    // Registered before the claim is sent: the answer may arrive before send() returns.
    waiting.put(claim.claimId(), answer);
    try {
      producer.send(
          EventCodec.standard()
              .encode(
                  Topics.TARGET_CLAIMS,
                  FaultlineEvent.of(
                      claim.faultId().value() + ":claim:" + claim.claimId(),
                      SOURCE,
                      claim,
                      traceparent)),
          (metadata, error) -> {
            if (error != null) {
              answer.completeExceptionally(error);
            }
          });
      return Optional.of(answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException | RuntimeException e) {
      log.warn(
          "target claim {} of fault {} not sent: {}", claim.claimId(), claim.key(), e.toString());
      return Optional.empty();
    } finally {
      waiting.remove(claim.claimId());
    }
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    try {
      TargetsGranted grant =
          EventCodec.standard()
              .decode(Topics.TARGET_GRANTS, record.key(), record.headers(), record.value())
              .data();
      CompletableFuture<TargetsGranted> answer = waiting.get(grant.claimId());
      if (answer != null && grant.key().value().equals(record.key())) {
        answer.complete(grant);
      }
    } catch (RuntimeException e) {
      // A grant nobody can read is never anybody's: its claim times out and its fault fails.
      poison.skipped(record.topic(), record.partition(), record.offset(), e);
    }
  }

  @Override
  public void close() {
    grants.close();
    producer.close(Duration.ofSeconds(5));
  }
}
