package io.faultline.executor.fault.local;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away "host" for network faults: a network namespace joined to this host by a veth pair on
 * a random /30, running a real HTTP server ({@code python3 -m http.server}) on {@link #PORT}.
 */
public final class NetworkNamespace implements AutoCloseable {
  public static final int PORT = 8080;

  public final String name;
  public final String hostInterface;
  public final String innerInterface;
  public final String innerAddress;

  /** This host's end of the veth pair, reachable from inside the namespace. */
  public final String hostAddress;

  private Process server;

  public NetworkNamespace() {
    String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    name = "flt-" + id;
    hostInterface = "flh" + id;
    innerInterface = "fln" + id;
    int a = 200 + ThreadLocalRandom.current().nextInt(50);
    int b = ThreadLocalRandom.current().nextInt(256);
    int c = 4 * ThreadLocalRandom.current().nextInt(64);
    hostAddress = "10." + a + "." + b + "." + (c + 1);
    innerAddress = "10." + a + "." + b + "." + (c + 2);
    HostProcesses.runOk("ip", "netns", "add", name);
    try {
      HostProcesses.runOk(
          "ip", "link", "add", hostInterface, "type", "veth", "peer", "name", innerInterface);
      HostProcesses.runOk("ip", "link", "set", innerInterface, "netns", name);
      HostProcesses.runOk("ip", "addr", "add", hostAddress + "/30", "dev", hostInterface);
      HostProcesses.runOk("ip", "link", "set", hostInterface, "up");
      inside("ip", "addr", "add", innerAddress + "/30", "dev", innerInterface);
      inside("ip", "link", "set", innerInterface, "up");
      inside("ip", "link", "set", "lo", "up");
      server =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  name,
                  "python3",
                  "-m",
                  "http.server",
                  "" + PORT,
                  "--bind",
                  innerAddress)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      await().atMost(Duration.ofSeconds(20)).until(() -> "200".equals(get()));
    } catch (IOException | RuntimeException e) {
      close();
      throw new IllegalStateException("cannot set up namespace " + name, e);
    }
  }

  /** Runs a command inside the namespace and fails unless it exits 0. */
  public String inside(String... command) {
    String[] full = new String[command.length + 4];
    full[0] = "ip";
    full[1] = "netns";
    full[2] = "exec";
    full[3] = name;
    System.arraycopy(command, 0, full, 4, command.length);
    return HostProcesses.runOk(full);
  }

  /** Every iptables rule of the namespace (nat and filter tables), as {@code iptables -S}. */
  public String rules() {
    return inside("iptables", "-t", "nat", "-S") + inside("iptables", "-t", "filter", "-S");
  }

  /** The launcher that makes a document run "on" this namespace. */
  public List<String> launcher() {
    return List.of("ip", "netns", "exec", name);
  }

  URI uri() {
    return URI.create("http://" + innerAddress + ":" + PORT + "/");
  }

  /**
   * One GET from this host through the veth, with a fresh client (no pooled connection): the status
   * code, or the failure's class and message chain.
   */
  String get() {
    try (HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build()) {
      HttpResponse<Void> response =
          client.send(
              HttpRequest.newBuilder(uri()).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding());
      return Integer.toString(response.statusCode());
    } catch (IOException e) {
      StringBuilder chain = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        chain.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append("; ");
      }
      return chain.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    // Everything still running in the namespace (server, and any leftover of a failed test).
    String pids = HostProcesses.run(List.of("ip", "netns", "pids", name)).output();
    for (String pid : pids.split("\\s+")) {
      if (!pid.isBlank()) {
        HostProcesses.kill(pid);
      }
    }
    if (server != null) {
      server.destroyForcibly();
    }
    HostProcesses.run(List.of("ip", "netns", "del", name));
    HostProcesses.run(List.of("ip", "link", "del", hostInterface));
  }
}
