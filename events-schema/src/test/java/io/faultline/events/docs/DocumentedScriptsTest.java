package io.faultline.events.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The publishing recipes shown in docs/events.md are the scripts in docs/examples/ that the tests
 * run (KcatInteropIT, SignedRecipesIT, EndToEndIT), byte for byte.
 */
class DocumentedScriptsTest {
  static final Path DOCS = Path.of("..", "docs");

  @Test
  void everyPublishingRecipeInEventsMdIsTheTestedScript() throws IOException {
    String events = Files.readString(DOCS.resolve("events.md"));
    List<Path> scripts;
    try (Stream<Path> files = Files.list(DOCS.resolve("examples"))) {
      scripts =
          files
              .filter(f -> f.getFileName().toString().matches("(kcat-publish-.*\\.sh|.*\\.py)"))
              .sorted()
              .toList();
    }

    assertThat(scripts)
        .extracting(f -> f.getFileName().toString())
        .contains("kcat-publish-signed.sh", "faultline_sign.py", "kcat-publish-binary.sh");
    for (Path script : scripts) {
      assertThat(events)
          .as("docs/events.md shows %s exactly", script.getFileName())
          .contains("```" + fence(script) + "\n" + Files.readString(script) + "```\n");
    }
  }

  private static String fence(Path script) {
    return script.toString().endsWith(".py") ? "python" : "bash";
  }
}
