package io.faultline.events.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.catalogue.FaultTypeSpec;
import io.faultline.events.catalogue.ParameterSpec;
import io.faultline.events.catalogue.TunableRule;
import io.faultline.events.ids.FaultType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

/**
 * docs/fault-catalogue.md is generated from the catalogue and must stay equal to it. Regenerate
 * with {@code ./mvnw -pl events-schema test -Dtest=FaultCatalogueDocTest
 * -Dfaultline.regenerate=true}.
 */
class FaultCatalogueDocTest {
  private static final Path DOC = Path.of("..", "docs", "fault-catalogue.md");

  static String render() {
    StringBuilder out =
        new StringBuilder(
            """
        # Fault catalogue

        Generated from `io.faultline.events.catalogue.FaultCatalogue` (`FaultCatalogueDocTest` keeps it
        equal). Tunables keep the names of the faults' public documentation. Values may be sent as JSON
        strings, numbers or booleans; approvals carry them canonical, with defaults filled in.

        Refused in every request (rule `platformManaged`):
        """);
    FaultCatalogue.PLATFORM_MANAGED.entrySet().stream()
        .sorted(java.util.Map.Entry.comparingByKey())
        .forEach(
            e ->
                out.append("- `")
                    .append(e.getKey())
                    .append("`: ")
                    .append(e.getValue())
                    .append('\n'));
    FaultCatalogue catalogue = FaultCatalogue.standard();
    catalogue.types().stream()
        .sorted(Comparator.comparing(FaultType::value))
        .forEach(
            type -> {
              FaultTypeSpec spec = catalogue.find(type).orElseThrow();
              out.append("\n## ")
                  .append(spec.title())
                  .append(" — `")
                  .append(type)
                  .append("`\n\n")
                  .append(spec.description())
                  .append("\n\nTargets: `")
                  .append(spec.targetKind())
                  .append("`.\n\n")
                  .append(
                      "| tunable | type | default | bounds / allowed | required | reaches the host | description |\n")
                  .append("|---|---|---|---|---|---|---|\n");
              for (ParameterSpec p : spec.parameters()) {
                String allowed =
                    switch (p.type()) {
                      case INTEGER -> p.min() + " – " + p.max();
                      case ENUM -> String.join(" \\| ", p.allowedValues());
                      case BOOLEAN -> "true \\| false";
                      case STRING -> "`" + p.allowedPattern().replace("|", "\\|") + "`";
                    };
                out.append("| `")
                    .append(p.name())
                    .append("` | ")
                    .append(p.type().name().toLowerCase())
                    .append(" | ")
                    .append(
                        p.defaultValue() == null
                            ? "—"
                            : p.defaultValue().isEmpty() ? "\"\"" : "`" + p.defaultValue() + "`")
                    .append(" | ")
                    .append(allowed)
                    .append(" | ")
                    .append(p.required() ? "yes" : "no")
                    .append(" | ")
                    .append(p.reachesHost() ? "yes" : "no")
                    .append(" | ")
                    .append(p.description())
                    .append(" |\n");
              }
              for (var group : spec.exactlyOneOf()) {
                out.append("\nExactly one of ")
                    .append(String.join(", ", group.stream().map(n -> "`" + n + "`").toList()))
                    .append(" must be set (rule `exactlyOneOf`).\n");
              }
              // Sorted: onlyWith is an unordered map, and the document must not change by run.
              new java.util.TreeMap<>(spec.onlyWith())
                  .forEach(
                      (name, companion) ->
                          out.append("\n`")
                              .append(name)
                              .append("` may differ from its default only with `")
                              .append(companion)
                              .append("` (rule `onlyWith`).\n"));
              for (TunableRule rule : spec.rules()) {
                out.append('\n').append(describe(rule)).append('\n');
              }
            });
    return out.toString();
  }

  private static String describe(TunableRule rule) {
    return switch (rule) {
      case TunableRule.AtLeastOneOf(var names, var why) ->
          "At least one of "
              + String.join(", ", names.stream().map(n -> "`" + n + "`").toList())
              + " must be set (rule `atLeastOneOf`): "
              + why
              + ".";
      case TunableRule.OnlyWithValue(var name, var companion, var values) ->
          "`"
              + name
              + "` may be set only while `"
              + companion
              + "` is "
              + String.join(" or ", values.stream().map(v -> "`" + v + "`").toList())
              + " (rule `onlyWithValue`).";
    };
  }

  @Test
  void catalogueDocumentEqualsTheCatalogue() throws IOException {
    if (Boolean.getBoolean("faultline.regenerate")) {
      Files.writeString(DOC, render());
    }
    assertThat(Files.readString(DOC)).isEqualTo(render());
  }
}
