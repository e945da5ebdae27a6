package io.faultline.executor.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/** The IAM templates of {@code deploy/iam/} and the AWS operations this package calls. */
final class IamTemplates {
  static final Path DIR = Path.of("..", "deploy", "iam");
  private static final Pattern CALL =
      Pattern.compile("\\b(ec2|ecs|ssm|cloudwatch)\\(\\s*\"(\\w+)\"");
  private static final Pattern STS_CALL = Pattern.compile("\"(sts:\\w+)\"");

  private IamTemplates() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> load(String file) {
    try {
      return (Map<String, Object>) new Yaml().load(Files.readString(DIR.resolve(file)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String dump(Map<String, Object> template) {
    return new Yaml().dump(template);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> statements(Map<String, Object> template, String policy) {
    var resources = (Map<String, Object>) template.get("Resources");
    var properties =
        (Map<String, Object>) ((Map<String, Object>) resources.get(policy)).get("Properties");
    var document = (Map<String, Object>) properties.get("PolicyDocument");
    return (List<Map<String, Object>>) document.get("Statement");
  }

  static TreeSet<String> allowedActions(Map<String, Object> template, String policy) {
    TreeSet<String> actions = new TreeSet<>();
    for (Map<String, Object> statement : statements(template, policy)) {
      if ("Allow".equals(statement.get("Effect"))) {
        actions.addAll(list(statement.get("Action")));
      }
    }
    return actions;
  }

  @SuppressWarnings("unchecked")
  static List<String> list(Object value) {
    return value instanceof List<?> l ? (List<String>) l : List.of((String) value);
  }

  /**
   * The EC2, ECS and SSM operations this package calls, as IAM actions (e.g.
   * ec2:DescribeInstances).
   */
  static TreeSet<String> calledTargetOperations() {
    return matches(CALL, m -> m.group(1) + ":" + m.group(2));
  }

  /** The STS operations this package calls with the hub role's own credentials. */
  static TreeSet<String> calledStsOperations() {
    return matches(STS_CALL, m -> m.group(1));
  }

  private static TreeSet<String> matches(
      Pattern pattern, java.util.function.Function<Matcher, String> name) {
    TreeSet<String> found = new TreeSet<>();
    try (Stream<Path> files =
        Files.list(Path.of("src", "main", "java", "io", "faultline", "executor", "aws"))) {
      List<Path> sources =
          new ArrayList<>(files.filter(p -> p.toString().endsWith(".java")).toList());
      for (Path source : sources) {
        Matcher m = pattern.matcher(Files.readString(source));
        while (m.find()) {
          found.add(name.apply(m));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return found;
  }
}
