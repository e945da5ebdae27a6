package io.faultline.local;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The child processes the services need besides Kafka: moto (the AWS) and Zipkin. */
final class Infrastructure {
  private Infrastructure() {}

  /**
   * moto's server on loopback: {@code moto_server} from the PATH, else {@code python3 -m
   * moto.server}.
   */
  static ChildProcess moto(int port, Path workDir) {
    String portText = Integer.toString(port);
    List<String> command =
        List.of("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", portText);
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && new File(dir, "moto_server").canExecute()) {
        command =
            List.of(new File(dir, "moto_server").getPath(), "-H", "127.0.0.1", "-p", portText);
        break;
      }
    }
    return ChildProcess.start("moto", command, Map.of(), workDir, workDir.resolve("moto.log"));
  }

  /** Zipkin's server with in-memory storage, on the JDK running this code. */
  static ChildProcess zipkin(Path jar, int port, Path workDir) {
    if (!jar.toFile().canRead()) {
      throw new IllegalStateException(
          "Zipkin's server jar is missing at "
              + jar
              + " (io.zipkin:zipkin-server:exec; ./mvnw -B package -DskipTests copies it)");
    }
    return ChildProcess.start(
        "zipkin",
        List.of(ServiceProcess.javaCommand(), "-Xmx256m", "-jar", jar.toString()),
        Map.of("QUERY_PORT", Integer.toString(port), "STORAGE_TYPE", "mem"),
        workDir,
        workDir.resolve("zipkin.log"));
  }
}
