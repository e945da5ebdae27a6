package io.faultline.policy.admission;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Policy-service instances of one application in child JVMs ({@link AdmissionNode}), by name: each
 * keeps its state directory across restarts under the same name and reports its tasks and state on
 * stdout. Closing kills every one still running.
 */
final class PolicyNodes implements AutoCloseable {
  /** A child JVM and the last tasks and state it reported. */
  static final class Node {
    final Process process;
    volatile String tasks = "";
    volatile String state = "";

    Node(Process process) {
      this.process = process;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    if (line.startsWith("TASKS ")) {
                      tasks = line.substring(6);
                    } else if (line.startsWith("STATE ")) {
                      state = line.substring(6);
                    }
                  }
                } catch (IOException e) {
                  state = "GONE";
                }
              });
      reader.setDaemon(true);
      reader.start();
    }
  }

  private final Broker broker;
  private final String appId;
  private final int platformMax;
  private final String maxHeap;
  private final Map<String, Node> nodes = new HashMap<>();

  /**
   * @param platformMax the platform concurrency limit every instance admits with
   * @param maxHeap each child JVM's {@code -Xmx} option, e.g. {@code -Xmx384m}
   */
  PolicyNodes(Broker broker, String appId, int platformMax, String maxHeap) {
    this.broker = broker;
    this.appId = appId;
    this.platformMax = platformMax;
    this.maxHeap = maxHeap;
  }

  /** Starts (or restarts) the instance {@code name} with its own state directory. */
  Node start(String name) throws IOException {
    Path state = Path.of(System.getProperty("java.io.tmpdir"), appId + "-" + name);
    Files.createDirectories(state);
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            maxHeap,
            "-cp",
            System.getProperty("java.class.path"),
            AdmissionNode.class.getName(),
            broker.bootstrap(),
            appId,
            broker.prefix,
            Integer.toString(platformMax),
            state.toString());
    builder.redirectErrorStream(true);
    Node node = new Node(builder.start());
    nodes.put(name, node);
    return node;
  }

  Node get(String name) {
    return nodes.get(name);
  }

  /** The instances started, each by the name it was last started under. */
  Map<String, Node> byName() {
    return Collections.unmodifiableMap(nodes);
  }

  @Override
  public void close() throws InterruptedException {
    for (Node node : nodes.values()) {
      node.process.destroyForcibly().waitFor();
    }
  }
}
