package io.faultline.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.faultline.events.topics.Topics;
import io.faultline.testsupport.CloudWatchJsonBridge;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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
  /** The first line of the banner: the platform is ready. */
  public static final String READY = "Faultline is running locally";

  /** The lines between these markers are a shell snippet that runs the demo fault. */
  public static final String EXAMPLE_START = "----- try it: paste into a shell (needs curl) -----";

  public static final String EXAMPLE_END = "----- end of example -----";

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

  /**
   * Where things are.
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
                  "faultline.local.work-dir",
                  root.resolve("local-platform/target/runs").toString()));
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

  private final Options options;
  private final PrintStream out;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private boolean closed;
  private ChildProcess moto;
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

    moto = track(Infrastructure.moto(motoPort, runDir));
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
    moto.awaitListening(motoPort, Duration.ofSeconds(30));
    out.println("  moto (AWS) at http://127.0.0.1:" + motoPort);
    zipkin.awaitListening(zipkinPort, Duration.ofSeconds(90));
    out.println("  Zipkin at http://localhost:" + zipkinPort);
    URI motoEndpoint = URI.create("http://127.0.0.1:" + motoPort);
    // The executor's CloudWatch probes speak CBOR, which moto does not route: a bridge before it.
    URI awsEndpoint = track(new CloudWatchJsonBridge(motoEndpoint)).endpoint();

    out.println("starting policy-service, executor-service and scheduler-service ...");
    services =
        track(
            new FaultlineServices(
                new FaultlineServices.Settings(
                    kafka.bootstrapServers(),
                    awsEndpoint,
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
    DemoTenant.Seeded demo = DemoTenant.seed(motoEndpoint, services);
    banner = banner(kafka.bootstrapServers(), motoPort, zipkinPort, ports, managementPorts, demo);
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
        moto.failIfExited();
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

  String banner(
      String bootstrap,
      int motoPort,
      int zipkinPort,
      Map<String, Integer> ports,
      Map<String, Integer> managementPorts,
      DemoTenant.Seeded demo) {
    String scheduler = "http://localhost:" + ports.get(FaultlineServices.SCHEDULER);
    String tenant = DemoTenant.TENANT;
    String nl = System.lineSeparator();
    String rule = "=".repeat(100);
    StringBuilder b = new StringBuilder();
    b.append(rule).append(nl);
    b.append(READY).append(" (Ctrl-C or SIGTERM stops everything)").append(nl);
    b.append(rule).append(nl);
    b.append(" scheduler API   ").append(scheduler).append("/api/v1").append(nl);
    b.append(" Swagger UI      ").append(scheduler).append("/swagger-ui.html").append(nl);
    b.append(" Zipkin (traces) http://localhost:").append(zipkinPort).append("/zipkin/").append(nl);
    // Actuator answers on each service's management port, apart from its API.
    String label = " Prometheus      ";
    for (Map.Entry<String, Integer> service : managementPorts.entrySet()) {
      b.append(label)
          .append("http://localhost:")
          .append(service.getValue())
          .append("/actuator/prometheus   (")
          .append(service.getKey())
          .append(")")
          .append(nl);
      label = " ".repeat(label.length());
    }
    b.append(" Kafka bootstrap ").append(bootstrap).append(nl);
    b.append(" AWS (moto)      http://127.0.0.1:")
        .append(motoPort)
        .append("   account ")
        .append(demo.account().accountId())
        .append(" ")
        .append(demo.account().region())
        .append(": ")
        .append(String.join(" ", demo.checkoutInstances()))
        .append(" (app=checkout), ")
        .append(String.join(" ", demo.otherInstances()))
        .append(" (app=payments)")
        .append(nl);
    b.append(" demo tenant     ")
        .append(tenant)
        .append(": account registered, policy allows every catalogue fault (")
        .append(io.faultline.events.catalogue.FaultCatalogue.standard().types().size())
        .append(" types) any time")
        .append(nl);
    b.append(" logs            ").append(options.runDir()).append("   (one file per process)");
    b.append(nl).append(nl);
    b.append(" A development token (local mode only; roles viewer, operator, admin):").append(nl);
    b.append("   curl -s -X POST ")
        .append(scheduler)
        .append("/dev/tokens -H 'content-type: application/json' \\")
        .append(nl)
        .append("     -d '{\"subject\":\"me\",\"tenantId\":\"")
        .append(tenant)
        .append("\",\"roles\":[\"admin\"]}'")
        .append(nl)
        .append(nl);
    b.append(example(scheduler, demo)).append(nl);
    return b.toString();
  }

  /** The demo as a shell snippet: token, experiment, run now, the run's state. */
  static String example(String scheduler, DemoTenant.Seeded demo) {
    String tenant = DemoTenant.TENANT;
    String api = scheduler + "/api/v1/tenants/" + tenant;
    String auth = "-H \"authorization: Bearer $TOKEN\"";
    String experiment =
        "{\"name\":\"checkout loses a process\",\"faultType\":\"ec2-process-kill\","
            + "\"hypothesis\":\"checkout keeps serving when a process dies on every instance\","
            + "\"parameters\":{\"PROCESS_IDS\":\"4242\",\"EC2_INSTANCE_TAG\":\""
            + DemoTenant.TARGET_TAG
            + "\",\"INSTANCE_AFFECTED_PERC\":100,\"TOTAL_CHAOS_DURATION\":5},"
            + "\"targets\":[{\"accountId\":\""
            + demo.account().accountId()
            + "\",\"region\":\""
            + demo.account().region()
            + "\"}]}";
    return String.join(
        System.lineSeparator(),
        EXAMPLE_START,
        "# 1. a development token for tenant " + tenant,
        "TOKEN=$(curl -sf -X POST "
            + scheduler
            + "/dev/tokens -H 'content-type: application/json' \\",
        "  -d '{\"subject\":\"me\",\"tenantId\":\""
            + tenant
            + "\",\"roles\":[\"admin\"]}' | sed -E 's/.*\"token\":\"([^\"]+)\".*/\\1/')",
        "# 2. an experiment: kill (made-up) PID 4242 on every instance tagged "
            + DemoTenant.TARGET_TAG.replace(':', '=')
            + ", for 5 s",
        "EXPERIMENT=$(curl -sf -X POST " + api + "/experiments " + auth + " \\",
        "  -H 'content-type: application/json' \\",
        "  -d '" + experiment + "' \\",
        "  | sed -E 's/.*\"experimentId\":\"([^\"]+)\".*/\\1/')",
        "# 3. run it now",
        "RUN=$(curl -sf -X POST "
            + api
            + "/experiments/$EXPERIMENT/runs "
            + auth
            + " | sed -E 's/.*\"runId\":\"([^\"]+)\".*/\\1/')",
        "# 4. wait until the run ends (~10 s), then show it: status COMPLETED, its waves, faults",
        "#    and lifecycle timeline (its trace: Zipkin, tag faultline.run.id=$RUN)",
        "until curl -sf " + api + "/runs/$RUN " + auth + " \\",
        "  | grep -Eq '^\\{[^{]*\"status\":\"(COMPLETED|FAILED|ABORTED)\"'; do sleep 1; done",
        "curl -s " + api + "/runs/$RUN " + auth + "; echo",
        EXAMPLE_END);
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
    toClose.stream().filter(c -> c instanceof ChildProcess).forEach(this::closeQuietly);
    toClose.stream()
        .filter(c -> !(c instanceof ChildProcess) && c != services)
        .forEach(this::closeQuietly);
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
