package io.faultline.scheduler.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** deploy/iam/target-role.yaml's trust policy is the one the scheduler shows for an account. */
class TrustPolicyTemplateTest {
  private static final String HUB = "arn:aws:iam::123456789012:role/faultline-executor";
  private static final String EXTERNAL_ID = "ext-0123456789abcdef";

  @Test
  @SuppressWarnings("unchecked")
  void targetRoleTemplateTrustsTheHubRoleExactlyAsTheSchedulerShowsIt() throws IOException {
    Map<String, Object> template =
        new Yaml().load(Files.readString(Path.of("..", "deploy", "iam", "target-role.yaml")));
    var resources = (Map<String, Object>) template.get("Resources");
    var role = (Map<String, Object>) resources.get("TargetRole");
    var document = ((Map<String, Object>) role.get("Properties")).get("AssumeRolePolicyDocument");

    Object deployed = resolve(document, Map.of("HubRoleArn", HUB, "ExternalId", EXTERNAL_ID));

    assertThat(deployed).isEqualTo(TrustPolicy.forAccount(HUB, List.of(EXTERNAL_ID)));
  }

  /** Replaces {@code {Ref: parameter}} by the parameter's value, as CloudFormation does. */
  @SuppressWarnings("unchecked")
  private static Object resolve(Object node, Map<String, String> parameters) {
    if (node instanceof Map<?, ?> map) {
      if (map.size() == 1 && map.containsKey("Ref")) {
        return parameters.get((String) map.get("Ref"));
      }
      Map<String, Object> resolved = new LinkedHashMap<>();
      ((Map<String, Object>) map).forEach((k, v) -> resolved.put(k, resolve(v, parameters)));
      return resolved;
    }
    if (node instanceof List<?> list) {
      return list.stream().map(v -> resolve(v, parameters)).toList();
    }
    return node;
  }
}
