package io.faultline.scheduler.subscriptions;

import io.faultline.events.ids.TenantId;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.errors.StreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a tenant's lifecycle topic exists before the fan-out writes to it: created once per
 * tenant and remembered. A failure is the cluster's, not the record's, so it is a {@link
 * StreamsException}: the task's transaction aborts and the event is copied when it is retried.
 */
class TenantTopics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TenantTopics.class);
  private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(10);

  private final Admin admin;
  private final Optional<Short> replicationFactor;
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  TenantTopics(Admin admin, short replicationFactor) {
    this.admin = admin;
    this.replicationFactor =
        replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty();
  }

  /** Creates the tenant's topic unless this instance already knows it exists. */
  void ensure(TenantId tenant) {
    Topic<?> topic = Topics.tenantLifecycle(tenant);
    if (known.contains(topic.name())) {
      return;
    }
    try {
      try {
        admin
            .createTopics(
                List.of(
                    new NewTopic(topic.name(), Optional.of(topic.partitions()), replicationFactor)
                        .configs(topic.configs())))
            .all()
            .get(VISIBLE_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        log.info("created {} for tenant {}", topic.name(), tenant.value());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      awaitVisible(topic.name());
      known.add(topic.name());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StreamsException("interrupted creating " + topic.name(), e);
    } catch (Exception e) {
      throw new StreamsException("cannot create " + topic.name() + ": " + e, e);
    }
  }

  // The producer must find the new topic in its metadata; a just-created topic may not be there.
  private void awaitVisible(String name) throws Exception {
    long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
    while (true) {
      try {
        admin.describeTopics(List.of(name)).allTopicNames().get();
        return;
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        // Metadata propagation: nothing to block on but time.
        Thread.sleep(50);
      }
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
