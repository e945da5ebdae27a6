package io.faultline.events.catalogue;

import io.faultline.events.ids.FaultType;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fault types Faultline can run and the rules for their tunables. Validation reports every
 * broken rule with the path {@code $.parameters.<TUNABLE>} and a stable rule keyword.
 *
 * <p>Tunables that the seed documentation lists but that Faultline manages itself are refused with
 * rule {@code platformManaged}: {@code REGION} is the request's top-level {@code region};
 * credentials ({@code ASSUME_ROLE_ARN}, {@code AWS_AUTHENTICATION_SECRET}) come from the tenant's
 * registered account, never from a request.
 */
public final class FaultCatalogue {
  /** Tunables a request may not carry, with the reason. */
  public static final Map<String, String> PLATFORM_MANAGED =
      Map.of(
          "REGION", "set the request's top-level 'region' instead",
          "ASSUME_ROLE_ARN", "the role comes from the tenant's registered account",
          "AWS_AUTHENTICATION_SECRET", "credentials are never part of a request");

  private static final int MAX_VALUE_LENGTH = 1024;
  private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]{1,19}");

  /** Compiled once per distinct tunable rule: validation runs for every request, twice. */
  private static final Map<String, Pattern> PATTERNS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final FaultCatalogue STANDARD = new FaultCatalogue(StandardFaults.all());

  private final Map<FaultType, FaultTypeSpec> types;

  public FaultCatalogue(Collection<FaultTypeSpec> specs) {
    Map<FaultType, FaultTypeSpec> byType = new LinkedHashMap<>();
    for (FaultTypeSpec spec : specs) {
      if (byType.put(spec.type(), spec) != null) {
        throw new IllegalArgumentException("duplicate fault type " + spec.type());
      }
    }
    this.types = Map.copyOf(byType);
  }

  /** The catalogue of every fault type this release ships. */
  public static FaultCatalogue standard() {
    return STANDARD;
  }

  public Optional<FaultTypeSpec> find(FaultType type) {
    return Optional.ofNullable(types.get(type));
  }

  public Set<FaultType> types() {
    return types.keySet();
  }

  /**
   * Validates raw tunables (JSON strings, numbers or booleans) for a fault type.
   *
   * @throws ContractViolationException naming every broken rule
   */
  public FaultParameters validate(FaultType type, Map<String, ?> raw) {
    List<Violation> violations = new ArrayList<>();
    FaultParameters parameters = validate(type, raw, violations);
    if (!violations.isEmpty()) {
      throw new ContractViolationException(violations);
    }
    return parameters;
  }

  /** As {@link #validate(FaultType, Map)}, adding violations to a list; null if any were found. */
  public FaultParameters validate(FaultType type, Map<String, ?> raw, List<Violation> violations) {
    FaultTypeSpec spec = types.get(type);
    if (spec == null) {
      violations.add(
          new Violation(
              "$.faultType",
              "knownFaultType",
              "unknown fault type '" + type + "'; known types: " + sortedNames()));
      return null;
    }
    int before = violations.size();
    Map<String, String> canonical = new LinkedHashMap<>();
    for (Map.Entry<String, ?> entry : raw.entrySet()) {
      String name = entry.getKey();
      String path = "$.parameters." + name;
      if (PLATFORM_MANAGED.containsKey(name)) {
        violations.add(
            new Violation(
                path,
                "platformManaged",
                name + " is managed by the platform: " + PLATFORM_MANAGED.get(name)));
        continue;
      }
      Optional<ParameterSpec> parameter = spec.parameter(name);
      if (parameter.isEmpty()) {
        violations.add(
            new Violation(
                path,
                "unknownParameter",
                type + " has no tunable " + name + "; its tunables are " + names(spec)));
        continue;
      }
      canonicalize(parameter.get(), entry.getValue(), path, violations)
          .ifPresent(value -> canonical.put(name, value));
    }
    for (List<String> group : spec.exactlyOneOf()) {
      long set = group.stream().filter(n -> isSet(canonical.get(n))).count();
      if (set != 1) {
        String which = set == 0 ? "neither is set" : "more than one is set";
        violations.add(
            new Violation(
                "$.parameters." + group.getFirst(),
                "exactlyOneOf",
                "exactly one of " + String.join(", ", group) + " must be set, but " + which));
      }
    }
    for (ParameterSpec p : spec.parameters()) {
      String path = "$.parameters." + p.name();
      // A tunable that was given but invalid is already reported; do not also call it missing.
      boolean reported =
          violations.subList(before, violations.size()).stream()
              .anyMatch(v -> v.path().equals(path));
      if (p.required() && !isSet(canonical.get(p.name())) && !reported) {
        violations.add(new Violation(path, "required", p.name() + " is required for " + type));
      }
    }
    spec.onlyWith()
        .forEach(
            (name, companion) -> {
              String value = canonical.get(name);
              String defaultValue =
                  spec.parameter(name).flatMap(ParameterSpec::defaultIfAny).orElse("");
              if (value != null
                  && !value.equals(defaultValue)
                  && !isSet(canonical.get(companion))) {
                violations.add(
                    new Violation(
                        "$.parameters." + name,
                        "onlyWith",
                        name + " applies only when " + companion + " is set"));
              }
            });
    for (TunableRule rule : spec.rules()) {
      check(spec, rule, canonical, violations);
    }
    if (violations.size() > before) {
      return null;
    }
    Map<String, String> withDefaults = new LinkedHashMap<>();
    for (ParameterSpec p : spec.parameters()) {
      String value = canonical.get(p.name());
      if (value == null) {
        value = p.defaultValue();
      }
      if (value != null) {
        withDefaults.put(p.name(), value);
      }
    }
    return new FaultParameters(withDefaults);
  }

  private static void check(
      FaultTypeSpec spec,
      TunableRule rule,
      Map<String, String> canonical,
      List<Violation> violations) {
    switch (rule) {
      case TunableRule.AtLeastOneOf(List<String> names, String why) -> {
        if (names.stream().noneMatch(n -> isSet(canonical.get(n)))) {
          violations.add(
              new Violation(
                  "$.parameters." + names.getFirst(),
                  "atLeastOneOf",
                  "at least one of "
                      + String.join(", ", names)
                      + " must be set, but none is: "
                      + why));
        }
      }
      case TunableRule.OnlyWithValue(String name, String companion, List<String> values) -> {
        String value = canonical.get(name);
        String defaultValue = spec.parameter(name).flatMap(ParameterSpec::defaultIfAny).orElse("");
        String other =
            canonical.getOrDefault(
                companion,
                spec.parameter(companion).flatMap(ParameterSpec::defaultIfAny).orElse(""));
        if (isSet(value) && !value.equals(defaultValue) && !values.contains(other)) {
          violations.add(
              new Violation(
                  "$.parameters." + name,
                  "onlyWithValue",
                  name
                      + " applies only when "
                      + companion
                      + " is one of "
                      + values
                      + ", but "
                      + companion
                      + " is '"
                      + other
                      + "'"));
        }
      }
    }
  }

  private static boolean isSet(String value) {
    return value != null && !value.isEmpty();
  }

  private static Optional<String> canonicalize(
      ParameterSpec p, Object value, String path, List<Violation> violations) {
    if (value == null) {
      violations.add(new Violation(path, "type", p.name() + " must not be null"));
      return Optional.empty();
    }
    return switch (p.type()) {
      case INTEGER -> integer(p, value, path, violations);
      case BOOLEAN -> bool(p, value, path, violations);
      case ENUM -> choice(p, value, path, violations);
      case STRING -> text(p, value, path, violations);
    };
  }

  private static Optional<String> integer(
      ParameterSpec p, Object value, String path, List<Violation> violations) {
    BigDecimal number;
    try {
      number =
          switch (value) {
            case Number n -> new BigDecimal(n.toString());
            case String s when WHOLE_NUMBER.matcher(s).matches() -> new BigDecimal(s);
            default -> null;
          };
    } catch (NumberFormatException e) {
      number = null;
    }
    if (number == null || number.stripTrailingZeros().scale() > 0) {
      violations.add(
          new Violation(path, "type", p.name() + " must be a whole number, got '" + value + "'"));
      return Optional.empty();
    }
    if (number.compareTo(BigDecimal.valueOf(p.min())) < 0) {
      violations.add(
          new Violation(
              path, "minimum", p.name() + " must be at least " + p.min() + ", got " + number));
      return Optional.empty();
    }
    if (number.compareTo(BigDecimal.valueOf(p.max())) > 0) {
      violations.add(
          new Violation(
              path, "maximum", p.name() + " must be at most " + p.max() + ", got " + number));
      return Optional.empty();
    }
    return Optional.of(number.toBigInteger().toString());
  }

  private static Optional<String> bool(
      ParameterSpec p, Object value, String path, List<Violation> violations) {
    if (value instanceof Boolean b) {
      return Optional.of(b.toString());
    }
    if (value instanceof String s) {
      String lower = s.toLowerCase(Locale.ROOT);
      if (lower.equals("true") || lower.equals("false")) {
        return Optional.of(lower);
      }
    }
    violations.add(
        new Violation(path, "type", p.name() + " must be true or false, got '" + value + "'"));
    return Optional.empty();
  }

  private static Optional<String> choice(
      ParameterSpec p, Object value, String path, List<Violation> violations) {
    if (value instanceof String s && p.allowedValues().contains(s.toLowerCase(Locale.ROOT))) {
      return Optional.of(s.toLowerCase(Locale.ROOT));
    }
    violations.add(
        new Violation(
            path,
            "enum",
            p.name() + " must be one of " + p.allowedValues() + ", got '" + value + "'"));
    return Optional.empty();
  }

  private static Optional<String> text(
      ParameterSpec p, Object value, String path, List<Violation> violations) {
    if (!(value instanceof String s)) {
      violations.add(new Violation(path, "type", p.name() + " must be a string"));
      return Optional.empty();
    }
    if (s.length() > MAX_VALUE_LENGTH) {
      violations.add(
          new Violation(
              path,
              "maxLength",
              p.name() + " must be at most " + MAX_VALUE_LENGTH + " characters"));
      return Optional.empty();
    }
    if (s.isEmpty() && !p.required()) {
      return Optional.of(s);
    }
    if (!PATTERNS.computeIfAbsent(p.allowedPattern(), Pattern::compile).matcher(s).matches()) {
      violations.add(
          new Violation(
              path,
              "pattern",
              p.name() + " '" + printable(s) + "' does not match " + p.allowedPattern()));
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /** Hostile values are echoed in errors, so control characters are escaped first. */
  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints()
        .limit(80)
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return s.length() > 80 ? out + "…" : out.toString();
  }

  private String sortedNames() {
    return types.keySet().stream().map(FaultType::value).sorted().toList().toString();
  }

  private static String names(FaultTypeSpec spec) {
    return spec.parameters().stream().map(ParameterSpec::name).toList().toString();
  }
}
