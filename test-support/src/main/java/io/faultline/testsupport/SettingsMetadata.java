package io.faultline.testsupport;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A service's configuration metadata ({@code META-INF/spring-configuration-metadata.json}, written
 * by spring-boot-configuration-processor from its settings records' Javadoc) held against the
 * configuration table of its README: every property the README documents has metadata with a
 * description, and every property in the metadata is documented.
 */
public final class SettingsMetadata {
  /** Where the processor writes the metadata, in the classes directory and in the boot jar. */
  public static final String RESOURCE = "META-INF/spring-configuration-metadata.json";

  private static final Pattern TOKEN = Pattern.compile("`([^`]+)`");
  private static final Pattern PROPERTY = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*");

  private static final String FOREIGN = "(not faultline)";
  private static final List<String> SPRING_BOOT_ROOTS =
      List.of("spring.", "server.", "management.", "logging.", "otel.");

  private SettingsMetadata() {}

  /** The metadata the build wrote to {@code target/classes}: property name to description. */
  public static Map<String, String> fromClasses() {
    Path file = Path.of("target", "classes").resolve(RESOURCE);
    if (!Files.isRegularFile(file)) {
      throw new AssertionError(
          file.toAbsolutePath() + " is missing: the configuration processor did not run");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The metadata inside a boot jar. */
  public static Map<String, String> fromBootJar(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      ZipEntry entry = BootJar.entry(file, RESOURCE);
      try (InputStream in = file.getInputStream(entry)) {
        return parse(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> parse(InputStream in) throws IOException {
    JsonNode root = new ObjectMapper().readTree(in);
    Map<String, String> properties = new TreeMap<>();
    for (JsonNode property : root.path("properties")) {
      properties.put(property.path("name").asString(), property.path("description").asString(""));
    }
    return properties;
  }

  /**
   * The {@code prefix}ed properties named in the first column of the tables under the README's
   * {@code ## Configuration} heading. A name without {@code faultline.} is relative: to the
   * previous full name in its cell ({@code `a.b.x` / `y`} is {@code a.b.y}), else to {@code
   * prefix}. {@code .<key>} suffixes (map entries) are dropped; {@code x.*} stands for every
   * property under {@code x.}; rows about system properties are not Spring properties.
   */
  public static Set<String> documented(Path readme, String prefix) {
    List<String> lines;
    try {
      lines = Files.readAllLines(readme, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> names = new TreeSet<>();
    boolean inSection = false;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        inSection = line.startsWith("## Configuration");
        continue;
      }
      if (!inSection || !line.startsWith("|") || line.startsWith("|---")) {
        continue;
      }
      String cell =
          line.substring(1, line.indexOf('|', 1) < 0 ? line.length() : line.indexOf('|', 1));
      if (cell.contains("system property")) {
        continue;
      }
      String parent = null;
      Matcher token = TOKEN.matcher(cell);
      while (token.find()) {
        String name = token.group(1).replaceAll("\\.<[^>]+>$", "");
        if (name.startsWith("faultline.")) {
          parent = name.substring(0, name.lastIndexOf('.') + 1);
        } else if (SPRING_BOOT_ROOTS.stream().anyMatch(name::startsWith)) {
          // Names after a Spring Boot one in the same cell are relative to it: not ours.
          parent = FOREIGN;
          continue;
        } else if (FOREIGN.equals(parent) || !PROPERTY.matcher(name.replace(".*", "")).matches()) {
          continue;
        } else {
          name = (parent == null ? prefix : parent) + name;
        }
        if (name.startsWith(prefix)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /**
   * Fails unless every {@code prefix}ed property of the README's configuration tables has metadata
   * with a description, and every {@code prefix}ed property of the metadata is documented there.
   */
  public static void assertDocumented(Path readme, String prefix, Map<String, String> metadata) {
    Set<String> documented = documented(readme, prefix);
    if (documented.isEmpty()) {
      throw new AssertionError(readme + " documents no " + prefix + "* property");
    }
    List<String> problems = new ArrayList<>();
    for (String name : documented) {
      if (name.endsWith(".*")) {
        String under = name.substring(0, name.length() - 1);
        if (metadata.keySet().stream().noneMatch(n -> n.startsWith(under))) {
          problems.add(name + " is documented but no property under it has metadata");
        }
      } else if (!metadata.containsKey(name)) {
        problems.add(name + " is documented but has no metadata");
      } else if (metadata.get(name).isBlank()) {
        problems.add(name + " has no description in the metadata (Javadoc @param)");
      }
    }
    for (var property : metadata.entrySet()) {
      String name = property.getKey();
      boolean covered =
          documented.contains(name)
              || documented.stream()
                  .anyMatch(
                      d -> d.endsWith(".*") && name.startsWith(d.substring(0, d.length() - 1)));
      if (name.startsWith(prefix) && !covered) {
        problems.add(name + " is a setting but " + readme + " does not document it");
      }
      if (name.startsWith(prefix) && property.getValue().isBlank()) {
        problems.add(name + " has no description in the metadata (Javadoc @param)");
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(String.join("\n", new TreeSet<>(problems)));
    }
  }

  /**
   * A property as Spring Boot's failure analysis names a refused one: its path with each segment in
   * the settings record's own spelling ({@code a.max-age} is {@code a.maxAge}).
   */
  public static String javaName(String property) {
    Matcher dash = Pattern.compile("-([a-z0-9])").matcher(property);
    StringBuilder name = new StringBuilder();
    while (dash.find()) {
      dash.appendReplacement(name, dash.group(1).toUpperCase(java.util.Locale.ROOT));
    }
    return dash.appendTail(name).toString();
  }

  /**
   * What an operator reads when a start fails: the description Spring Boot's failure analyzers
   * print for it (for a refused setting: {@code Property: <name>}, its value and the rule).
   */
  public static String describe(Throwable failure) {
    if (failure == null) {
      throw new AssertionError("the context started: the value was accepted");
    }
    List<FailureAnalyzer> analyzers =
        SpringFactoriesLoader.forDefaultResourceLocation(SettingsMetadata.class.getClassLoader())
            .load(
                FailureAnalyzer.class,
                SpringFactoriesLoader.ArgumentResolver.none(),
                // Analyzers that need the application's bean factory or environment are not ours.
                SpringFactoriesLoader.FailureHandler.handleMessage((message, e) -> {}));
    for (FailureAnalyzer analyzer : analyzers) {
      FailureAnalysis analysis = analyzer.analyze(failure);
      if (analysis != null) {
        return analysis.getDescription() + "\n" + analysis.getAction();
      }
    }
    throw new AssertionError("no failure analysis for " + failure, failure);
  }
}
