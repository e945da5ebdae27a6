package io.faultline.events.catalogue;

import io.faultline.events.ids.FaultType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A fault type as the contract knows it: its tunables and the rules that span several tunables.
 *
 * @param type the fault type id
 * @param title a human name, e.g. "EC2 process kill"
 * @param description what it does to a host and how it is undone
 * @param targetKind what it selects
 * @param parameters its tunables, in documentation order
 * @param exactlyOneOf groups of tunables of which exactly one must be set (the either-or rule)
 * @param onlyWith tunables that may only be set (to a non-default value) together with another
 * @param rules further rules spanning several tunables
 */
public record FaultTypeSpec(
    FaultType type,
    String title,
    String description,
    TargetKind targetKind,
    List<ParameterSpec> parameters,
    List<List<String>> exactlyOneOf,
    Map<String, String> onlyWith,
    List<TunableRule> rules) {

  public FaultTypeSpec {
    Objects.requireNonNull(type, "type");
    parameters = List.copyOf(parameters);
    exactlyOneOf = exactlyOneOf.stream().map(List::copyOf).toList();
    onlyWith = Map.copyOf(onlyWith);
    rules = rules == null ? List.of() : List.copyOf(rules);
    Map<String, ParameterSpec> seen = new LinkedHashMap<>();
    for (ParameterSpec p : parameters) {
      if (seen.put(p.name(), p) != null) {
        throw new IllegalArgumentException(type + ": duplicate tunable " + p.name());
      }
    }
  }

  /** A fault type whose tunables need no rule beyond either-or and only-with. */
  public FaultTypeSpec(
      FaultType type,
      String title,
      String description,
      TargetKind targetKind,
      List<ParameterSpec> parameters,
      List<List<String>> exactlyOneOf,
      Map<String, String> onlyWith) {
    this(type, title, description, targetKind, parameters, exactlyOneOf, onlyWith, List.of());
  }

  public Optional<ParameterSpec> parameter(String name) {
    return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
