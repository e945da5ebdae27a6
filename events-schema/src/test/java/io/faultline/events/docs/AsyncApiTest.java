package io.faultline.events.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.cloudevents.EventFamily;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docs/asyncapi.yaml describes exactly the catalogue's contract topics, types and schemas. */
class AsyncApiTest {
  private static final Path ASYNCAPI = Path.of("..", "docs", "asyncapi.yaml");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node, String key) {
    return (Map<String, Object>) Objects.requireNonNull(((Map<String, Object>) node).get(key), key);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyContractTopicIsAChannelWithItsTypesAndSchema() throws IOException {
    Map<String, Object> doc = new Yaml().load(Files.readString(ASYNCAPI));
    assertThat(doc.get("asyncapi")).isEqualTo("3.0.0");
    Map<String, Object> channels = map(doc, "channels");
    Map<String, Object> messages = map(map(doc, "components"), "messages");

    List<Topic<?>> contractTopics =
        Topics.all().stream().filter(t -> t.events().isPresent()).toList();
    assertThat(channels).hasSameSizeAs(contractTopics);
    for (Topic<?> topic : contractTopics) {
      EventFamily family = topic.events().orElseThrow();
      Map<String, Object> channel =
          channels.values().stream()
              .map(c -> (Map<String, Object>) c)
              .filter(c -> topic.name().equals(c.get("address")))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no channel for " + topic));
      List<Map<String, Object>> channelMessages =
          map(channel, "messages").values().stream()
              .map(ref -> (String) ((Map<String, Object>) ref).get("$ref"))
              .map(
                  ref ->
                      (Map<String, Object>) messages.get(ref.substring(ref.lastIndexOf('/') + 1)))
              .toList();
      assertThat(channelMessages)
          .extracting(m -> m.get("name"))
          .containsExactlyInAnyOrderElementsOf(family.types());
      for (Map<String, Object> message : channelMessages) {
        String schemaRef = (String) map(map(message, "payload"), "schema").get("$ref");
        assertThat(Files.readString(ASYNCAPI.getParent().resolve(schemaRef)))
            .as("schema of %s", message.get("name"))
            .isEqualTo(resource(family.schemaResource()));
        String key = (String) map(map(map(message, "bindings"), "kafka"), "key").get("description");
        assertThat(key).isEqualTo(topic.key());
      }
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = EventFamily.class.getResourceAsStream(name)) {
      return new String(Objects.requireNonNull(in, name).readAllBytes());
    }
  }
}
