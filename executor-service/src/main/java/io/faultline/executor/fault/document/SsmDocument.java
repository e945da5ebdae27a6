package io.faultline.executor.fault.document;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A fault's SSM command document (schemaVersion 2.2), loaded from the classpath at {@code
 * faults/<faultType>/document.yaml} with its includes of the shared host libraries expanded ({@code
 * HostLibraries}). The same content is created in SSM (under {@link #versionName()}) and run by the
 * local transport, so what tests exercise is what hosts run.
 *
 * <p>Parameter values reach the script only through {@link #validate(Map)} and {@link
 * #render(Map)}: SSM substitutes {@code {{ Param }}} verbatim, so every value must first match its
 * parameter's {@code allowedPattern}/{@code allowedValues}.
 *
 * @param faultType the fault type id, e.g. {@code ec2-process-kill}
 * @param name the SSM document name, {@code "Faultline-" + faultType}
 * @param content the YAML as stored in the resource with every library include expanded (what
 *     CreateDocument receives)
 * @param contentHash lower-case hex SHA-256 of {@code content} (UTF-8)
 * @param parameters the declared parameters, in declaration order
 */
public record SsmDocument(
    String faultType,
    String name,
    String content,
    String contentHash,
    Map<String, DocumentParameter> parameters) {

  /** The only schema version Faultline documents use. */
  public static final String SCHEMA_VERSION = "2.2";

  private static final Pattern FAULT_TYPE = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");
  private static final int SSM_DEFAULT_TIMEOUT_SECONDS = 3600;
  private static final Map<String, SsmDocument> CACHE = new ConcurrentHashMap<>();
  private static final Map<String, List<ShellStep>> STEPS = new ConcurrentHashMap<>();

  public SsmDocument {
    Objects.requireNonNull(faultType, "faultType");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(contentHash, "contentHash");
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /**
   * Loads {@code faults/<faultType>/document.yaml} from the classpath and expands its library
   * includes; {@code name} is {@code "Faultline-" + faultType}, {@code contentHash} the SHA-256 hex
   * of the expanded content.
   *
   * @throws IllegalArgumentException when the fault type is malformed or has no document
   * @throws IllegalStateException when the document is not a valid Faultline document, or includes
   *     a library that does not exist
   */
  public static SsmDocument forFaultType(String faultType) {
    Objects.requireNonNull(faultType, "faultType");
    if (!FAULT_TYPE.matcher(faultType).matches()) {
      throw new IllegalArgumentException("malformed fault type '" + faultType + "'");
    }
    return CACHE.computeIfAbsent(faultType, SsmDocument::load);
  }

  private static SsmDocument load(String faultType) {
    String resource = "faults/" + faultType + "/document.yaml";
    try (InputStream in = SsmDocument.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no SSM document for fault type '" + faultType + "'");
      }
      return parse(faultType, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /**
   * Expands a document's library includes, then parses and checks it; package-private so tests can
   * feed broken ones. Expanded content has no includes left, so parsing it again changes nothing.
   */
  static SsmDocument parse(String faultType, String source) {
    String content;
    try {
      content = HostLibraries.expand(source);
    } catch (IllegalArgumentException e) {
      throw invalid(faultType, e.getMessage());
    }
    Map<String, Object> root = yaml(content);
    Object schema = root.get("schemaVersion");
    if (!SCHEMA_VERSION.equals(schema)) {
      throw invalid(faultType, "schemaVersion must be the string '2.2', was " + schema);
    }
    Map<String, DocumentParameter> parameters = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : map(root.get("parameters"), "parameters").entrySet()) {
      Map<String, Object> spec = map(entry.getValue(), "parameter " + entry.getKey());
      DocumentParameter parameter;
      try {
        parameter =
            new DocumentParameter(
                entry.getKey(),
                string(spec.get("type")),
                string(spec.get("default")),
                string(spec.get("allowedPattern")),
                strings(spec.get("allowedValues")),
                string(spec.get("description")));
        if (!"String".equals(parameter.type())) {
          throw new IllegalArgumentException(
              "parameter '" + entry.getKey() + "' must be of type String");
        }
        if (parameter.defaultValue() != null) {
          parameter.check(parameter.defaultValue());
        }
      } catch (IllegalArgumentException e) {
        throw invalid(faultType, e.getMessage());
      }
      parameters.put(entry.getKey(), parameter);
    }
    List<ShellStep> steps = steps(faultType, root);
    for (ShellStep step : steps) {
      for (String line : step.runCommand()) {
        Matcher m = PLACEHOLDER.matcher(line);
        while (m.find()) {
          if (!parameters.containsKey(m.group(1))) {
            throw invalid(faultType, "step " + step.name() + " references undeclared " + m.group());
          }
        }
        if (m.replaceAll("").contains("{{")) {
          throw invalid(faultType, "step " + step.name() + " has an unsupported '{{' reference");
        }
      }
    }
    return new SsmDocument(
        faultType, "Faultline-" + faultType, content, sha256(content), parameters);
  }

  /**
   * The document version name used in SSM: {@code "sha256-"} plus the first 12 hex characters of
   * {@link #contentHash()}, so a changed document gets a new version and an unchanged one is
   * recognised.
   */
  public String versionName() {
    return "sha256-" + contentHash.substring(0, 12);
  }

  /** The document's {@code schemaVersion} (always {@value #SCHEMA_VERSION} once loaded). */
  public String schemaVersion() {
    return string(yaml(content).get("schemaVersion"));
  }

  /** The {@code aws:runShellScript} steps in order, with unsubstituted {@code {{ Param }}}. */
  public List<ShellStep> steps() {
    return STEPS.computeIfAbsent(
        faultType + "@" + contentHash, key -> steps(faultType, yaml(content)));
  }

  /**
   * Applies defaults and checks every value against its parameter's {@code allowedPattern}/{@code
   * allowedValues}.
   *
   * @return every declared parameter with its effective value, in declaration order
   * @throws IllegalArgumentException for an unknown parameter, a missing required one, or a value
   *     breaking its rule; the message names the parameter and the rule
   */
  public Map<String, String> validate(Map<String, String> values) {
    Objects.requireNonNull(values, "parameters");
    for (String key : values.keySet()) {
      if (!parameters.containsKey(key)) {
        throw new IllegalArgumentException(
            "unknown parameter '"
                + key
                + "' for document "
                + name
                + " (declared: "
                + parameters.keySet()
                + ")");
      }
    }
    Map<String, String> effective = new LinkedHashMap<>();
    for (DocumentParameter parameter : parameters.values()) {
      String value = values.getOrDefault(parameter.name(), parameter.defaultValue());
      if (value == null) {
        throw new IllegalArgumentException(
            "parameter '" + parameter.name() + "' is required by document " + name);
      }
      parameter.check(value);
      effective.put(parameter.name(), value);
    }
    return Collections.unmodifiableMap(effective);
  }

  /**
   * Validates the values and substitutes them into every step, exactly as SSM does ({@code {{ Param
   * }}} replaced verbatim by the validated value).
   *
   * @throws IllegalArgumentException as {@link #validate(Map)}
   */
  public List<ShellStep> render(Map<String, String> values) {
    Map<String, String> valid = validate(values);
    List<ShellStep> rendered = new ArrayList<>();
    for (ShellStep step : steps()) {
      List<String> lines = new ArrayList<>();
      for (String line : step.runCommand()) {
        lines.add(
            PLACEHOLDER
                .matcher(line)
                .replaceAll(m -> Matcher.quoteReplacement(valid.get(m.group(1)))));
      }
      rendered.add(new ShellStep(step.name(), lines, step.timeoutSeconds()));
    }
    return List.copyOf(rendered);
  }

  private static List<ShellStep> steps(String faultType, Map<String, Object> root) {
    Object mainSteps = root.get("mainSteps");
    if (!(mainSteps instanceof List<?> list) || list.isEmpty()) {
      throw invalid(faultType, "mainSteps must be a non-empty list");
    }
    List<ShellStep> steps = new ArrayList<>();
    for (Object item : list) {
      Map<String, Object> step = map(item, "step");
      if (!"aws:runShellScript".equals(step.get("action"))) {
        throw invalid(
            faultType, "every step must be aws:runShellScript, was " + step.get("action"));
      }
      Map<String, Object> inputs = map(step.get("inputs"), "inputs");
      List<String> commands = strings(inputs.get("runCommand"));
      if (commands.isEmpty()) {
        throw invalid(faultType, "step " + step.get("name") + " has no runCommand");
      }
      Object timeout = inputs.get("timeoutSeconds");
      int seconds =
          timeout == null ? SSM_DEFAULT_TIMEOUT_SECONDS : Integer.parseInt(timeout.toString());
      steps.add(new ShellStep(string(step.get("name")), commands, seconds));
    }
    return List.copyOf(steps);
  }

  private static Map<String, Object> yaml(String content) {
    Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(content);
    return map(root, "document");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String what) {
    if (value instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IllegalStateException(what + " must be a mapping");
  }

  private static String string(Object value) {
    return value == null ? null : value.toString();
  }

  private static List<String> strings(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new IllegalStateException("expected a list, got " + value);
    }
    return list.stream().map(Object::toString).toList();
  }

  private static IllegalStateException invalid(String faultType, String why) {
    return new IllegalStateException("invalid SSM document for '" + faultType + "': " + why);
  }

  private static String sha256(String content) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(content.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JVM", e);
    }
  }
}
