package io.faultline.local;

import io.faultline.events.client.ConsumerGroupProgress;
import io.faultline.events.topics.Topics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The policy, executor and scheduler services started from their boot jars, configured only through
 * their documented properties and the standard {@code OTEL_*} variables: on one broker, the
 * executor against an AWS endpoint (moto) with the SSM-online pre-check skipped (moto cannot answer
 * it), the scheduler in its {@code local} profile (development tokens), spans to Zipkin.
 */
public final class FaultlineServices implements AutoCloseable {
  public static final String POLICY = "policy-service";
  public static final String EXECUTOR = "executor-service";
  public static final String SCHEDULER = "scheduler-service";

  /**
   * How to start the services.
   *
   * @param bootstrapServers the Kafka broker
   * @param awsEndpoint the AWS endpoint the executor calls (moto, behind {@link
   *     CloudWatchJsonBridge})
   * @param awsRegion the executor's region ({@code AWS_REGION})
   * @param zipkinSpansEndpoint where spans go ({@code OTEL_EXPORTER_ZIPKIN_ENDPOINT}); null: none
   * @param servicesDir the repository root: boot jars are {@code
   *     <dir>/<service>/target/<service>-<version>.jar}
   * @param version the services' version
   * @param workDir logs ({@code <service>.log}) and state of this run
   * @param ids prefix of consumer groups and Streams application ids, unique per run
   * @param ports the HTTP (API) port of each service, by service name
   * @param managementPorts the management (actuator) port of each service, by service name
   * @param extraArguments more command-line arguments of each service, by service name (e.g. its
   *     {@code spring.kafka.*} security settings on a secured cluster)
   * @param harnessBootstrapServers the broker as this harness's own admin client reaches it (to
   *     watch the policy service's progress); usually {@code bootstrapServers}
   * @param jvmOptions the services' JVM options ({@link ServiceProcess#QUICK_START_JVM} unless
   *     given)
   */
  public record Settings(
      String bootstrapServers,
      URI awsEndpoint,
      String awsRegion,
      URI zipkinSpansEndpoint,
      Path servicesDir,
      String version,
      Path workDir,
      String ids,
      Map<String, Integer> ports,
      Map<String, Integer> managementPorts,
      Map<String, List<String>> extraArguments,
      String harnessBootstrapServers,
      List<String> jvmOptions) {
    public Settings {
      ports = Map.copyOf(ports);
      managementPorts = Map.copyOf(managementPorts);
      extraArguments = Map.copyOf(extraArguments);
      jvmOptions = List.copyOf(jvmOptions);
    }

    /** Quick-start JVMs ({@link ServiceProcess#QUICK_START_JVM}). */
    public Settings(
        String bootstrapServers,
        URI awsEndpoint,
        String awsRegion,
        URI zipkinSpansEndpoint,
        Path servicesDir,
        String version,
        Path workDir,
        String ids,
        Map<String, Integer> ports,
        Map<String, Integer> managementPorts,
        Map<String, List<String>> extraArguments,
        String harnessBootstrapServers) {
      this(
          bootstrapServers,
          awsEndpoint,
          awsRegion,
          zipkinSpansEndpoint,
          servicesDir,
          version,
          workDir,
          ids,
          ports,
          managementPorts,
          extraArguments,
          harnessBootstrapServers,
          ServiceProcess.QUICK_START_JVM);
    }

    /** Services on an open broker, with no extra arguments. */
    public Settings(
        String bootstrapServers,
        URI awsEndpoint,
        String awsRegion,
        URI zipkinSpansEndpoint,
        Path servicesDir,
        String version,
        Path workDir,
        String ids,
        Map<String, Integer> ports,
        Map<String, Integer> managementPorts) {
      this(
          bootstrapServers,
          awsEndpoint,
          awsRegion,
          zipkinSpansEndpoint,
          servicesDir,
          version,
          workDir,
          ids,
          ports,
          managementPorts,
          Map.of(),
          bootstrapServers,
          ServiceProcess.QUICK_START_JVM);
    }

    List<String> arguments(String service, List<String> standard) {
      List<String> all = new java.util.ArrayList<>(standard);
      all.addAll(extraArguments.getOrDefault(service, List.of()));
      return all;
    }

    Path bootJar(String service) {
      return servicesDir
          .resolve(service)
          .resolve("target")
          .resolve(service + "-" + version + ".jar")
          .toAbsolutePath()
          .normalize();
    }
  }

