package io.faultline.executor.fault.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.catalogue.ParameterSpec;
import io.faultline.events.ids.FaultType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SsmDocumentTest {
  static final List<String> SEED_TYPES =
      List.of("ec2-process-kill", "ecs-agent-stop", "ec2-http-reset-peer");

  static final List<String> HOSTILE =
      List.of(
          "1234;rm -rf /",
          "$(reboot)",
          "`reboot`",
          "1234\n5678",
          "1234\nreboot",
          "eth0 && x",
          "eth0'",
          "x' ; reboot ; '",
          "1234|sh",
          "",
          " 1234");

  static Stream<Arguments> hostileValuesPerParameter() {
    return Stream.of(
            Map.entry("ec2-process-kill", "ProcessIds"),
            Map.entry("ec2-process-kill", "ProcessNames"),
            Map.entry("ec2-process-kill", "ProcessMatch"),
            Map.entry("ec2-process-kill", "ProtectedNames"),
            Map.entry("ec2-process-kill", "FaultId"),
            Map.entry("ec2-process-kill", "Signal"),
            Map.entry("ec2-process-kill", "Proxy"),
            Map.entry("ec2-process-kill", "DurationSeconds"),
            Map.entry("ecs-agent-stop", "Action"),
            Map.entry("ecs-agent-stop", "TraceId"),
            Map.entry("ec2-http-reset-peer", "NetworkInterface"),
            Map.entry("ec2-http-reset-peer", "TargetPort"),
            Map.entry("ec2-http-reset-peer", "InstallDependencies"))
        .flatMap(
            e ->
                HOSTILE.stream()
                    // An empty TraceId/Proxy/process list means "none" and is legitimately allowed.
                    .filter(
                        v ->
                            !(v.isEmpty()
                                && List.of(
                                        "TraceId",
                                        "Proxy",
                                        "ProcessIds",
                                        "ProcessNames",
                                        "ProtectedNames")
                                    .contains(e.getValue())))
                    .map(v -> Arguments.of(e.getKey(), e.getValue(), v)));
  }

  static Map<String, String> validParameters(String faultType) {
    Map<String, String> values = new HashMap<>();
    values.put("Action", "inject");
    values.put("FaultId", "fault-01HZ.test:1");
    switch (faultType) {
      case "ec2-process-kill" -> values.put("ProcessIds", "1234,5678");
      case "ec2-http-reset-peer" -> values.put("NetworkInterface", "eth0");
      default -> {}
    }
    return values;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ec2-process-kill", "ecs-agent-stop", "ec2-http-reset-peer"})
  void loadsEachSeedDocumentAsSchema22WithRunShellScriptSteps(String faultType) {
    SsmDocument document = SsmDocument.forFaultType(faultType);

    assertThat(document.schemaVersion()).isEqualTo("2.2");
    assertThat(document.name()).isEqualTo("Faultline-" + faultType);
    assertThat(document.content()).contains("schemaVersion: '2.2'");
    assertThat(document.steps()).isNotEmpty();
    assertThat(document.steps())
        .allSatisfy(step -> assertThat(step.timeoutSeconds()).isBetween(1, 3600));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ec2-process-kill", "ecs-agent-stop", "ec2-http-reset-peer"})
  void restrictsEveryParameterByPatternOrValues(String faultType) {
    SsmDocument document = SsmDocument.forFaultType(faultType);

    assertThat(document.parameters().values())
        .allSatisfy(
            p -> {
              assertThat(p.type()).isEqualTo("String");
              assertThat(p.allowedPattern() != null || !p.allowedValues().isEmpty())
                  .as(p.name())
                  .isTrue();
              if (p.allowedPattern() != null) {
                assertThat(p.allowedPattern()).as(p.name()).startsWith("^").endsWith("$");
              }
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"ec2-process-kill", "ecs-agent-stop", "ec2-http-reset-peer"})
  void declaresTheCommonParametersOfEveryDocument(String faultType) {
    Map<String, DocumentParameter> parameters = SsmDocument.forFaultType(faultType).parameters();

    assertThat(parameters.get("Action").allowedValues()).containsExactly("inject", "rollback");
    assertThat(parameters.get("Action").required()).isTrue();
    assertThat(parameters.get("FaultId").allowedPattern())
        .isEqualTo("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
        .isEqualTo(io.faultline.events.ids.FaultId.PATTERN);
    assertThat(parameters.get("FaultId").required()).isTrue();
    assertThat(parameters.get("DurationSeconds").allowedPattern()).isEqualTo("^[0-9]{1,5}$");
    assertThat(parameters.get("TraceId").allowedPattern()).isEqualTo("^([0-9a-f]{32})?$");
    assertThat(parameters.get("TraceId").defaultValue()).isEmpty();
  }

  @Test
  void declaresExactlyTheFaultSpecificParameters() {
    assertThat(SsmDocument.forFaultType("ec2-process-kill").parameters())
        .containsOnlyKeys(
            "Action",
            "FaultId",
            "DurationSeconds",
            "TraceId",
            "ProcessIds",
            "ProcessNames",
            "ProcessMatch",
            "ProtectedNames",
            "Signal",
            "InstallDependencies",
            "Proxy");
    assertThat(SsmDocument.forFaultType("ecs-agent-stop").parameters())
        .containsOnlyKeys("Action", "FaultId", "DurationSeconds", "TraceId");
    assertThat(SsmDocument.forFaultType("ec2-http-reset-peer").parameters())
        .containsOnlyKeys(
            "Action",
            "FaultId",
            "DurationSeconds",
            "TraceId",
            "TargetPort",
            "NetworkInterface",
            "InstallDependencies",
            "Proxy");
    Map<String, DocumentParameter> kill = SsmDocument.forFaultType("ec2-process-kill").parameters();
    assertThat(kill.get("Signal").allowedValues()).containsExactly("TERM", "KILL");
    assertThat(kill.get("ProcessMatch").allowedValues()).containsExactly("exact", "pattern");
    assertThat(kill.get("InstallDependencies").allowedValues()).containsExactly("true", "false");
  }

  @Test
  void sharesTheCataloguePatternsForValuesThatReachTheHost() {
    FaultCatalogue catalogue = FaultCatalogue.standard();
    String pids = cataloguePattern(catalogue, "ec2-process-kill", "PROCESS_IDS");
    String names = cataloguePattern(catalogue, "ec2-process-kill", "PROCESS_NAMES");
    String iface = cataloguePattern(catalogue, "ec2-http-reset-peer", "NETWORK_INTERFACE");
    String proxy = cataloguePattern(catalogue, "ec2-process-kill", "PROXY");

    // The process lists also accept the empty "the other one is set"; otherwise the catalogue's.
    Map<String, DocumentParameter> kill = SsmDocument.forFaultType("ec2-process-kill").parameters();
    assertThat(kill.get("ProcessIds").allowedPattern())
        .isEqualTo("^(" + pids.substring(1, pids.length() - 1) + ")?$");
    assertThat(kill.get("ProcessNames").allowedPattern())
        .isEqualTo("^(" + names.substring(1, names.length() - 1) + ")?$");
    assertThat(
            SsmDocument.forFaultType("ec2-http-reset-peer")
                .parameters()
                .get("NetworkInterface")
                .allowedPattern())
        .isEqualTo(iface);
    // The document also accepts the empty "no proxy"; otherwise exactly the catalogue's rule.
    String unanchored = proxy.substring(1, proxy.length() - 1);
    for (String type : List.of("ec2-process-kill", "ec2-http-reset-peer")) {
      assertThat(SsmDocument.forFaultType(type).parameters().get("Proxy").allowedPattern())
          .isEqualTo("^(" + unanchored + ")?$");
    }
  }

  private static String cataloguePattern(FaultCatalogue catalogue, String type, String name) {
    return catalogue
        .find(FaultType.of(type))
        .flatMap(spec -> spec.parameter(name))
        .map(ParameterSpec::allowedPattern)
        .orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ec2-process-kill", "ecs-agent-stop", "ec2-http-reset-peer"})
  void hashesTheContentAndDerivesTheVersionNameFromIt(String faultType) throws Exception {
    SsmDocument document = SsmDocument.forFaultType(faultType);
    String expected =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(document.content().getBytes(StandardCharsets.UTF_8)));

    assertThat(document.contentHash()).isEqualTo(expected);
    assertThat(document.versionName())
        .isEqualTo("sha256-" + expected.substring(0, 12))
        .matches("^[a-zA-Z0-9_\\-.]{1,128}$");
  }

  @Test
  void givesADifferentVersionNameToChangedContent() {
    SsmDocument original = SsmDocument.forFaultType("ecs-agent-stop");
    SsmDocument changed = SsmDocument.parse("ecs-agent-stop", original.content() + "\n# edit\n");

    assertThat(changed.versionName()).isNotEqualTo(original.versionName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ec2-process-kill", "ecs-agent-stop", "ec2-http-reset-peer"})
  void appliesDefaultsAndKeepsDeclarationOrder(String faultType) {
    SsmDocument document = SsmDocument.forFaultType(faultType);

    Map<String, String> effective = document.validate(validParameters(faultType));

    assertThat(effective.keySet()).containsExactlyElementsOf(document.parameters().keySet());
    assertThat(effective.get("DurationSeconds")).isEqualTo("30");
    assertThat(effective.get("TraceId")).isEmpty();
    assertThat(effective.get("Action")).isEqualTo("inject");
  }

  @ParameterizedTest(name = "{0} {1} refuses {2}")
  @MethodSource("hostileValuesPerParameter")
  void refusesHostileValuesNamingTheParameter(String faultType, String parameter, String value) {
    SsmDocument document = SsmDocument.forFaultType(faultType);
    Map<String, String> values = validParameters(faultType);
    values.put(parameter, value);

    assertThatThrownBy(() -> document.validate(values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + parameter + "'")
        .hasMessageMatching("(?s).*(allowedPattern|allowedValues).*");
    assertThatThrownBy(() -> document.render(values)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesUnknownAndMissingParameters() {
    SsmDocument document = SsmDocument.forFaultType("ec2-process-kill");
    Map<String, String> unknown = validParameters("ec2-process-kill");
    unknown.put("Command", "reboot");
    Map<String, String> missing = validParameters("ec2-process-kill");
    missing.remove("FaultId");

    assertThatThrownBy(() -> document.validate(unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown parameter 'Command'");
    assertThatThrownBy(() -> document.validate(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'FaultId' is required");
  }

  @Test
  void refusesProcessIdOneAndMoreThanFiftyPids() {
    SsmDocument document = SsmDocument.forFaultType("ec2-process-kill");
    Map<String, String> init = validParameters("ec2-process-kill");
    init.put("ProcessIds", "1");
    Map<String, String> many = validParameters("ec2-process-kill");
    many.put("ProcessIds", String.join(",", java.util.Collections.nCopies(51, "1234")));

    assertThatThrownBy(() -> document.validate(init)).hasMessageContaining("'ProcessIds'");
    assertThatThrownBy(() -> document.validate(many)).hasMessageContaining("'ProcessIds'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ec2-process-kill", "ecs-agent-stop", "ec2-http-reset-peer"})
  void rendersOnlyValidatedValuesIntoSingleQuotedAssignments(String faultType) {
    SsmDocument document = SsmDocument.forFaultType(faultType);

    List<ShellStep> rendered = document.render(validParameters(faultType));

    String script = rendered.getFirst().script();
    assertThat(script).doesNotContain("{{").contains("FAULT_ID='fault-01HZ.test:1'");
    // Every parameter reference in the source sits inside single quotes, on its own assignment.
    for (String line : document.steps().getFirst().script().split("\n")) {
      if (line.contains("{{")) {
        assertThat(line.strip()).as(line).matches("^[A-Z_]+='\\{\\{ [A-Za-z]+ }}'$");
      }
    }
  }

  @Test
  void refusesDocumentsWithoutPatternsUndeclaredReferencesOrOtherSchemas() {
    String unrestricted =
        """
        schemaVersion: '2.2'
        parameters:
          Pid:
            type: String
        mainSteps:
          - action: aws:runShellScript
            name: x
            inputs:
              runCommand: ['kill {{ Pid }}']
        """;
    String undeclared =
        """
        schemaVersion: '2.2'
        parameters: {}
        mainSteps:
          - action: aws:runShellScript
            name: x
            inputs:
              runCommand: ['kill {{ Pid }}']
        """;
    String oldSchema =
        """
        schemaVersion: '1.2'
        parameters: {}
        mainSteps: []
        """;
    String otherAction =
        """
        schemaVersion: '2.2'
        parameters: {}
        mainSteps:
          - action: aws:runPowerShellScript
            name: x
            inputs:
              runCommand: ['Stop-Process']
        """;

    assertThatThrownBy(() -> SsmDocument.parse("t", unrestricted))
        .hasMessageContaining("'Pid' declares neither allowedPattern nor allowedValues");
    assertThatThrownBy(() -> SsmDocument.parse("t", undeclared))
        .hasMessageContaining("undeclared {{ Pid }}");
    assertThatThrownBy(() -> SsmDocument.parse("t", oldSchema)).hasMessageContaining("2.2");
    assertThatThrownBy(() -> SsmDocument.parse("t", otherAction))
        .hasMessageContaining("aws:runShellScript");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../ec2-process-kill", "EC2", "no-such-fault", ""})
  void refusesMalformedOrUnknownFaultTypes(String faultType) {
    assertThatThrownBy(() -> SsmDocument.forFaultType(faultType))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fault type");
  }

  @Test
  void loadsEachSeedDocumentOnceAndReturnsEqualDocuments() {
    for (String type : SEED_TYPES) {
      assertThat(SsmDocument.forFaultType(type)).isSameAs(SsmDocument.forFaultType(type));
    }
  }
}
