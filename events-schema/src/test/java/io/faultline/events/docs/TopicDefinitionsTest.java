package io.faultline.events.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * deploy/topics/ holds the catalogue's topics for operators (Strimzi KafkaTopic resources and a
 * kafka-topics.sh script); they must equal the code. Regenerate with {@code ./mvnw -pl
 * events-schema test -Dtest=TopicDefinitionsTest -Dfaultline.regenerate=true}.
 */
class TopicDefinitionsTest {
  private static final Path STRIMZI = Path.of("..", "deploy", "topics", "kafka-topics.yaml");
  private static final Path SCRIPT = Path.of("..", "deploy", "topics", "create-topics.sh");

  static String strimzi() {
    StringBuilder out =
        new StringBuilder(
            "# Generated from io.faultline.events.topics.Topics; TopicDefinitionsTest keeps it equal.\n");
    for (Topic<?> topic : Topics.all()) {
      out.append("---\n")
          .append("apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata:\n")
          .append("  name: ")
          .append(topic.name())
          .append('\n')
          .append("  labels:\n    strimzi.io/cluster: faultline\n")
          .append("  annotations:\n")
          .append("    faultline.io/key: \"")
          .append(topic.key())
          .append("\"\n")
          .append("    faultline.io/writers: \"")
          .append(String.join(", ", topic.writers()))
          .append("\"\n")
          .append("    faultline.io/description: \"")
          .append(topic.description())
          .append("\"\n")
          .append("spec:\n  partitions: ")
          .append(topic.partitions())
          .append('\n')
          .append("  replicas: 3\n  config:\n");
      new TreeMap<>(topic.configs())
          .forEach((k, v) -> out.append("    ").append(k).append(": \"").append(v).append("\"\n"));
      out.append("    min.insync.replicas: \"2\"\n");
    }
    return out.toString();
  }

  static String script() {
    StringBuilder out =
        new StringBuilder(
            """
        #!/usr/bin/env bash
        # Creates Faultline's topics with kafka-topics.sh. Generated from io.faultline.events.topics.Topics.
        # Usage: BOOTSTRAP=broker:9092 REPLICATION=3 deploy/topics/create-topics.sh
        set -euo pipefail
        BOOTSTRAP=${BOOTSTRAP:-localhost:9092}
        REPLICATION=${REPLICATION:-3}
        """);
    for (Topic<?> topic : Topics.all()) {
      out.append(
              "kafka-topics.sh --bootstrap-server \"$BOOTSTRAP\" --create --if-not-exists --topic ")
          .append(topic.name())
          .append(" --partitions ")
          .append(topic.partitions())
          .append(" --replication-factor \"$REPLICATION\"");
      new TreeMap<>(topic.configs())
          .forEach((k, v) -> out.append(" --config ").append(k).append('=').append(v));
      out.append('\n');
    }
    return out.toString();
  }

  @Test
  void operatorTopicDefinitionsEqualTheCatalogue() throws IOException {
    if (Boolean.getBoolean("faultline.regenerate")) {
      Files.createDirectories(STRIMZI.getParent());
      Files.writeString(STRIMZI, strimzi());
      Files.writeString(SCRIPT, script());
      SCRIPT.toFile().setExecutable(true);
    }
    assertThat(Files.readString(STRIMZI)).isEqualTo(strimzi());
    assertThat(Files.readString(SCRIPT)).isEqualTo(script());
  }
}
