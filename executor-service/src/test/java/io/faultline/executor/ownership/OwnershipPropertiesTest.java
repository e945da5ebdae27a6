package io.faultline.executor.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.run.OwnDeadline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random interleavings of fault starts, heartbeats, slow appends, lagging heartbeat watches,
 * executor pauses (SIGSTOP), crashes (kill -9) and restarts, played on a virtual clock against the
 * real ownership rules: {@link HeartbeatView} (what the beats read say), {@link OrphanRule} (when a
 * fault is taken over) and {@link OwnDeadline} (when an executor stops acting on its own faults).
 * Around them the cluster is a model of what the executor and the broker do (ADR 0007 §3–5): beats
 * every interval naming the faults an executor drives, acknowledged when appended; a consumer group
 * that moves a member's approvals partitions once it has not polled for the session timeout; a
 * journal the partition owner reads when it gains a partition and again before a takeover; a ledger
 * that writes only for a fault still held and while the own deadline holds.
 *
 * <p>The properties: at no instant do two executors act on one fault; no executor acts on a fault
 * whose lease the policy service could have expired (its heartbeat clock past the later of the
 * start deadline and the last beat naming the fault, plus the lease grace) — so its targets are
 * never given to a second fault while it acts; and once every executor is back, every fault has
 * exactly one terminal event.
 *
 * <p>What the model takes as given: a ledger write (journal entry and lifecycle event in one
 * transaction) lands at the instant its ownership check passes; beats are appended within a few
 * seconds (the publisher drops one not appended within the lease grace); brokers' clocks agree.
 */
class OwnershipPropertiesTest {
  static final long TICK = 250;
  static final long INTERVAL = 5_000;
  static final Duration TAKEOVER_GRACE = Duration.ofSeconds(15);
  static final long SESSION_TIMEOUT = 10_000;
  static final long LEASE_GRACE = 30_000;
  static final long START_DEADLINE = 120_000;
  static final int PARTITIONS = 4;
  static final long CHAOS_UNTIL = 300_000;
  static final long SETTLE = 400_000;

  /** Something that happens to the cluster at {@code atMs}. */
  record Chaos(Kind kind, long atMs, int node, long forMs) {
    enum Kind {
      PAUSE,
      CRASH,
      SLOW_APPENDS,
      WATCH_LAG
    }
  }

  /** A fault approved at {@code approvedAtMs} on approvals partition {@code partition}. */
  record Planned(long approvedAtMs, int partition, long holdMs) {}

  @Property(tries = 300)
  void onlyOneExecutorActsOnAFaultAndOnlyUnderItsLeaseAndEachFaultEndsOnce(
      @ForAll @IntRange(min = 2, max = 3) int executors,
      @ForAll @IntRange(min = 0, max = 4_999) int beatPhase,
      @ForAll("faults") List<Planned> faults,
      @ForAll("chaos") List<Chaos> chaos) {
    Cluster cluster = new Cluster(executors, beatPhase, faults, chaos);
    cluster.run();

    assertThat(cluster.violations).isEmpty();
    assertThat(cluster.terminals)
        .as("terminal events per fault")
        .hasSize(faults.size())
        .allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
    Statistics.label("takeovers").collect(cluster.takeovers > 0 ? "some" : "none");
    Statistics.label("lapsed releases").collect(cluster.lapsedReleases > 0 ? "some" : "none");
  }

  @net.jqwik.api.Example
  void pausedOwnerLateInALongFault() {
    Cluster cluster =
        new Cluster(
            2,
            1_700,
            List.of(new Planned(0, 0, 240_000)),
            List.of(new Chaos(Chaos.Kind.PAUSE, 150_000, 0, 60_000)));
    cluster.run();
    assertThat(cluster.violations).isEmpty();
    assertThat(cluster.takeovers).isEqualTo(1);
  }

