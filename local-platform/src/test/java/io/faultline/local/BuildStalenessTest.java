package io.faultline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When {@code ./faultline-local} rebuilds: its own {@code stale} function, taken from the script
 * and run by bash in a made-up checkout whose jars were built at one time and whose files are dated
 * around it. Only a missing jar, a {@code pom.xml} or a file under {@code src/} newer than the
 * oldest jar rebuilds; docs and the tests' hidden files do not.
 */
class BuildStalenessTest {
  private static final Path ROOT =
      Path.of(System.getProperty("faultline.local.root", "..")).toAbsolutePath().normalize();
  private static final String VERSION = "0.1.0-SNAPSHOT";
  private static final List<String> JARS =
      List.of(
          "policy-service/target/policy-service-" + VERSION + ".jar",
          "executor-service/target/executor-service-" + VERSION + ".jar",
          "scheduler-service/target/scheduler-service-" + VERSION + ".jar",
          "local-platform/target/local-platform-" + VERSION + ".jar",
          "local-platform/target/zipkin/zipkin-server-exec.jar");
  private static final Instant BUILT = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path checkout;

  @BeforeEach
  void aCheckoutBuiltAfterItsLastEdit() throws IOException {
    for (String jar : JARS) {
      file(jar, BUILT);
    }
    Instant before = BUILT.minus(Duration.ofHours(1));
    file("pom.xml", before);
    for (String module :
        List.of(
            "events-schema",
            "telemetry",
            "policy-service",
            "executor-service",
            "scheduler-service",
            "local-platform")) {
      file(module + "/pom.xml", before);
      file(module + "/README.md", before);
      file(module + "/src/main/java/io/faultline/Some.java", before);
    }
  }

  @Test
  void aBuiltCheckoutStartsWithoutBuilding() throws Exception {
    assertThat(stale()).isEqualTo("FRESH");
  }

  @Test
  void docsAndTheTestsHiddenFilesNewerThanTheJarsDoNotRebuild() throws Exception {
    Instant later = BUILT.plus(Duration.ofHours(1));
    file("executor-service/README.md", later);
    file("events-schema/.jqwik-database", later);
    file("policy-service/.idea/workspace.xml", later);

    assertThat(stale()).isEqualTo("FRESH");
  }

  @Test
  void aSourceNewerThanTheOldestJarRebuildsNamingIt() throws Exception {
    file("local-platform/target/local-platform-" + VERSION + ".jar", BUILT.minusSeconds(600));
    file("events-schema/src/main/java/io/faultline/Some.java", BUILT.minusSeconds(60));

    assertThat(stale())
        .isEqualTo(
            "STALE: events-schema/src/main/java/io/faultline/Some.java is newer than"
                + " local-platform/target/local-platform-"
                + VERSION
                + ".jar");
  }

  @Test
  void aPomNewerThanTheJarsRebuilds() throws Exception {
    file("scheduler-service/pom.xml", BUILT.plusSeconds(1));

    assertThat(stale()).startsWith("STALE: scheduler-service/pom.xml is newer than ");
  }

  @Test
  void aMissingJarRebuilds() throws Exception {
    Files.delete(checkout.resolve(JARS.get(1)));

    assertThat(stale()).isEqualTo("STALE: " + JARS.get(1) + " is missing");
  }

  private void file(String relative, Instant modified) throws IOException {
    Path path = checkout.resolve(relative);
    Files.createDirectories(path.getParent());
    if (!Files.exists(path)) {
      Files.writeString(path, relative);
    }
    Files.setLastModifiedTime(path, FileTime.from(modified));
  }

  /** The script's {@code stale} function run in the checkout: FRESH, or STALE and its reason. */
  private String stale() throws Exception {
    String script =
        String.join(
            "\n",
            "set -euo pipefail",
            "version=" + VERSION,
            "jars=(" + String.join(" ", JARS.subList(0, 4)) + ")",
            "zipkin=" + JARS.get(4),
            "eval \"$(sed -n '/^stale()/,/^}/p' \"$1\")\"",
            "if reason=$(stale); then echo \"STALE: $reason\"; else echo FRESH; fi");
    Process bash =
        new ProcessBuilder(
                "bash", "-c", script, "stale", ROOT.resolve("faultline-local").toString())
            .directory(checkout.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.exitValue()).as(output).isZero();
    return output.strip();
  }
}
