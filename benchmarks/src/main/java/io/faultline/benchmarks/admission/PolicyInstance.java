package io.faultline.benchmarks.admission;

import io.faultline.benchmarks.jvm.BootService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One policy-service instance from its boot jar ({@link BootService}: the deployed image's JVM
 * options), and only documented properties: the broker, the application id shared by every instance
 * of a measurement, its own ports and state directory.
 */
final class PolicyInstance implements AutoCloseable {
  private final BootService service;

  private PolicyInstance(BootService service) {
    this.service = service;
  }

  /**
   * Starts instance {@code index} of application {@code applicationId}; {@link #awaitHealthy} waits
   * for it.
   */
  static PolicyInstance start(
      Path bootJar,
      String bootstrapServers,
      String applicationId,
      int index,
      List<String> jvmOptions,
      Path workDir) {
    String name = "policy-" + index;
    return new PolicyInstance(
        BootService.start(
            name,
            bootJar,
            "package it first (./mvnw -B -o -q package -DskipTests"
                + " -pl events-schema,telemetry,policy-service) or set bench.servicesDir",
            jvmOptions,
            List.of(
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--faultline.policy.application-id=" + applicationId,
                "--faultline.policy.replication-factor=1",
                "--faultline.policy.state-dir=" + workDir.resolve(name + "-state"),
                // Every request is approvable and no executor ends a fault, so leases pile up: the
                // platform limit (200 by default) would turn the run into rejections.
                "--faultline.policy.platform-max-active-faults=" + Integer.MAX_VALUE),
            Map.of(),
            workDir));
  }

  /** Waits until {@code /actuator/health} on the management port answers UP. */
  void awaitHealthy(Duration timeout) {
    service.awaitHealthy(timeout);
  }

  String name() {
    return service.name();
  }

  long pid() {
    return service.pid();
  }

  double cpuSeconds() {
    return service.cpuSeconds();
  }

  void failIfExited() {
    service.failIfExited();
  }

  String tail(int lines) {
    return service.tail(lines);
  }

  /** SIGTERM without waiting, so several instances stop side by side; {@link #close} waits. */
  void terminate() {
    service.terminate();
  }

  @Override
  public void close() {
    service.close();
  }
}
