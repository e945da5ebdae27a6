package io.faultline.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.testsupport.BootJar;
import io.faultline.testsupport.SettingsMetadata;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What the boot jar that {@code package} built ships besides the code: the configuration metadata
 * of every documented setting (IDE completion, descriptions) and a CycloneDX SBOM of the
 * dependencies it runs with (also served at {@code /actuator/sbom/application}).
 */
class ShippedJarIT {
  private final BootJar jar = BootJar.of("executor-service");

  @Test
  void shipsTheMetadataOfEveryDocumentedSetting() {
    SettingsMetadata.assertDocumented(
        Path.of("README.md"), "faultline.executor.", jar.configurationMetadata());
  }

  @Test
  void shipsAnSbomListingTheDependenciesItRunsWith() {
    if ("offline=true".equals(System.getProperty("faultline.build.mode"))) {
      // cyclonedx-maven-plugin refuses offline builds (requiresOnline): no SBOM to check then.
      // CI builds online, where this test holds the SBOM to what follows.
      return;
    }
    assertThat(jar.sbomComponents())
        .anyMatch(c -> c.startsWith("org.springframework.boot:spring-boot:"))
        .anyMatch(c -> c.startsWith("org.apache.kafka:kafka-clients:"))
        .anyMatch(c -> c.startsWith("software.amazon.awssdk:ssm:"))
        .anyMatch(c -> c.startsWith("io.faultline:events-schema:"))
        .noneMatch(c -> c.contains(":junit-jupiter-api:"))
        .noneMatch(c -> c.contains(":spring-boot-configuration-processor:"));
  }
}
