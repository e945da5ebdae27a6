package io.faultline.policy.escrow;

/**
 * Tokens in flight from one partition to another: written in the transaction that lowered the
 * giver's share, on the receiver's admission-log partition, and added to the receiver's share when
 * it reads it. A grant of zero tokens is a "no".
 */
public record Grant(int from, int to, long askId, int tokens) {
  public Grant {
    if (from < 0 || to < 0) {
      throw new IllegalArgumentException("from and to must be >= 0, were " + from + ", " + to);
    }
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens must be >= 0, was " + tokens);
    }
  }
}
