package io.faultline.executor.probe.http;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A tenant's regular expression run on a body with a time limit: the body is at most 64 KiB, but a
 * pattern that backtracks catastrophically could still hold an evaluator thread for hours.
 */
final class BodyMatch {
  static final Duration LIMIT = Duration.ofMillis(200);

  private BodyMatch() {}

  /** Whether {@code pattern} is found in {@code body}; throws {@link TooSlow} past the limit. */
  static boolean find(Pattern pattern, String body) {
    return pattern.matcher(new Deadlined(body, System.nanoTime() + LIMIT.toNanos())).find();
  }

  static final class TooSlow extends RuntimeException {
    TooSlow() {
      super(
          "bodyMatches took longer than " + LIMIT.toMillis() + " ms; not judged",
          null,
          false,
          false);
    }
  }

  /** The body as the matcher sees it, checking the clock every few thousand reads. */
  private record Deadlined(String text, long deadline, int[] reads) implements CharSequence {
    Deadlined(String text, long deadline) {
      this(text, deadline, new int[1]);
    }

    @Override
    public char charAt(int index) {
      if ((++reads[0] & 0xfff) == 0 && System.nanoTime() > deadline) {
        throw new TooSlow();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Deadlined(text.substring(start, end), deadline, reads);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