  private static final Duration START_TIMEOUT = Duration.ofSeconds(150);

  private final Settings settings;
  private final List<ServiceProcess> services = new CopyOnWriteArrayList<>();
  private boolean closed;

  /** Services not started yet; {@link #startAll()} starts them. */
  public FaultlineServices(Settings settings) {
    this.settings = settings;
  }

  /** Starts the three services side by side and waits until every one is healthy. */
  public static FaultlineServices start(Settings settings) {
    FaultlineServices platform = new FaultlineServices(settings);
    try {
      platform.startAll();
      return platform;
    } catch (RuntimeException | Error e) {
      platform.close();
      throw e;
    }
  }

  /**
   * Starts the three services side by side and waits until every one is healthy. {@link #close()}
   * may be called meanwhile from another thread (a shutdown hook): no service starts after it.
   */
  public void startAll() {
    Path workDir = settings.workDir();
    String bootstrap = settings.bootstrapServers();
    PlatformSigningKey signing = PlatformSigningKey.create(workDir.resolve("keys"));
    add(
        ServiceProcess.start(
            POLICY,
            settings.bootJar(POLICY),
            settings.jvmOptions(),
            settings.ports().get(POLICY),
            settings.managementPorts().get(POLICY),
            settings.arguments(
                POLICY,
                List.of(
                    "--spring.kafka.bootstrap-servers=" + bootstrap,
                    "--faultline.policy.application-id=" + policyApplicationId(),
                    "--faultline.policy.replication-factor=1",
                    "--faultline.policy.stream-threads=1",
                    "--faultline.policy.state-dir=" + workDir.resolve("policy-state"),
                    signing.policyArgument())),
            tracing(),
            workDir));
    Map<String, String> executorEnv = new HashMap<>(tracing());
    // The executor's base credentials come from the SDK's default chain; moto accepts any.
    executorEnv.put("AWS_ACCESS_KEY_ID", "AKIAFAULTLINELOCAL");
    executorEnv.put("AWS_SECRET_ACCESS_KEY", "faultline-local-secret");
    executorEnv.put("AWS_REGION", settings.awsRegion());
    add(
        ServiceProcess.start(
            EXECUTOR,
            settings.bootJar(EXECUTOR),
            settings.jvmOptions(),
            settings.ports().get(EXECUTOR),
            settings.managementPorts().get(EXECUTOR),
            settings.arguments(
                EXECUTOR,
                List.of(
                    "--spring.kafka.bootstrap-servers=" + bootstrap,
                    "--faultline.executor.group-id=" + settings.ids() + "-executor",
                    "--faultline.executor.executor-id=" + settings.ids(),
                    "--faultline.executor.session-timeout=6s",
                    // moto cannot answer DescribeInstanceInformation (executor README: moto gaps).
                    "--faultline.executor.precheck.ssm-online=skip",
                    "--faultline.executor.aws.endpoint=" + settings.awsEndpoint(),
                    "--faultline.executor.aws.max-attempts=2",
                    "--faultline.executor.run.poll-initial=100ms",
                    "--faultline.executor.run.poll-max=500ms")),
            executorEnv,
            workDir));
    add(
        ServiceProcess.start(
            SCHEDULER,
            settings.bootJar(SCHEDULER),
            settings.jvmOptions(),
            settings.ports().get(SCHEDULER),
            settings.managementPorts().get(SCHEDULER),
            settings.arguments(
                SCHEDULER,
                concat(
                    signing.schedulerArguments(),
                    "--spring.kafka.bootstrap-servers=" + bootstrap,
                    // Local mode: the service mints its own development tokens (POST /dev/tokens).
                    "--spring.profiles.active=local",
                    "--faultline.scheduler.application-id=" + settings.ids() + "-scheduler",
                    "--faultline.scheduler.advertised-host=127.0.0.1",
                    "--faultline.scheduler.state-dir=" + workDir.resolve("scheduler-state"))),
            tracing(),
            workDir));
    for (ServiceProcess service : services) {
      service.awaitHealthy(START_TIMEOUT);
    }
  }

