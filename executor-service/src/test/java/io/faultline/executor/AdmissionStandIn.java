package io.faultline.executor;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.claims.TargetsGranted;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.TestKafka;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the policy service's side of target claims over the real broker (the executor module may
 * not depend on the policy service): first come, first served per instance, nothing released. The
 * policy's own rule is tested in its module ({@code ClaimRuleTest}, {@code
 * TargetClaimsTopologyTest}). Claims of a {@link #silence silenced} tenant are never answered.
 * Shared by the ITs whose executor claims targets (Spring defaults: claims on) with no policy
 * service running: started before their faults, it answers every claim.
 */
public final class AdmissionStandIn implements AutoCloseable {
  private static final URI SOURCE = URI.create("/faultline/policy-service");

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, String> holders = new ConcurrentHashMap<>();
  private final Set<String> silenced = ConcurrentHashMap.newKeySet();
  private final List<TargetsClaimed> claims = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean closed;

  public AdmissionStandIn() {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
    List<TopicPartition> partitions = new ArrayList<>();
    // Right after the topic is created its metadata may not list partitions yet.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !consumer.partitionsFor(Topics.TARGET_CLAIMS.name()).isEmpty());
    consumer
        .partitionsFor(Topics.TARGET_CLAIMS.name())
        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    thread = Thread.ofPlatform().name("admission-stand-in").daemon().start(this::run);
  }

  public void silence(String tenant) {
    silenced.add(tenant);
  }

  /** Every claim read, in order. */
  public List<TargetsClaimed> claims() {
    return List.copyOf(claims);
  }

  private void run() {
    while (!closed) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
        TargetsClaimed claim =
            EventCodec.standard()
                .decode(Topics.TARGET_CLAIMS, record.key(), record.headers(), record.value())
                .data();
        claims.add(claim);
        if (!silenced.contains(claim.tenantId().value())) {
          answer(claim);
        }
      }
    }
    consumer.close();
  }

  private void answer(TargetsClaimed claim) {
    List<String> granted = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    for (String instance : claim.instanceIds()) {
      String holder = holders.putIfAbsent(instance, claim.key().value());
      if (holder == null || holder.equals(claim.key().value())) {
        granted.add(instance);
      } else {
        busy.add(instance);
      }
    }
    TargetsGranted grant =
        new TargetsGranted(
            claim.tenantId(), claim.faultId(), claim.claimId(), granted, busy, null, Instant.now());
    producer.send(
        EventCodec.standard()
            .encode(
                Topics.TARGET_GRANTS,
                FaultlineEvent.of(claim.claimId() + ":grant", SOURCE, grant, null)));
    producer.flush();
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}
