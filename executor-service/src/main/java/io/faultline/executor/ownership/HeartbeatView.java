package io.faultline.executor.ownership;

import io.faultline.events.heartbeat.ExecutorHeartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the heartbeats read so far say: the heartbeat clock (the latest append time, never this
 * host's wall clock), and for each fault the latest beat that named it, with its executor and
 * epoch. Single-threaded (the watch's thread); pure apart from its state.
 */
final class HeartbeatView {
  /** The latest beat that named a fault. */
  record Named(String executor, long epoch, Instant at) {}

  private static final int BEATS_KEPT = 4;

  private Instant clock = Instant.EPOCH;
  private final Map<String, Named> named = new HashMap<>();
  // Append times of each executor's latest distinct beats (by sentAt), newest last.
  private final Map<String, Deque<Beat>> beats = new HashMap<>();

  private record Beat(Instant sentAt, Instant appendedAt) {}

  /** A heartbeat record appended at {@code appendedAt}. */
  void record(ExecutorHeartbeat beat, Instant appendedAt) {
    if (appendedAt.isAfter(clock)) {
      clock = appendedAt;
    }
    Deque<Beat> recent = beats.computeIfAbsent(beat.executorId(), e -> new ArrayDeque<>());
    if (recent.isEmpty() || !recent.peekLast().sentAt().equals(beat.sentAt())) {
      recent.addLast(new Beat(beat.sentAt(), appendedAt));
      while (recent.size() > BEATS_KEPT) {
        recent.removeFirst();
      }
    }
    for (ExecutorHeartbeat.RunningFault fault : beat.faults()) {
      String key = fault.key().value();
      Named previous = named.get(key);
      // A higher epoch is a takeover; a stale owner's lower epoch never wins it back.
      if (previous == null
          || fault.epoch() > previous.epoch()
          || (fault.epoch() == previous.epoch() && !appendedAt.isBefore(previous.at()))) {
        named.put(key, new Named(beat.executorId(), fault.epoch(), appendedAt));
      }
    }
  }

  /** The latest append time read: the heartbeat clock. */
  Instant clock() {
    return clock;
  }

  /** The latest beat that named the fault ({@code <tenant>/<fault id>}), at its highest epoch. */
  Optional<Named> named(String faultKey) {
    return Optional.ofNullable(named.get(faultKey));
  }

  /** How many distinct beats of {@code executor} were appended after {@code since}. */
  int beatsAfter(String executor, Instant since) {
    Deque<Beat> recent = beats.get(executor);
    if (recent == null) {
      return 0;
    }
    return (int) recent.stream().filter(b -> b.appendedAt().isAfter(since)).count();
  }

  /** The append time of the latest beat of {@code executor}, if any was read. */
  Optional<Instant> lastBeat(String executor) {
    Deque<Beat> recent = beats.get(executor);
    return recent == null || recent.isEmpty()
        ? Optional.empty()
        : Optional.of(recent.peekLast().appendedAt());
  }

  /** Forgets faults and executors not named for {@code age} of heartbeat time. */
  void forgetOlderThan(Duration age) {
    Instant cutoff = clock.minus(age);
    named.values().removeIf(n -> n.at().isBefore(cutoff));
    beats.values().removeIf(d -> d.isEmpty() || d.peekLast().appendedAt().isBefore(cutoff));
  }
}
