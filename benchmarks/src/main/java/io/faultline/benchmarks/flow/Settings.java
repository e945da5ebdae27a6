package io.faultline.benchmarks.flow;

import java.util.Arrays;
import java.util.List;

/** Reads the drivers' {@code bench.*} system properties. */
final class Settings {
  private Settings() {}

  /** True unless {@code bench.full=true}: CI's few-second runs. */
  static boolean smoke() {
    return !Boolean.getBoolean("bench.full");
  }

  /** A comma-separated list of positive integers, e.g. {@code bench.p2.rates=100,500,2000}. */
  static List<Integer> ints(String property, String defaults) {
    String value = System.getProperty(property, defaults);
    try {
      List<Integer> values =
          Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
      if (values.isEmpty() || values.stream().anyMatch(v -> v < 1)) {
        throw new NumberFormatException();
      }
      return values;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          property + " must be a comma-separated list of positive integers, got '" + value + "'");
    }
  }

  /** A whole number ≥ 0, e.g. {@code bench.warmup.requests=10000}; a bad value fails naming it. */
  static int count(String property, int defaultValue) {
    String value = System.getProperty(property, Integer.toString(defaultValue)).trim();
    try {
      int count = Integer.parseInt(value);
      if (count < 0) {
        throw new NumberFormatException();
      }
      return count;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          property + " must be a whole number of 0 or more, got '" + value + "'");
    }
  }
}
