package io.faultline.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A service's boot jar as {@code package} left it in {@code target/}, for integration tests
 * (failsafe runs after {@code package}) of what ships: its configuration metadata and its CycloneDX
 * SBOM ({@code META-INF/sbom/application.cdx.json}, written by Spring Boot's parent configuration
 * of the cyclonedx-maven-plugin and served at {@code /actuator/sbom/application}).
 */
public record BootJar(Path path) {
  /** Where the SBOM sits in the classes and in the jar. */
  public static final String SBOM = "META-INF/sbom/application.cdx.json";

  /** The module's boot jar: {@code target/<artifactId>-<version>.jar}. */
  public static BootJar of(String artifactId) {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      List<Path> jars =
          files
              .filter(p -> p.getFileName().toString().startsWith(artifactId + "-"))
              .filter(p -> p.getFileName().toString().endsWith(".jar"))
              .filter(p -> !p.getFileName().toString().endsWith("-plain.jar"))
              .filter(p -> !p.getFileName().toString().endsWith("-tests.jar"))
              .toList();
      if (jars.size() != 1) {
        throw new AssertionError("expected one boot jar of " + artifactId + " in target/: " + jars);
      }
      return new BootJar(jars.getFirst());
    } catch (IOException e) {
      throw new UncheckedIOException("target/ is missing: run after package", e);
    }
  }

  /** The configuration metadata in the jar: property name to description. */
  public Map<String, String> configurationMetadata() {
    return SettingsMetadata.fromBootJar(path);
  }

  /** Every component of the jar's SBOM as {@code group:name:version}. */
  public Set<String> sbomComponents() {
    JsonNode sbom = read(SBOM);
    if (!"CycloneDX".equals(sbom.path("bomFormat").asString())) {
      throw new AssertionError(SBOM + " of " + path + " is not a CycloneDX document");
    }
    Set<String> components = new TreeSet<>();
    for (JsonNode component : sbom.path("components")) {
      components.add(
          component.path("group").asString()
              + ":"
              + component.path("name").asString()
              + ":"
              + component.path("version").asString());
    }
    return components;
  }

  /**
   * A resource of the application's classes in a boot jar: Boot 4 keeps {@code META-INF/} at the
   * jar's root, earlier layouts under {@code BOOT-INF/classes/}.
   */
  static ZipEntry entry(JarFile jar, String resource) {
    ZipEntry entry = jar.getEntry(resource);
    if (entry == null) {
      entry = jar.getEntry("BOOT-INF/classes/" + resource);
    }
    if (entry == null) {
      throw new AssertionError(jar.getName() + " holds no " + resource);
    }
    return entry;
  }

  private JsonNode read(String entryName) {
    try (JarFile jar = new JarFile(path.toFile())) {
      ZipEntry entry = entry(jar, entryName);
      try (InputStream in = jar.getInputStream(entry)) {
        return new ObjectMapper().readTree(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
