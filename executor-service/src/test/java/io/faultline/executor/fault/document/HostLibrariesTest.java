package io.faultline.executor.fault.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HostLibrariesTest {
  private static final Pattern FUNCTION =
      Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\(\\)", Pattern.MULTILINE);
  // A statement this long, found verbatim in a document, is a copy of the library's code.
  private static final int COPIED_STATEMENT_LENGTH = 40;

  private static final String TEMPLATE =
      """
      schemaVersion: '2.2'
      parameters:
        Action:
          type: String
          allowedValues: [inject, rollback]
      mainSteps:
        - action: aws:runShellScript
          name: x
          inputs:
            runCommand:
              - |
                ACTION='{{ Action }}'
                %s
                summary outcome=ok
      """;

  @Test
  void everyDocumentThatArmsADeadManIncludesTheLibrary() throws IOException {
    List<String> arming = new ArrayList<>();
    for (String type : faultTypes()) {
      String source = source(type);
      if (source.contains("arm_deadman")) {
        arming.add(type);
        assertThat(source).as(type).contains("# faultline:include deadman.sh");
        assertContainsLibrary(script(type), "deadman.sh");
      }
    }
    assertThat(arming).contains("ecs-agent-stop", "ec2-http-reset-peer");
  }

  @Test
  void noDocumentDefinesALibraryFunctionOrCopiesItsCode() throws IOException {
    for (String library : libraries()) {
      String text = HostLibraries.text(library);
      Set<String> functions = functions(text);
      assertThat(functions).as(library).isNotEmpty();
      for (String type : faultTypes()) {
        String source = source(type);
        assertThat(functions(source))
            .as("functions %s defines although %s does; include it instead", type, library)
            .doesNotContainAnyElementsOf(functions);
        for (String line : text.split("\n")) {
          String statement = line.strip();
          if (statement.length() >= COPIED_STATEMENT_LENGTH && !statement.startsWith("#")) {
            assertThat(source.lines().map(String::strip))
                .as("%s copies a line of %s; include it instead", type, library)
                .doesNotContain(statement);
          }
        }
      }
    }
  }

  @Test
  void everyDocumentReportsThroughTheResultLibrary() throws IOException {
    for (String type : faultTypes()) {
      assertThat(SsmDocument.forFaultType(type).content())
          .as(type)
          .doesNotContain(HostLibraries.INCLUDE_MARKER);
      assertContainsLibrary(script(type), "result.sh");
    }
  }

  @Test
  void expandsEachLibraryOnceBetweenCommentsNamingIt() {
    String twice =
        TEMPLATE.formatted(
            "# faultline:include result.sh\n          # faultline:include result.sh");

    String content = SsmDocument.parse("t", twice).content();

    assertThat(content)
        .doesNotContain(HostLibraries.INCLUDE_MARKER)
        .contains(
            "          # --- faults/_lib/result.sh ---\n          # Faultline host library",
            "\n          # --- end of faults/_lib/result.sh ---\n"
                + "          # faults/_lib/result.sh: expanded above\n");
    assertThat(Pattern.compile("^ *result\\(\\)", Pattern.MULTILINE).matcher(content).results())
        .hasSize(1);
  }

  @Test
  void expandsToTheSameBytesAndLeavesExpandedContentAlone() throws IOException {
    for (String type : faultTypes()) {
      SsmDocument loaded = SsmDocument.forFaultType(type);
      SsmDocument again = SsmDocument.parse(type, source(type));
      SsmDocument reparsed = SsmDocument.parse(type, loaded.content());

      assertThat(again.content()).as(type).isEqualTo(loaded.content());
      assertThat(again.contentHash()).as(type).isEqualTo(loaded.contentHash());
      assertThat(reparsed.content()).as(type).isEqualTo(loaded.content());
    }
  }

  @Test
  void refusesAnUnknownIncludeNamingTheDocumentAndTheInclude() {
    String unknown = TEMPLATE.formatted("# faultline:include no-such-library.sh");

    assertThatThrownBy(() -> SsmDocument.parse("ecs-agent-stop", unknown))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'ecs-agent-stop'")
        .hasMessageContaining("line 13 includes unknown library 'no-such-library.sh'")
        .hasMessageContaining("faults/_lib/no-such-library.sh");
  }

  @Test
  void refusesAMalformedInclude() {
    for (String include :
        List.of(
            "# faultline:include ../ec2-process-kill/document.yaml",
            "# faultline:include deadman",
            "# faultline:include deadman.sh; reboot",
            "echo x # faultline:include deadman.sh")) {
      assertThatThrownBy(() -> SsmDocument.parse("t", TEMPLATE.formatted(include)))
          .as(include)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'t'")
          .hasMessageContaining("line 13 has a malformed include");
    }
  }

  /** The library's text, in order, apart from its own include lines (expanded separately). */
  private static void assertContainsLibrary(String script, String library) {
    int from = 0;
    for (String part : HostLibraries.text(library).split("(?m)^# faultline:include .*\n")) {
      int at = script.indexOf(part, from);
      assertThat(at).as("%s, from %s", library, part).isNotNegative();
      from = at + part.length();
    }
  }

  private static String script(String type) {
    return SsmDocument.forFaultType(type).steps().getFirst().script();
  }

  private static Set<String> functions(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = FUNCTION.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static String source(String type) throws IOException {
    return Files.readString(
        faults().resolve(type).resolve("document.yaml"), StandardCharsets.UTF_8);
  }

  /** Every fault type with a document on the classpath, not only the seed faults. */
  private static List<String> faultTypes() throws IOException {
    try (Stream<Path> dirs = Files.list(faults())) {
      List<String> types =
          dirs.filter(dir -> Files.isRegularFile(dir.resolve("document.yaml")))
              .map(dir -> dir.getFileName().toString())
              .sorted()
              .toList();
      assertThat(types).containsAll(SsmDocumentTest.SEED_TYPES);
      return types;
    }
  }

  private static List<String> libraries() throws IOException {
    try (Stream<Path> files = Files.list(faults().resolve("_lib"))) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  private static Path faults() {
    URL url = HostLibrariesTest.class.getClassLoader().getResource("faults");
    assertThat(url).isNotNull();
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