  @Provide
  Arbitrary<List<Planned>> faults() {
    return Combinators.combine(
            Arbitraries.longs().between(0, 120_000),
            Arbitraries.integers().between(0, PARTITIONS - 1),
            Arbitraries.longs().between(5_000, 300_000))
        .as(Planned::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<Chaos>> chaos() {
    return Combinators.combine(
            Arbitraries.of(Chaos.Kind.class),
            Arbitraries.longs().between(0, CHAOS_UNTIL),
            Arbitraries.integers().between(0, 2),
            Arbitraries.longs().between(1_000, 60_000))
        .as(Chaos::new)
        .list()
        .ofMaxSize(6);
  }

  /** The simulated cluster: executors, a broker (beats, journal) and a consumer group. */
  static final class Cluster {
    final List<String> violations = new ArrayList<>();
    final Map<String, Integer> terminals = new TreeMap<>();
    int takeovers;
    int lapsedReleases;

    private long now;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Planned> pending;
    private final Map<String, Planned> plannedByKey = new HashMap<>();
    private final List<Chaos> chaos;
    private final List<Appended> beats = new ArrayList<>();
    private final List<Appended> inFlight = new ArrayList<>();
    private final Map<String, JournalEntry> journal = new LinkedHashMap<>();
    // The broker's append time of each journal entry (the journal is stamped by the broker).
    private final Map<JournalEntry, Instant> writtenAt = new HashMap<>();
    private final Map<Integer, Node> assignment = new HashMap<>();
    private long appendDelay;
    private long slowUntil;
    private int restarts;
    private final int beatPhase;

    /**
     * @param beatPhase how far apart (ms, modulo the interval) the executors' beats are: they
     *     started at different times
     */
    Cluster(int executors, int beatPhase, List<Planned> faults, List<Chaos> chaos) {
      this.beatPhase = beatPhase;
      for (int i = 0; i < executors; i++) {
        nodes.add(new Node("ex" + i, 0));
      }
      this.pending = new ArrayList<>(faults);
      this.chaos = chaos;
      for (int i = 0; i < faults.size(); i++) {
        plannedByKey.put(key(i), faults.get(i));
      }
      rebalance();
    }

    void run() {
      for (now = 0; now <= CHAOS_UNTIL + SETTLE; now += TICK) {
        applyChaos();
        if (now == CHAOS_UNTIL) {
          // The end of the trouble: everyone paused resumes, the broker is quick again.
          nodes.forEach(n -> n.pausedUntil = Math.min(n.pausedUntil, now));
          slowUntil = now;
        }
        deliverBeats();
        if (membershipChanged()) {
          rebalance();
        }
        for (Node node : List.copyOf(nodes)) {
          if (node.running()) {
            node.step();
          }
        }
        startApprovals();
        checkInvariants();
      }
    }

    private void applyChaos() {
      for (Chaos c : chaos) {
        if (c.atMs() < now || c.atMs() >= now + TICK) {
          continue;
        }
        Node node = nodes.get(c.node() % nodes.size());
        switch (c.kind()) {
          case PAUSE -> node.pausedUntil = Math.max(node.pausedUntil, now + c.forMs());
          case CRASH -> {
            if (!node.crashed) {
              node.crashed = true;
              // Restarted by its supervisor as a new instance (a new random instance id).
              String id = node.id.replaceAll("-r[0-9]+$", "") + "-r" + ++restarts;
              nodes.add(new Node(id, now + c.forMs()));
            }
          }
          case SLOW_APPENDS -> {
            appendDelay = c.forMs() % 4_000;
            slowUntil = now + c.forMs();
          }
          case WATCH_LAG -> {
            node.lag = c.forMs() % 4_000;
            node.lagUntil = now + c.forMs();
          }
        }
      }
    }

    private void deliverBeats() {
      for (Appended beat : List.copyOf(inFlight)) {
        if (beat.appendedAt <= now) {
          inFlight.remove(beat);
          beats.add(beat);
          beat.by.acks.add(beat.builtAt);
        }
      }
    }

    private List<Node> members() {
      return nodes.stream()
          // An executor joins the group once its watch has read the heartbeats (awaitCaughtUp).
          .filter(n -> !n.crashed && n.started && now - n.lastPoll < SESSION_TIMEOUT)
          .toList();
    }

    private List<Node> lastMembers = List.of();

    private boolean membershipChanged() {
      return !members().equals(lastMembers);
    }

    private void rebalance() {
      lastMembers = members();
      Map<Integer, Node> before = new HashMap<>(assignment);
      assignment.clear();
      for (int p = 0; p < PARTITIONS && !lastMembers.isEmpty(); p++) {
        assignment.put(p, lastMembers.get(p % lastMembers.size()));
      }
      for (int p = 0; p < PARTITIONS; p++) {
        Node was = before.get(p);
        Node is = assignment.get(p);
        if (was != null && was != is) {
          was.drop(p);
        }
        if (is != null && was != is) {
          is.gain(p);
        }
      }
    }

    private void startApprovals() {
      for (int i = 0; i < pending.size(); i++) {
        Planned planned = pending.get(i);
        String key = key(i);
        if (planned == null || planned.approvedAtMs() > now) {
          continue;
        }
        Node owner = assignment.get(planned.partition());
        if (owner == null || !owner.running() || !owner.intakeOpen()) {
          continue;
        }
        pending.set(i, null);
        if (now > planned.approvedAtMs() + START_DEADLINE) {
          // Read after its start deadline: it never starts (StartDeadline), one terminal event.
          write(
              owner, entry(key, planned.partition(), JournalEntry.Phase.TERMINAL, owner, 0, null));
          continue;
        }
        JournalEntry started =
            entry(
                key,
                planned.partition(),
                JournalEntry.Phase.HOLDING,
                owner,
                0,
                Instant.ofEpochMilli(now + planned.holdMs()));
        write(owner, started);
        owner.local.put(
            key, new Local(key, 0, owner.deadline.generation(), now + planned.holdMs()));
      }
    }

    private void write(Node writer, JournalEntry entry) {
      JournalEntry previous = journal.get(entry.faultKey());
      if (previous != null && previous.epoch() > entry.epoch()) {
        violations.add(
            now + " ms: " + writer.id + " wrote " + entry.faultKey() + " at a stale epoch");
      }
      journal.put(entry.faultKey(), entry);
      writtenAt.put(entry, Instant.ofEpochMilli(now));
      if (assignment.get(entry.approvalPartition()) == writer) {
        writer.known.put(entry.faultKey(), new Known(entry, writer.view.clock()));
      }
      if (entry.phase() == JournalEntry.Phase.TERMINAL) {
        int count = terminals.merge(entry.faultKey(), 1, Integer::sum);
        if (count > 1) {
          violations.add(now + " ms: a second terminal event for " + entry.faultKey());
        }
      }
    }

    private void checkInvariants() {
      Map<String, List<String>> acting = new HashMap<>();
      for (Node node : nodes) {
        if (!node.running()) {
          continue;
        }
        for (Local fault : node.local.values()) {
          if (node.deadline.holds(fault.generation())) {
            acting.computeIfAbsent(fault.key(), k -> new ArrayList<>()).add(node.id);
          }
        }
      }
      long policyClock = beats.stream().mapToLong(b -> b.appendedAt).max().orElse(0);
      acting.forEach(
          (key, by) -> {
            if (by.size() > 1) {
              violations.add(now + " ms: " + key + " driven by " + by + " at once");
            }
            long expiresAt = leaseExpiry(key);
            if (policyClock > expiresAt) {
              violations.add(
                  now
                      + " ms: "
                      + by
                      + " acts on "
                      + key
                      + " whose lease expired at "
                      + expiresAt
                      + " ms (heartbeat clock "
                      + policyClock
                      + " ms)");
            }
          });
    }

    private long leaseExpiry(String key) {
      long startBy = plannedByKey.get(key).approvedAtMs() + START_DEADLINE;
      long lastNamed =
          beats.stream()
              .filter(b -> b.faults.stream().anyMatch(f -> f.key().value().equals(key)))
              .mapToLong(b -> b.appendedAt)
              .max()
              .orElse(0);
      return Math.max(startBy, lastNamed) + LEASE_GRACE;
    }

    private static String key(int index) {
      return "t1/f" + index;
    }

    private JournalEntry entry(
        String key, int partition, JournalEntry.Phase phase, Node by, long epoch, Instant until) {
      return new JournalEntry(
          key.substring(3),
          "t1",
          phase,
          1,
          partition,
          0,
          null,
          List.of(),
          List.of(),
          null,
          by.id,
          Instant.ofEpochMilli(now),
          epoch,
          until,
          false,
          null);
    }

    record Local(String key, long epoch, long generation, long holdUntil) {}

    record Known(JournalEntry entry, Instant writtenAt) {}

    /** A beat: built by {@code by} at {@code builtAt}, appended at {@code appendedAt}. */
    static final class Appended {
      final Node by;
      final long builtAt;
      final long appendedAt;
      final List<ExecutorHeartbeat.RunningFault> faults;

      Appended(Node by, long builtAt, long appendedAt, List<ExecutorHeartbeat.RunningFault> f) {
        this.by = by;
        this.builtAt = builtAt;
        this.appendedAt = appendedAt;
        this.faults = f;
      }
    }

    /** One executor instance. */
    final class Node {
      final String id;
      final OwnDeadline deadline;
      final HeartbeatView view = new HeartbeatView();
      final Map<String, Local> local = new LinkedHashMap<>();
      final Map<String, Known> known = new HashMap<>();
      final List<Long> acks = new ArrayList<>();
      boolean crashed;
      long pausedUntil;
      long lastPoll;
      long lag;
      long lagUntil;
      long nextBeat;
      int read;
      boolean started;
      boolean beatNow;

      /** An instance that starts (joins the group, reads, beats) at {@code startsAt}. */
      Node(String id, long startsAt) {
        this.id = id;
        this.deadline = OwnDeadline.forTakeoverGrace(TAKEOVER_GRACE, () -> now * 1_000_000L);
        this.lastPoll = startsAt;
        this.nextBeat = startsAt + (long) beatPhase * nodes.size() % INTERVAL;
        this.pausedUntil = startsAt;
      }

      boolean running() {
        return !crashed && now >= pausedUntil;
      }

      boolean intakeOpen() {
        return deadline.generation() != OwnDeadline.LAPSED;
      }

      void gain(int partition) {
        journal.values().stream()
            .filter(e -> e.approvalPartition() == partition)
            .forEach(e -> known.put(e.faultKey(), new Known(e, writtenAt.get(e))));
      }

      void drop(int partition) {
        known.values().removeIf(k -> k.entry().approvalPartition() == partition);
      }

      void step() {
        lastPoll = now;
        acks.forEach(builtAt -> deadline.appended(builtAt * 1_000_000L));
        acks.clear();
        readBeats();
        releaseLapsedAndFenced();
        beat();
        finishHolds();
        takeOverOrphans();
      }

      private void readBeats() {
        if (!started) {
          started = true;
          // The watch starts two graces (at least a minute) back, as OwnershipWatch does.
          while (read < beats.size() && beats.get(read).appendedAt < now - 60_000) {
            read++;
          }
        }
        long upTo = now < lagUntil ? now - lag : now;
        while (read < beats.size() && beats.get(read).appendedAt <= upTo) {
          Appended beat = beats.get(read++);
          view.record(
              new ExecutorHeartbeat(
                  beat.by.id, Instant.ofEpochMilli(beat.builtAt), 1, 1, beat.faults),
              Instant.ofEpochMilli(beat.appendedAt));
        }
      }

      private void releaseLapsedAndFenced() {
        local
            .values()
            .removeIf(
                f -> {
                  if (!deadline.holds(f.generation())) {
                    lapsedReleases++;
                    return true;
                  }
                  return view.named(f.key()).filter(n -> n.epoch() > f.epoch()).isPresent();
                });
      }

      private void beat() {
        if (now >= nextBeat) {
          nextBeat += INTERVAL * ((now - nextBeat) / INTERVAL + 1);
        } else if (!beatNow) {
          return;
        }
        beatNow = false;
        List<ExecutorHeartbeat.RunningFault> named =
            local.values().stream()
                .map(
                    f ->
                        new ExecutorHeartbeat.RunningFault(
                            TenantId.of("t1"),
                            FaultId.of(f.key().substring(3)),
                            AccountId.of("123456789012"),
                            f.epoch(),
                            "HOLDING"))
                .toList();
        long delay = now < slowUntil ? appendDelay : 0;
        inFlight.add(new Appended(this, now, now + delay, named));
      }

      private void finishHolds() {
        for (Local fault : List.copyOf(local.values())) {
          if (now >= fault.holdUntil() && owns(fault)) {
            local.remove(fault.key());
            write(
                this,
                entry(
                    fault.key(),
                    plannedByKey.get(fault.key()).partition(),
                    JournalEntry.Phase.TERMINAL,
                    this,
                    fault.epoch(),
                    null));
          }
        }
      }

      /** The ledger's check just before a write commits. */
      private boolean owns(Local fault) {
        return local.get(fault.key()) == fault && deadline.holds(fault.generation());
      }

      private void takeOverOrphans() {
        if (!intakeOpen()) {
          return;
        }
        Instant watermark = view.clock();
        for (Known k : List.copyOf(known.values())) {
          if (local.containsKey(k.entry().faultKey())) {
            continue;
          }
          OrphanRule.Verdict verdict = verdict(k, watermark);
          if (verdict == OrphanRule.Verdict.WAIT) {
            continue;
          }
          // The journal may say more than when it was last read.
          JournalEntry latest = journal.get(k.entry().faultKey());
          Known current = k;
          if (!latest.equals(k.entry()) && latest.epoch() >= k.entry().epoch()) {
            current = new Known(latest, writtenAt.get(latest));
            known.put(latest.faultKey(), current);
          }
          if (verdict(current, watermark) == OrphanRule.Verdict.TAKE_OVER) {
            JournalEntry entry = current.entry();
            takeovers++;
            Local claimed =
                new Local(
                    entry.faultKey(),
                    entry.epoch() + 1,
                    deadline.generation(),
                    entry.holdUntil().toEpochMilli());
            local.put(entry.faultKey(), claimed);
            // The takeover beats at once (Takeover's beatNow), besides the schedule.
            beatNow = true;
            write(
                this,
                entry(
                    entry.faultKey(),
                    entry.approvalPartition(),
                    JournalEntry.Phase.HOLDING,
                    this,
                    entry.epoch() + 1,
                    entry.holdUntil()));
          }
        }
      }

      private OrphanRule.Verdict verdict(Known k, Instant watermark) {
        Optional<HeartbeatView.Named> named = view.named(k.entry().faultKey());
        Instant lastAlive = OrphanRule.lastAlive(k.entry(), k.writtenAt(), named);
        return OrphanRule.judge(
            k.entry(),
            k.writtenAt(),
            named,
            view.beatsAfter(k.entry().executor(), lastAlive),
            watermark,
            TAKEOVER_GRACE);
      }

      @Override
      public String toString() {
        return id;
      }
    }
  }
}
