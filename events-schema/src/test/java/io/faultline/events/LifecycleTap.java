package io.faultline.events;

import static org.awaitility.Awaitility.await;

import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the whole lifecycle topic as a subscriber would (committed events only, from the beginning;
 * a {@link TopicTap}) and answers per fault. Shared with the services and the end-to-end tests
 * through this module's test-jar.
 */
public final class LifecycleTap implements AutoCloseable {
  private final TopicTap<FaultLifecycleEvent> tap;

  /** A tap on the test broker ({@link TestKafka}). */
  public LifecycleTap() {
    this(TestKafka.bootstrapServers());
  }

  public LifecycleTap(String bootstrapServers) {
    tap = new TopicTap<>(bootstrapServers, Topics.FAULT_LIFECYCLE);
  }

  /** The events of one fault seen so far, in topic order. */
  public List<FaultlineEvent<FaultLifecycleEvent>> events(String faultId) {
    return tap.envelopes(e -> e.faultId().value().equals(faultId));
  }

  public List<LifecycleStage> stages(String faultId) {
    return events(faultId).stream().map(e -> e.data().stage()).toList();
  }

  /** Waits for the fault's first event at {@code stage} and returns it. */
  public FaultLifecycleEvent awaitStage(String faultId, LifecycleStage stage, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> stages(faultId).contains(stage));
    return events(faultId).stream()
        .map(FaultlineEvent::data)
        .filter(e -> e.stage() == stage)
        .findFirst()
        .orElseThrow();
  }

  /** Waits for the fault's first terminal event (COMPLETED, FAILED, ABORTED) and returns it. */
  public FaultLifecycleEvent awaitTerminal(String faultId, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> stages(faultId).stream().anyMatch(LifecycleStage::isTerminal));
    return events(faultId).stream()
        .map(FaultlineEvent::data)
        .filter(e -> e.stage().isTerminal())
        .findFirst()
        .orElseThrow();
  }

  /** Waits until the fault has a terminal (or REJECTED) event and returns all its events. */
  public List<FaultlineEvent<FaultLifecycleEvent>> awaitEnd(String faultId, Duration timeout) {
    await("the end (COMPLETED, FAILED, ABORTED or REJECTED) of fault " + faultId)
        .atMost(timeout)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> ended().contains(faultId));
    return events(faultId);
  }

  /** Waits until every one of the faults has ended (terminal or REJECTED). */
  public void awaitAllEnded(Collection<String> faultIds, Duration timeout) {
    await("the end of " + faultIds.size() + " faults")
        .atMost(timeout)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> ended().containsAll(faultIds));
  }

  /** The ids of the faults that have ended so far. */
  private Set<String> ended() {
    return tap.read(e -> e.stage().isTerminal() || e.stage() == LifecycleStage.REJECTED).stream()
        .map(e -> e.faultId().value())
        .collect(Collectors.toSet());
  }

  @Override
  public void close() {
    tap.close();
  }
}
