package io.faultline.executor.fault.local;

import io.faultline.executor.fault.document.ShellStep;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs an {@link SsmDocument}'s {@code aws:runShellScript} steps on this host as SSM Run Command
 * would: {@code {{ Param }}} replaced by validated values only, the step's lines joined into one
 * script file run by {@code bash} in its own session (so {@link LocalRun#cancel()} can kill the
 * whole process group), steps in order until one fails, each bounded by its {@code timeoutSeconds}.
 */
public final class LocalDocumentRunner {
  private final Map<String, String> environment;
  private final List<String> launcher;

  /** A runner whose scripts inherit this JVM's environment, like an SSM agent's. */
  public LocalDocumentRunner() {
    this(Map.of(), List.of());
  }

  /**
   * A runner whose scripts see this JVM's environment overlaid with {@code environment}, e.g.
   * {@code FAULTLINE_STATE_DIR} or a {@code PATH} with a stand-in {@code systemctl} first.
   */
  public LocalDocumentRunner(Map<String, String> environment) {
    this(environment, List.of());
  }

  /**
   * Like {@link #LocalDocumentRunner(Map)}, with {@code launcher} prefixed to {@code bash
   * <script>}, e.g. {@code ip netns exec <namespace>} to run a document "on" a network namespace.
   * The launcher comes from trusted configuration, never from fault parameters.
   */
  public LocalDocumentRunner(Map<String, String> environment, List<String> launcher) {
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    this.launcher = List.copyOf(Objects.requireNonNull(launcher, "launcher"));
  }

  /**
   * Validates {@code parameters} ({@link SsmDocument#validate}) and starts the document's steps in
   * the background; never blocks for the run.
   *
   * @throws IllegalArgumentException when a parameter is unknown, missing or breaks its rule; no
   *     process is started then
   */
  public LocalRun start(SsmDocument document, Map<String, String> parameters) {
    List<ShellStep> steps = document.render(parameters);
    List<String> prefix = new ArrayList<>();
    prefix.add("setsid");
    prefix.addAll(launcher);
    prefix.add("bash");
    ProcessRun run = new ProcessRun(document.faultType(), steps, prefix, environment);
    Thread.ofVirtual().name("faultline-local-" + document.faultType()).start(run::execute);
    return run;
  }
}
