package io.faultline.policy.escrow;

import java.util.Optional;

/**
 * One admission partition's share of the platform budget. Its active faults never exceed {@code
 * tokens} (a lowered budget aside: faults already running are not stopped); over every partition,
 * the shares plus the tokens of the grants in flight equal the budget.
 *
 * @param partition this partition
 * @param partitions how many admission partitions share the budget
 * @param budget the platform budget {@code tokens} was split from (the configured limit)
 * @param tokens what this partition owns: faults it may hold active at once; negative only after a
 *     budget was lowered below what this partition holds
 * @param askId this partition's latest ask round (0: never asked)
 * @param pending peers that have not answered round {@code askId} yet (0: no round open)
 * @param covered parked requests round {@code askId} was asked for that are still waiting (the
 *     oldest ones): once every peer has answered, they are decided, whatever the answers brought
 */
public record Share(
    int partition, int partitions, int budget, int tokens, long askId, int pending, int covered) {

  public Share {
    if (partitions < 1 || partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException(
          "partition " + partition + " is not one of " + partitions + " partitions");
    }
    if (budget < 0) {
      throw new IllegalArgumentException("budget must be >= 0, was " + budget);
    }
  }

  /** The initial share: the budget split as evenly as it goes, the remainder to the first ones. */
  public static Share initial(int partition, int partitions, int budget) {
    return new Share(partition, partitions, budget, split(budget, partitions, partition), 0, 0, 0);
  }

  static int split(int budget, int partitions, int partition) {
    return budget / partitions + (partition < budget % partitions ? 1 : 0);
  }

  /**
   * The same share under another budget: this partition's initial share moves by the difference, so
   * once every partition has applied it the shares again add up to the new budget.
   */
  public Share rebudget(int newBudget) {
    if (newBudget == budget) {
      return this;
    }
    int delta = split(newBudget, partitions, partition) - split(budget, partitions, partition);
    return new Share(partition, partitions, newBudget, tokens + delta, askId, pending, covered);
  }

  /** Tokens not held by an active fault. */
  public int free(int active) {
    return Math.max(0, tokens - active);
  }

  /** True while an ask round waits for answers. */
  public boolean asking() {
    return pending > 0;
  }

  /** Opens a round for {@code need} tokens; empty when a round is open or there is no peer. */
  public Optional<Asked> ask(int need) {
    if (asking() || partitions == 1) {
      return Optional.empty();
    }
    long round = askId + 1;
    return Optional.of(
        new Asked(
            new Share(partition, partitions, budget, tokens, round, partitions - 1, need),
            new Ask(partition, round, need)));
  }

  /**
   * Answers a peer's ask with what is free here (never more than it needs); the tokens leave this
   * share in the same step.
   */
  public Answered answer(Ask ask, int active) {
    int given = Math.min(ask.need(), free(active));
    return new Answered(
        new Share(partition, partitions, budget, tokens - given, askId, pending, covered),
        new Grant(partition, ask.from(), ask.askId(), given));
  }

  /** Takes a grant's tokens; an answer to the open round counts as one peer heard. */
  public Share receive(Grant grant) {
    if (grant.to() != partition) {
      throw new IllegalArgumentException(
          "grant to partition " + grant.to() + " read by partition " + partition);
    }
    boolean answersRound = grant.askId() == askId && pending > 0;
    return new Share(
        partition,
        partitions,
        budget,
        tokens + grant.tokens(),
        askId,
        answersRound ? pending - 1 : pending,
        covered);
  }

  /** One of the requests the round covers was decided (they are decided oldest first). */
  public Share decidedOne() {
    return covered == 0
        ? this
        : new Share(partition, partitions, budget, tokens, askId, pending, covered - 1);
  }

  /** The round's remaining requests were decided. */
  public Share uncovered() {
    return new Share(partition, partitions, budget, tokens, askId, pending, 0);
  }

  /** A share that opened a round, and the ask to send to every peer. */
  public record Asked(Share share, Ask ask) {}

  /** A share that answered, and the grant to send to the asker. */
  public record Answered(Share share, Grant grant) {}
}
