package io.faultline.executor;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * An executor's instance id, unique by construction: a copied deployment or a reused host name
 * never shares a transactional id or a heartbeat key with a live instance.
 */
final class InstanceIds {
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

  private InstanceIds() {}

  /** {@code <configured id>-<6 random characters>}: one per start of an executor. */
  static String of(String configured) {
    StringBuilder suffix = new StringBuilder(6);
    RandomGenerator random = new SecureRandom();
    for (int i = 0; i < 6; i++) {
      suffix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return configured + "-" + suffix;
  }
}