  private static List<String> concat(List<String> first, String... more) {
    List<String> all = new java.util.ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }

  private synchronized void add(ServiceProcess service) {
    if (closed) {
      service.close();
      throw new IllegalStateException("stopping: " + service.name() + " not started");
    }
    services.add(service);
  }

  /** The standard OpenTelemetry variables that send a service's spans to Zipkin (or nowhere). */
  private Map<String, String> tracing() {
    if (settings.zipkinSpansEndpoint() == null) {
      return Map.of(
          "OTEL_TRACES_EXPORTER", "none",
          "OTEL_METRICS_EXPORTER", "none",
          "OTEL_LOGS_EXPORTER", "none");
    }
    return Map.of(
        "OTEL_TRACES_EXPORTER", "zipkin",
        "OTEL_EXPORTER_ZIPKIN_ENDPOINT", settings.zipkinSpansEndpoint().toString(),
        "OTEL_BSP_SCHEDULE_DELAY", "200",
        "OTEL_METRICS_EXPORTER", "none",
        "OTEL_LOGS_EXPORTER", "none");
  }

  /** The policy service's Kafka Streams application id (its consumer group). */
  public String policyApplicationId() {
    return settings.ids() + "-policy";
  }

  /**
   * The policy service's intake group (its Streams application id + {@code -intake}): it reads the
   * policies topic and writes each change to the admission log before any later request, so once it
   * has committed past a policy, a request sent afterwards is decided under it.
   */
  String policyIntakeGroupId() {
    return policyApplicationId() + "-intake";
  }

  public ServiceProcess service(String name) {
    return services.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + name));
  }

  public List<ServiceProcess> all() {
    return List.copyOf(services);
  }

  /** The scheduler's HTTP API. */
  public URI schedulerUri() {
    return service(SCHEDULER).baseUri();
  }

  /** The end offsets of the policies topic, to pass to {@link #awaitPolicyConsumed}. */
  public Map<TopicPartition, Long> policyEnds() {
    try (Admin admin = admin()) {
      return policyEnds(admin);
    }
  }

  private static Map<TopicPartition, Long> policyEnds(Admin admin) {
    return ConsumerGroupProgress.endOffsets(
        admin, Topics.TENANT_POLICIES.name(), Topics.TENANT_POLICIES.partitions());
  }

  /**
   * Waits until a policy was published after {@code before} was read and the policy service has
   * consumed the policies topic up to its end, so a request sent afterwards is decided under it.
   */
  public void awaitPolicyConsumed(Map<TopicPartition, Long> before, String tenant) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    try (Admin admin = admin()) {
      while (true) {
        assertServicesAlive();
        Map<TopicPartition, Long> ends = policyEnds(admin);
        if (!ends.equals(before)
            && ConsumerGroupProgress.hasCommittedUpTo(admin, policyIntakeGroupId(), ends)) {
          return;
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "the policy service did not consume the policy of "
                  + tenant
                  + " within 60 s\n"
                  + service(POLICY).tail(40));
        }
        ChildProcess.pause(Duration.ofMillis(100));
      }
    }
  }

  private Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.harnessBootstrapServers()));
  }

  /** Fails with the service's output when one of them has died. */
  public void assertServicesAlive() {
    for (ServiceProcess service : services) {
      if (!service.isAlive()) {
        throw new IllegalStateException(service.name() + " died\n" + service.tail(80));
      }
    }
  }

  /** The tail of every service's output, for failure messages. */
  public String logs() {
    return services.stream().map(s -> s.tail(40)).collect(Collectors.joining("\n"));
  }

  /** Stops every service: SIGTERM to all at once, then waits (SIGKILL after 15 s each). */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    services.reversed().forEach(ServiceProcess::terminate);
    services.reversed().forEach(ServiceProcess::close);
  }
}
