package io.faultline.events.catalogue;

/** The wire type of a tunable. Values arrive as JSON strings, numbers or booleans. */
public enum ParameterType {
  /** A whole number within the tunable's bounds; {@code "30"} and {@code 30} are both accepted. */
  INTEGER,
  /** {@code true}/{@code false}, case-insensitive, as JSON boolean or string. */
  BOOLEAN,
  /** One of the tunable's allowed values. */
  ENUM,
  /** Free text constrained by the tunable's allowed pattern. */
  STRING
}
