package io.faultline.local;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Where things are, from the command line and the {@code faultline.local.*} system properties.
 *
 * @param root the repository root (boot jars under {@code <root>/<service>/target/})
 * @param runDir this run's logs and state
 * @param zipkinJar Zipkin's server jar
 * @param version the services' version
 */
record Options(Path root, Path runDir, Path zipkinJar, String version) {
  static Options parse(String[] args) {
    Path root =
        Path.of(System.getProperty("faultline.local.root", ".")).toAbsolutePath().normalize();
    Path runs =
        Path.of(
            System.getProperty(
                "faultline.local.work-dir", root.resolve("local-platform/target/runs").toString()));
    Path runDir =
        runs.resolve(
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + "-"
                    + UUID.randomUUID().toString().substring(0, 4))
            .toAbsolutePath();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--logs" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--logs needs a directory");
          }
          runDir = Path.of(args[++i]).toAbsolutePath();
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path zipkinJar =
        Path.of(
            System.getProperty(
                "faultline.local.zipkin-jar",
                root.resolve("local-platform/target/zipkin/zipkin-server-exec.jar").toString()));
    String version = LocalPlatform.class.getPackage().getImplementationVersion();
    return new Options(
        root,
        runDir,
        zipkinJar,
        System.getProperty(
            "faultline.local.version", version == null ? "0.1.0-SNAPSHOT" : version));
  }
}
