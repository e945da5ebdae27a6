package io.faultline.deploy;

import static io.faultline.deploy.Rendered.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart's copies of the generated Strimzi files (files/) stay equal to their sources, and what
 * it renders from them is those resources, for the configured cluster.
 */
class StrimziResourcesTest {
  private static final Rendered ALL = Rendered.with("all-options");

  @ParameterizedTest
  @CsvSource({
    "deploy/topics/kafka-topics.yaml, deploy/helm/faultline/files/kafka-topics.yaml",
    "deploy/kafka/kafka-users.yaml, deploy/helm/faultline/files/kafka-users.yaml"
  })
  void chartCopiesEqualTheGeneratedFiles(String source, String copy) {
    assertThat(Repository.read(copy))
        .as("refresh with: cp %s %s", source, copy)
        .isEqualTo(Repository.read(source));
  }

  @ParameterizedTest
  @CsvSource({
    "KafkaTopic, deploy/topics/kafka-topics.yaml",
    "KafkaUser, deploy/kafka/kafka-users.yaml"
  })
  void rendersTheGeneratedResourcesForTheConfiguredCluster(String kind, String source) {
    List<Map<String, Object>> generated = documents(source);
    List<Map<String, Object>> rendered = ALL.kind(kind);
    List<Map<String, Object>> expected =
        kind.equals("KafkaTopic")
            ? generated
            : generated.stream()
                .filter(
                    u ->
                        Rendered.SERVICES.contains(
                            Rendered.map(u, "metadata.annotations").get("faultline.io/role")))
                .toList();

    assertThat(rendered)
        .extracting(r -> get(r, "metadata.name"))
        .containsExactlyElementsOf(expected.stream().map(e -> get(e, "metadata.name")).toList());
    for (int i = 0; i < expected.size(); i++) {
      Map<String, Object> r = rendered.get(i);
      assertThat(r.get("spec")).isEqualTo(expected.get(i).get("spec"));
      assertThat(r.get("apiVersion")).isEqualTo("kafka.strimzi.io/v1beta2");
      assertThat(get(r, "metadata.namespace")).isEqualTo("kafka");
      assertThat(Rendered.map(r, "metadata.labels")).containsEntry("strimzi.io/cluster", "events");
    }
  }

  @org.junit.jupiter.api.Test
  void uninstallingTheReleaseKeepsTheTopics() {
    assertThat(ALL.kind("KafkaTopic"))
        .isNotEmpty()
        .allSatisfy(
            t ->
                assertThat(Rendered.map(t, "metadata.annotations"))
                    .containsEntry("helm.sh/resource-policy", "keep"));
  }

  private static List<Map<String, Object>> documents(String file) {
    return StreamSupport.stream(
            new Yaml(new LoaderOptions()).loadAll(Repository.read(file)).spliterator(), false)
        .filter(Objects::nonNull)
        .map(Rendered::map)
        .toList();
  }
}
