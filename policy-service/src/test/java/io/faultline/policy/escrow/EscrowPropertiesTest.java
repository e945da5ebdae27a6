package io.faultline.policy.escrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The escrow's invariants (ADR 0012) under any interleaving: N partitions, each an {@link
 * EscrowDesk} over an in-memory ledger, their admission logs FIFO queues delivered in any order
 * between partitions (each partition's own log in order, as Kafka keeps it), requests, releases and
 * budget changes arriving anywhere. After every step: the shares plus the grants in flight equal
 * the sum of the partitions' splits of the budget each has applied (the budget, once all have), no
 * partition holds more active faults than tokens at an approval, and the platform's active faults
 * never exceed the budget while it has not been lowered. At the end, with every message delivered,
 * each request was decided exactly once, none is left waiting and the shares add up to the budget;
 * a request is never rejected for the platform limit while its partition still waits for answers.
 */
class EscrowPropertiesTest {

  sealed interface Step permits Request, Release, Deliver, Rebudget {}

  /** A request at {@code partition}; {@code blocked}: another rule rejects it. */
  record Request(int partition, boolean blocked) implements Step {}

  record Release(int partition, int pick) implements Step {}

  /** The next message on {@code partition}'s admission log is read. */
  record Deliver(int partition) implements Step {}

  record Rebudget(int budget) implements Step {}

  @Property(tries = 1000)
  void escrowNeverExceedsTheBudgetNorLosesOrDoublesARequest(
      @ForAll @IntRange(min = 1, max = 5) int partitions,
      @ForAll @IntRange(min = 0, max = 12) int budget,
      @ForAll("steps") List<Step> steps) {
    Platform platform = new Platform(partitions, budget);
    boolean lowered = false;
    for (Step step : steps) {
      switch (step) {
        case Request r -> platform.request(r.partition() % partitions, r.blocked());
        case Release r -> platform.release(r.partition() % partitions, r.pick());
        case Deliver d -> platform.deliver(d.partition() % partitions);
        case Rebudget r -> {
          lowered |= r.budget() < platform.budget;
          platform.budget = r.budget();
        }
      }
      platform.checkConservation();
      if (!lowered) {
        assertThat(platform.active()).isLessThanOrEqualTo(platform.budget);
      }
    }
    // Every partition applies the last budget, then every message is read.
    for (int p = 0; p < partitions; p++) {
      platform.deliver(p);
    }
    platform.drain();
    platform.checkConservation();
    assertThat(platform.shares()).as("shares once nothing is in flight").isEqualTo(platform.budget);
    assertThat(platform.parked()).as("requests still waiting").isZero();
    assertThat(platform.decisions.keySet()).containsExactlyInAnyOrderElementsOf(platform.requested);
    assertThat(platform.doubled).as("requests decided twice").isEmpty();
  }

  @Property(tries = 200)
  void aRequestWaitsForAPeersFreeTokenInsteadOfBeingRejected(
      @ForAll @IntRange(min = 2, max = 5) int partitions,
      @ForAll @IntRange(min = 1, max = 12) int budget) {
    Platform platform = new Platform(partitions, budget);
    // All of the budget's requests arrive at partition 0: each is approved, some after asking.
    for (int i = 0; i < budget; i++) {
      platform.request(0, false);
      platform.drain();
    }
    assertThat(platform.decisions.values()).hasSize(budget).allMatch(d -> d.equals("approved"));
    platform.request(0, false);
    platform.drain();
    assertThat(platform.decisions).containsValue("rejected");
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> partition = Arbitraries.integers().between(0, 4);
    Arbitrary<Step> request =
        Combinators.combine(partition, Arbitraries.integers().between(0, 9))
            .as((p, b) -> new Request(p, b == 0));
    Arbitrary<Step> release =
        Combinators.combine(partition, Arbitraries.integers().between(0, 20)).as(Release::new);
    Arbitrary<Step> deliver = partition.map(Deliver::new);
    Arbitrary<Step> rebudget = Arbitraries.integers().between(0, 12).map(Rebudget::new);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, request),
            net.jqwik.api.Tuple.of(2, release),
            net.jqwik.api.Tuple.of(6, deliver),
            net.jqwik.api.Tuple.of(1, rebudget))
        .list()
        .ofMaxSize(120);
  }

  /** N partitions and their admission logs. */
  static final class Platform {
    final List<Partition> partitions = new ArrayList<>();
    final Map<Integer, String> decisions = new HashMap<>();
    final Set<Integer> requested = new LinkedHashSet<>();
    final List<Integer> doubled = new ArrayList<>();
    int budget;
    private int nextId;

    Platform(int count, int budget) {
      this.budget = budget;
      for (int p = 0; p < count; p++) {
        partitions.add(new Partition(Share.initial(p, count, budget)));
      }
    }

    void request(int p, boolean blocked) {
      int id = nextId++;
      requested.add(id);
      Partition partition = partitions.get(p);
      partition.rebudget(budget);
      partition.desk.admit(new Req(id, blocked));
      partition.desk.settle();
    }

    void release(int p, int pick) {
      Partition partition = partitions.get(p);
      partition.rebudget(budget);
      if (!partition.active.isEmpty()) {
        List<Integer> active = new ArrayList<>(partition.active);
        partition.active.remove(active.get(pick % active.size()));
      }
      partition.desk.settle();
    }

    void deliver(int p) {
      Partition partition = partitions.get(p);
      partition.rebudget(budget);
      Object message = partition.log.poll();
      switch (message) {
        case null -> {}
        case Ask ask -> partition.desk.answer(ask);
        case Grant grant -> partition.desk.receive(grant);
        default -> throw new IllegalStateException(message.toString());
      }
      partition.desk.settle();
    }

    /** Reads every admission log until all are empty, round-robin. */
    void drain() {
      boolean any = true;
      while (any) {
        any = false;
        for (int p = 0; p < partitions.size(); p++) {
          if (!partitions.get(p).log.isEmpty()) {
            deliver(p);
            any = true;
          }
        }
      }
    }

    int active() {
      return partitions.stream().mapToInt(p -> p.active.size()).sum();
    }

    int shares() {
      return partitions.stream().mapToInt(p -> p.ledger.share.tokens()).sum();
    }

    int parked() {
      return partitions.stream().mapToInt(p -> p.ledger.parked.size()).sum();
    }

    int free() {
      return partitions.stream()
          .mapToInt(p -> Math.max(0, p.ledger.share.tokens() - p.active.size()))
          .sum();
    }

    void checkConservation() {
      int inFlight =
          partitions.stream()
              .flatMap(p -> p.log.stream())
              .filter(m -> m instanceof Grant)
              .mapToInt(m -> ((Grant) m).tokens())
              .sum();
      int splits =
          partitions.stream()
              .mapToInt(
                  p ->
                      Share.split(
                          p.ledger.share.budget(), partitions.size(), p.ledger.share.partition()))
              .sum();
      assertThat(shares() + inFlight).as("shares + tokens in flight").isEqualTo(splits);
    }

    record Req(int id, boolean blocked) {}

    final class Partition {
      final Ledger ledger;
      final Set<Integer> active = new LinkedHashSet<>();
      final Queue<Object> log = new ArrayDeque<>();
      final EscrowDesk<Req> desk;

      Partition(Share share) {
        ledger = new Ledger(share);
        desk = new EscrowDesk<>(ledger, new Port());
      }

      void rebudget(int value) {
        ledger.share(ledger.share().rebudget(value));
      }

      final class Port implements EscrowDesk.Port<Req> {
        @Override
        public int active() {
          return active.size();
        }

        @Override
        public boolean shortOfTokensOnly(Req request) {
          return !request.blocked();
        }

        @Override
        public void decide(Req request) {
          if (decisions.containsKey(request.id())) {
            doubled.add(request.id());
          }
          if (!request.blocked() && active.size() < ledger.share().tokens()) {
            active.add(request.id());
            decisions.put(request.id(), "approved");
            assertThat(active.size()).isLessThanOrEqualTo(ledger.share().tokens());
          } else {
            if (!request.blocked() && ledger.share().asking()) {
              throw new AssertionError(
                  "request " + request.id() + " rejected while its partition still waits");
            }
            decisions.put(request.id(), request.blocked() ? "blocked" : "rejected");
          }
        }

        @Override
        public void send(Ask ask) {
          for (int p = 0; p < partitions.size(); p++) {
            if (p != ask.from()) {
              partitions.get(p).log.add(ask);
            }
          }
        }

        @Override
        public void send(Grant grant) {
          partitions.get(grant.to()).log.add(grant);
        }
      }
    }

    static final class Ledger implements EscrowDesk.Ledger<Req> {
      Share share;
      final Queue<Req> parked = new ArrayDeque<>();

      Ledger(Share share) {
        this.share = share;
      }

      @Override
      public Share share() {
        return share;
      }

      @Override
      public void share(Share value) {
        share = value;
      }

      @Override
      public void park(Req request) {
        parked.add(request);
      }

      @Override
      public Optional<Req> next() {
        return Optional.ofNullable(parked.poll());
      }

      @Override
      public int parked() {
        return parked.size();
      }
    }
  }
}
