package io.faultline.events.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.EventFamily;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example in docs/events.md validates against its schema and round-trips through its record.
 */
class DocumentedExamplesTest {
  static final Path EVENTS_MD = Path.of("..", "docs", "events.md");
  private static final Pattern EXAMPLE =
      Pattern.compile("<!-- example: ([a-z-]+) -->\\n```json\\n(.*?)\\n```", Pattern.DOTALL);

  record Example(EventFamily family, String json) {}

  static List<Example> examples() throws IOException {
    Matcher matcher = EXAMPLE.matcher(Files.readString(EVENTS_MD));
    List<Example> examples = new ArrayList<>();
    while (matcher.find()) {
      String schema = matcher.group(1) + ".v1.schema.json";
      EventFamily family =
          Arrays.stream(EventFamily.values())
              .filter(f -> f.schemaResource().endsWith("/" + schema))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no event family for example " + schema));
      examples.add(new Example(family, matcher.group(2)));
    }
    return examples;
  }

  static Stream<Named<Example>> documentedExamples() throws IOException {
    List<Example> examples = examples();
    return examples.stream().map(e -> Named.of(e.family() + " #" + examples.indexOf(e), e));
  }

  @ParameterizedTest
  @MethodSource("documentedExamples")
  void exampleValidatesAndRoundTrips(Example example) {
    EventCodec codec = EventCodec.standard();
    Class<?> type = example.family().recordType();
    Object record =
        codec.fromJson(example.family(), type, example.json().getBytes(StandardCharsets.UTF_8));
    Object again = codec.fromJson(example.family(), type, codec.toJson(record));
    assertThat(again).isEqualTo(record);
  }

  @Test
  void everyEventTypeHasAnExample() throws IOException {
    List<Example> examples = examples();
    assertThat(examples).extracting(Example::family).containsAll(List.of(EventFamily.values()));
    EventCodec codec = EventCodec.standard();
    List<LifecycleStage> stages =
        examples.stream()
            .filter(e -> e.family() == EventFamily.FAULT_LIFECYCLE)
            .map(
                e ->
                    codec
                        .fromJson(
                            e.family(),
                            FaultLifecycleEvent.class,
                            e.json().getBytes(StandardCharsets.UTF_8))
                        .stage())
            .toList();
    assertThat(stages).containsAll(List.of(LifecycleStage.values()));
    List<ControlAction> actions =
        examples.stream()
            .filter(e -> e.family() == EventFamily.FAULT_CONTROL)
            .map(
                e ->
                    codec
                        .fromJson(
                            e.family(),
                            FaultControl.class,
                            e.json().getBytes(StandardCharsets.UTF_8))
                        .action())
            .toList();
    assertThat(actions).containsAll(List.of(ControlAction.values()));
  }

  @Test
  void theKcatCommandsShownAreTheOnesTheInteropTestRuns() throws IOException {
    String doc = Files.readString(EVENTS_MD);
    for (String script :
        List.of("kcat-publish-binary.sh", "kcat-publish-structured.sh", "kcat-publish-burst.sh")) {
      assertThat(doc).contains(Files.readString(Path.of("..", "docs", "examples", script)));
    }
  }
}
