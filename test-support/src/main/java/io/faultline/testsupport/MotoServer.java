package io.faultline.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * moto's AWS server, started by the tests on a free loopback port (one per JVM). Tests fail, never
 * skip, when moto is not installed. State is per account; {@link #reset()} clears it.
 */
public final class MotoServer {
  private static MotoServer instance;

  private final int port;
  private final Process process;

  private MotoServer(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** The shared server, started on first use. */
  public static synchronized MotoServer shared() {
    if (instance == null || !instance.process.isAlive()) {
      instance = start();
    }
    return instance;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** Clears every account's state. */
  public void reset() {
    try {
      HttpURLConnection connection =
          (HttpURLConnection) endpoint().resolve("/moto-api/reset").toURL().openConnection();
      connection.setRequestMethod("POST");
      int status = connection.getResponseCode();
      if (status != 200) {
        throw new IllegalStateException("moto reset answered " + status);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot reset moto at " + endpoint(), e);
    }
  }

  private static MotoServer start() {
    int port = LoopbackPorts.free();
    if (LoopbackPorts.listening(port)) {
      throw new IllegalStateException(
          "port " + port + " is taken; a stale moto would give stale state");
    }
    List<String> command = motoCommand(port);
    try {
      Path log = Files.createTempFile("moto-", ".log");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      while (!LoopbackPorts.listening(port)) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "moto_server exited: " + Files.readString(log).lines().limit(20).toList());
        }
        if (Instant.now().isAfter(deadline)) {
          process.destroy();
          throw new IllegalStateException("moto_server did not listen on " + port + " within 30 s");
        }
        process.waitFor(50, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      return new MotoServer(port, process);
    } catch (IOException e) {
      throw new IllegalStateException(
          "moto's server is required for these tests (pip install 'moto[server]'): "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<String> motoCommand(int port) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, "moto_server").canExecute()) {
        return List.of(
            new File(dir, "moto_server").getPath(),
            "-H",
            "127.0.0.1",
            "-p",
            Integer.toString(port));
      }
    }
    return List.of("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port));
  }
}
