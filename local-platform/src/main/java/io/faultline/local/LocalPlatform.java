package io.faultline.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.faultline.events.topics.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole platform on one machine, on embedded defaults: an in-JVM KRaft broker, moto as the AWS,
 * Zipkin as the trace UI, the policy, executor and scheduler services from their boot jars, the
 * catalogue's topics and a demo tenant. Prints a banner with the URLs and a curl example, stays up
 * until SIGINT/SIGTERM, then stops every child (services first, the broker last).
 *
 * <p>Started by {@code ./faultline-local} at the repository root; usage: {@code --help}.
 */
public final class LocalPlatform implements AutoCloseable {
  static final int KAFKA_PORT = 9092;
  static final int SCHEDULER_PORT = 8080;
  static final int POLICY_PORT = 8081;
  static final int EXECUTOR_PORT = 8082;
  // The services' own management.server.port defaults (application.yml of each).
  static final int SCHEDULER_MANAGEMENT_PORT = 9080;
  static final int POLICY_MANAGEMENT_PORT = 9081;
  static final int EXECUTOR_MANAGEMENT_PORT = 9082;
  static final int ZIPKIN_PORT = 9411;
  static final int MOTO_PORT = 5000;

  private final Options options;
  private final PrintStream out;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private boolean closed;
  private LocalAws aws;
  private ChildProcess zipkin;
  private FaultlineServices services;
  private String banner;

  LocalPlatform(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public static void main(String[] args) {
    if (List.of(args).contains("--help")) {
      System.out.println(
          "usage: faultline-local [--no-build] [--logs DIR]\n"
              + "Runs Kafka (in this JVM), moto, Zipkin and the three services; Ctrl-C stops all.");
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
      Files.createDirectories(options.runDir());
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("faultline-local: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Before anything logs: the launcher's own log (the broker's, mostly) goes to a file.
    System.setProperty(
        "faultline.local.log-file", options.runDir().resolve("kafka.log").toString());
    LocalPlatform platform = new LocalPlatform(options, System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "faultline-local-stop"));
    try {
      platform.start();
    } catch (RuntimeException e) {
      System.err.println("faultline-local: start failed: " + causes(e));
      System.err.println("logs: " + options.runDir());
      System.exit(1);
    }
    platform.out.println(platform.banner);
    platform.out.flush();
    platform.watch();
  }

  /** Starts everything, seeds the demo tenant and composes the banner. */
  void start() {
    Path runDir = options.runDir();
    out.println("Faultline local platform: logs and state in " + runDir);
    int kafkaPort = port("Kafka", KAFKA_PORT);
    int motoPort = port("moto", MOTO_PORT);
    int zipkinPort = port("Zipkin", ZIPKIN_PORT);
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put(FaultlineServices.SCHEDULER, port("scheduler-service", SCHEDULER_PORT));
    ports.put(FaultlineServices.POLICY, port("policy-service", POLICY_PORT));
    ports.put(FaultlineServices.EXECUTOR, port("executor-service", EXECUTOR_PORT));
    Map<String, Integer> managementPorts = new LinkedHashMap<>();
    managementPorts.put(
        FaultlineServices.SCHEDULER,
        port("scheduler-service (management)", SCHEDULER_MANAGEMENT_PORT));
    managementPorts.put(
        FaultlineServices.POLICY, port("policy-service (management)", POLICY_MANAGEMENT_PORT));
    managementPorts.put(
        FaultlineServices.EXECUTOR,
        port("executor-service (management)", EXECUTOR_MANAGEMENT_PORT));

    aws = track(LocalAws.start(motoPort, runDir));
    zipkin = track(Infrastructure.zipkin(options.zipkinJar(), zipkinPort, runDir));
    out.println("starting Kafka (KRaft, in this JVM) on port " + kafkaPort + " ...");
    LocalKafka kafka;
    try (PrintStream kafkaOut =
        new PrintStream(Files.newOutputStream(runDir.resolve("kafka-format.log")), true, UTF_8)) {
      kafka = track(LocalKafka.start(kafkaPort, kafkaOut));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write to " + runDir, e);
    }
    kafka.createTopics(Topics.all().stream().map(t -> t.newTopic((short) 1)).toList());
    out.println("  Kafka at " + kafka.bootstrapServers() + ", topics created");
    aws.awaitReady(Duration.ofSeconds(30));
    out.println("  moto (AWS) at " + aws.motoEndpoint());
    zipkin.awaitListening(zipkinPort, Duration.ofSeconds(90));
    out.println("  Zipkin at http://localhost:" + zipkinPort);

    out.println("starting policy-service, executor-service and scheduler-service ...");
    services =
        track(
            new FaultlineServices(
                new FaultlineServices.Settings(
                    kafka.bootstrapServers(),
                    aws.servicesEndpoint(),
                    DemoTenant.REGION,
                    URI.create("http://127.0.0.1:" + zipkinPort + "/api/v2/spans"),
                    options.root(),
                    options.version(),
                    runDir,
                    "faultline-local-" + UUID.randomUUID().toString().substring(0, 8),
                    ports,
                    managementPorts)));
    services.startAll();
    out.println("  services healthy; seeding the demo tenant ...");
    DemoTenant.Seeded demo = DemoTenant.seed(aws.motoEndpoint(), services);
    banner =
        Banner.compose(
            kafka.bootstrapServers(),
            motoPort,
            zipkinPort,
            ports,
            managementPorts,
            demo,
            options.runDir());
  }

  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      text.append("\n  caused by ").append(cause);
    }
    return text.toString();
  }

  private int port(String what, int preferred) {
    int port = Ports.preferredOrFree(preferred);
    if (port != preferred) {
      out.println("  port " + preferred + " is taken: " + what + " uses " + port);
    }
    return port;
  }

  private synchronized <T extends AutoCloseable> T track(T closeable) {
    if (closed) {
      closeQuietly(closeable);
      throw new IllegalStateException("stopping");
    }
    started.push(closeable);
    return closeable;
  }

  /** Returns when a child died (after printing which, and exiting 1) or never. */
  private void watch() {
    while (true) {
      ChildProcess.pause(Duration.ofSeconds(1));
      try {
        services.assertServicesAlive();
        aws.failIfExited();
        zipkin.failIfExited();
      } catch (IllegalStateException e) {
        synchronized (this) {
          if (closed) {
            return;
          }
        }
        System.err.println("faultline-local: " + e.getMessage());
        System.exit(1);
      }
    }
  }

  /** Stops everything started: the services, Zipkin and moto, then the broker. */
  @Override
  public void close() {
    List<AutoCloseable> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = List.copyOf(started);
      started.clear();
    }
    if (toClose.isEmpty()) {
      return;
    }
    out.println("stopping Faultline ...");
    out.flush();
    // The services first, all at once: each flushes its spans and leaves its consumer groups
    // while the broker and Zipkin are still up.
    if (services != null) {
      closeQuietly(services);
    }
    // Then Zipkin and moto; the broker, which the services needed until they stopped, last.
    toClose.stream()
        .filter(c -> c != services && !(c instanceof LocalKafka))
        .forEach(this::closeQuietly);
    toClose.stream().filter(c -> c instanceof LocalKafka).forEach(this::closeQuietly);
    out.println("stopped.");
    out.flush();
  }

  private void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      out.println("  while stopping: " + e);
    }
  }
}
