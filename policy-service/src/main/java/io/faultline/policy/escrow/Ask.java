package io.faultline.policy.escrow;

/**
 * A partition short of tokens asks every other partition for {@code need} of them. Each peer
 * answers it with exactly one {@link Grant}, possibly of zero tokens.
 *
 * @param from the asking partition
 * @param askId the asking partition's round; answers to an older round still carry tokens
 */
public record Ask(int from, long askId, int need) {
  public Ask {
    if (from < 0) {
      throw new IllegalArgumentException("from must be >= 0, was " + from);
    }
    if (need < 1) {
      throw new IllegalArgumentException("need must be >= 1, was " + need);
    }
  }
}
