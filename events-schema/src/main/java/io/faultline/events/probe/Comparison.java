package io.faultline.events.probe;

import java.util.Arrays;

/** How a value is compared with a probe's threshold; the comparison states the HEALTHY case. */
public enum Comparison {
  LESS_THAN("<"),
  LESS_OR_EQUAL("<="),
  GREATER_THAN(">"),
  GREATER_OR_EQUAL(">=");

  private final String symbol;

  Comparison(String symbol) {
    this.symbol = symbol;
  }

  /** The symbol in JSON, e.g. {@code <=}. */
  public String symbol() {
    return symbol;
  }

  /** Whether {@code value <symbol> threshold}, i.e. whether the reading is healthy. */
  public boolean holds(double value, double threshold) {
    return switch (this) {
      case LESS_THAN -> value < threshold;
      case LESS_OR_EQUAL -> value <= threshold;
      case GREATER_THAN -> value > threshold;
      case GREATER_OR_EQUAL -> value >= threshold;
    };
  }

  public static Comparison ofSymbol(String symbol) {
    return Arrays.stream(values())
        .filter(c -> c.symbol.equals(symbol))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown comparison '" + symbol + "'"));
  }

  @Override
  public String toString() {
    return symbol;
  }
}
