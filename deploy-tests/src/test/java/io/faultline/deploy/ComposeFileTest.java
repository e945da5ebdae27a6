package io.faultline.deploy;

import static io.faultline.deploy.Rendered.get;
import static io.faultline.deploy.Rendered.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code docker-compose.yml} checked without a Docker engine: Compose itself parses it ({@code
 * docker-compose config}), and the settings the services need on one broker and moto are read from
 * it and held equal to what the images (the Dockerfile, and the Jib images the chart runs) declare.
 */
class ComposeFileTest {
  static final List<String> SERVICES =
      List.of("policy-service", "executor-service", "scheduler-service");
  private static final ComposeFile COMPOSE = ComposeFile.read();
  private static final ServiceDockerfile DOCKERFILE = ServiceDockerfile.read();

  @Test
  void composeItselfAcceptsTheFile() throws Exception {
    // Debian's docker-compose (1.29) or Docker's Compose plugin: `config -q` validates the file
    // against the Compose schema (keys, depends_on conditions, healthchecks) without an engine.
    String output = run(composeCommand("config", "-q"));
    assertThat(output).isEmpty();
  }

  @Test
  void everyClientReachesKafkaOnTheInternalListenerAndTheHostOnLocalhost() {
    Map<String, String> kafka = COMPOSE.environment("kafka");
    assertThat(kafka)
        .containsEntry("KAFKA_LISTENERS", "INTERNAL://:29092,HOST://:9092,CONTROLLER://:9093")
        .containsEntry("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://kafka:29092,HOST://localhost:9092")
        .containsEntry("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL")
        .containsEntry("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER");
    assertThat(kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").split(","))
        .containsExactlyInAnyOrder("INTERNAL:PLAINTEXT", "HOST:PLAINTEXT", "CONTROLLER:PLAINTEXT");
    // Host clients (kcat) connect to localhost:9092 and are told localhost:9092 again.
    assertThat(COMPOSE.ports("kafka")).containsExactly("9092:9092");

    for (String service : SERVICES) {
      assertThat(COMPOSE.environment(service))
          .as(service)
          .containsEntry("SPRING_KAFKA_BOOTSTRAPSERVERS", "kafka:29092");
    }
    assertThat(COMPOSE.environment("topics")).containsEntry("BOOTSTRAP", "kafka:29092");
    assertThat(COMPOSE.healthcheck("kafka")).contains("--bootstrap-server kafka:29092");
  }

  @Test
  void oneBrokerMeansOneReplicaEverywhere() {
    Map<String, String> kafka = COMPOSE.environment("kafka");
    assertThat(kafka)
        .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "1")
        .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
        .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
        .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
    assertThat(COMPOSE.environment("topics")).containsEntry("REPLICATION", "1");
    // Every topic of the catalogue takes the script's REPLICATION.
    String script = Repository.read("deploy/topics/create-topics.sh");
    long creates = script.lines().filter(l -> l.startsWith("kafka-topics.sh")).count();
    assertThat(creates).isPositive();
    assertThat(script.lines().filter(l -> l.contains("--replication-factor \"$REPLICATION\"")))
        .hasSize((int) creates);
    // The policy service's own topics (Streams changelogs, admission log) default to 3.
    assertThat(COMPOSE.environment("policy-service"))
        .containsEntry("FAULTLINE_POLICY_REPLICATIONFACTOR", "1");
    // The topics job made every topic; the scheduler creates none (as on a secured cluster).
    assertThat(COMPOSE.environment("scheduler-service"))
        .containsEntry("FAULTLINE_SCHEDULER_CREATETOPICS", "false");
  }

  @Test
  void theSsmOnlinePreCheckIsSkippedOnlyAgainstMoto() {
    Map<String, String> executor = COMPOSE.environment("executor-service");
    assertThat(executor)
        .containsEntry("FAULTLINE_EXECUTOR_PRECHECK_SSMONLINE", "skip")
        .containsEntry("FAULTLINE_EXECUTOR_AWS_ENDPOINT", "http://moto:5000");
    assertThat(COMPOSE.service("moto").get("image").toString()).startsWith("motoserver/moto:");
    assertThat(COMPOSE.ports("moto")).containsExactly("5000:5000");
    for (String service : COMPOSE.services().keySet()) {
      if (!service.equals("executor-service")) {
        assertThat(COMPOSE.environment(service))
            .as(service)
            .doesNotContainKey("FAULTLINE_EXECUTOR_PRECHECK_SSMONLINE");
      }
    }
    // Real AWS (the chart) keeps the default, enforce.
    try (Stream<java.nio.file.Path> files = Files.walk(Repository.CHART)) {
      files
          .filter(Files::isRegularFile)
          .forEach(f -> assertThat(read(f)).as(f.toString()).doesNotContainPattern("ssm-?online"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void everythingStartsInOrderOnceWhatItNeedsIsHealthy() {
    for (String service :
        List.of("kafka", "moto", "policy-service", "executor-service", "scheduler-service")) {
      assertThat(COMPOSE.healthcheck(service)).as(service + " healthcheck").isNotBlank();
    }
    assertThat(COMPOSE.dependsOn("topics")).containsExactly(Map.entry("kafka", "service_healthy"));
    for (String service : SERVICES) {
      assertThat(COMPOSE.dependsOn(service))
          .as(service)
          .containsEntry("topics", "service_completed_successfully");
    }
    assertThat(COMPOSE.dependsOn("executor-service")).containsEntry("moto", "service_healthy");
    assertThat(COMPOSE.dependsOn("scheduler-service"))
        .containsEntry("platform-key", "service_completed_successfully");
    assertThat(COMPOSE.dependsOn("policy-service"))
        .containsEntry("platform-key", "service_completed_successfully");
    // The demo is seeded once every service is ready (the policy service reads the policy, the
    // executor runs the first fault).
    assertThat(COMPOSE.dependsOn("demo"))
        .containsEntry("scheduler-service", "service_healthy")
        .containsEntry("policy-service", "service_healthy")
        .containsEntry("executor-service", "service_healthy")
        .containsEntry("moto", "service_healthy");
    // Every dependency names its condition (the short form only waits for the start).
    for (String service : COMPOSE.services().keySet()) {
      assertThat(COMPOSE.dependsOn(service).values()).as(service).doesNotContain("none");
    }
    for (String job : List.of("topics", "platform-key", "demo")) {
      assertThat(COMPOSE.service(job).get("restart")).as(job).isEqualTo("no");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"policy-service", "executor-service", "scheduler-service"})
  void eachServiceRunsLikeItsJibImage(String service) {
    JibImage jib = JibImage.of(service);
    String apiPort = jib.environment().get("SERVER_PORT");
    String managementPort = jib.environment().get("MANAGEMENT_SERVER_PORT");

    assertThat(get(COMPOSE.service(service), "build.dockerfile")).isEqualTo(ServiceDockerfile.PATH);
    assertThat(get(COMPOSE.service(service), "build.context")).isEqualTo(".");
    assertThat(String.valueOf(get(COMPOSE.service(service), "build.args.SERVICE")))
        .isEqualTo(service);
    assertThat(String.valueOf(get(COMPOSE.service(service), "build.args.API_PORT")))
        .isEqualTo(apiPort);
    assertThat(COMPOSE.ports(service)).containsExactly(apiPort + ":" + apiPort);

    // The healthcheck asks the readiness group on the management port, as the chart's probe does.
    assertThat(COMPOSE.healthcheck(service))
        .contains("/dev/tcp/127.0.0.1/" + managementPort + " ")
        .contains("GET /actuator/health/readiness ");
    // Prometheus scrapes the management port, job = service name (the dashboard groups by it).
    Map<String, Object> prometheus = yaml(Repository.read("deploy/prometheus/prometheus.yml"));
    assertThat(scrapeTargets(prometheus, service)).containsExactly(service + ":" + managementPort);
  }

  @Test
  void theDockerfileDeclaresWhatTheJibImagesDo() {
    JibImage jib = JibImage.of("policy-service");
    assertThat(DOCKERFILE.runBase()).isEqualTo(jib.baseImage());
    // The build runs on the JDK of the same Temurin release.
    assertThat(DOCKERFILE.buildBase()).isEqualTo(jib.baseImage().replace("-jre-", "-jdk-"));
    assertThat(DOCKERFILE.user()).isEqualTo(jib.user());
    assertThat(DOCKERFILE.environment())
        .containsEntry("SERVER_PORT", "${API_PORT}")
        .containsEntry("MANAGEMENT_SERVER_PORT", jib.environment().get("MANAGEMENT_SERVER_PORT"));
    assertThat(DOCKERFILE.exposed())
        .containsExactly("${API_PORT}", jib.environment().get("MANAGEMENT_SERVER_PORT"));
    List<String> expected = new ArrayList<>(List.of("java"));
    expected.addAll(jib.jvmFlags());
    expected.addAll(List.of("-jar", "/app/app.jar"));
    assertThat(DOCKERFILE.entrypoint()).containsExactlyElementsOf(expected);
    assertThat(DOCKERFILE.buildCommand())
        .contains("-pl " + String.join(",", SERVICES) + " -am package")
        .contains("-DskipTests");
  }

  @Test
  void theDemoPolicyAllowsEveryFaultOfTheCatalogue() throws IOException {
    String demo =
        Files.readString(
            Repository.ROOT.resolve("deploy/compose/faultline-demo.py"), StandardCharsets.UTF_8);
    java.util.regex.Matcher list =
        java.util.regex.Pattern.compile("\"allowedFaultTypes\": \\[([^\\]]*)\\]").matcher(demo);
    assertThat(list.find()).as("allowedFaultTypes in faultline-demo.py").isTrue();
    List<String> allowed = new ArrayList<>();
    java.util.regex.Matcher type =
        java.util.regex.Pattern.compile("\"([a-z0-9-]+)\"").matcher(list.group(1));
    while (type.find()) {
      allowed.add(type.group(1));
    }
    assertThat(allowed)
        .containsExactlyInAnyOrderElementsOf(
            io.faultline.events.catalogue.FaultCatalogue.standard().types().stream()
                .map(io.faultline.events.ids.FaultType::value)
                .toList());
  }

  @Test
  void theDemoAndThePlatformKeyAreWiredToTheServices() {
    Map<String, Object> demo = COMPOSE.service("demo");
    // /dev/tokens answers loopback callers only: the demo job shares the scheduler's network.
    assertThat(demo.get("network_mode")).isEqualTo("service:scheduler-service");
    String schedulerPort = JibImage.of("scheduler-service").environment().get("SERVER_PORT");
    Map<String, String> demoEnv = COMPOSE.environment("demo");
    assertThat(demoEnv)
        .containsEntry("SCHEDULER_URL", "http://localhost:" + schedulerPort)
        .containsEntry(
            "MOTO_ENDPOINT",
            COMPOSE.environment("executor-service").get("FAULTLINE_EXECUTOR_AWS_ENDPOINT"))
        .containsEntry("REGION", COMPOSE.environment("executor-service").get("AWS_REGION"));
    assertThat(COMPOSE.list("demo", "entrypoint"))
        .containsExactly("python3", "/demo/faultline-demo.py");
    assertThat(COMPOSE.list("demo", "command")).containsExactly("seed");
    assertThat(COMPOSE.list("demo", "volumes")).containsExactly("./deploy/compose:/demo:ro");

    // The scheduler signs with the key the platform-key job writes; the policy trusts its public
    // half
    // under the same key id.
    assertThat(COMPOSE.list("platform-key", "entrypoint"))
        .containsExactly("python3", "/demo/faultline-demo.py", "platform-key", "/keys");
    Map<String, String> scheduler = COMPOSE.environment("scheduler-service");
    assertThat(scheduler)
        .containsEntry("FAULTLINE_SCHEDULER_SIGNING_PRIVATEKEYFILE", "/keys/scheduler-signing.pem");
    String keyId = scheduler.get("FAULTLINE_SCHEDULER_SIGNING_KEYID");
    assertThat(COMPOSE.environment("policy-service"))
        .containsEntry(
            "FAULTLINE_POLICY_SIGNATURES_PLATFORMKEYS_" + keyId.toUpperCase(java.util.Locale.ROOT),
            "/keys/scheduler-signing.pub.pem");
    assertThat(COMPOSE.list("scheduler-service", "volumes"))
        .containsExactly("platform-key:/keys:ro");
    assertThat(COMPOSE.list("policy-service", "volumes")).containsExactly("platform-key:/keys:ro");
  }

  @Test
  void developmentOnlySettingsStayInTheDevelopmentFile() {
    assertThat(COMPOSE.environment("scheduler-service"))
        .containsEntry("SPRING_PROFILES_ACTIVE", "local");
    for (String service : COMPOSE.services().keySet()) {
      if (!service.equals("scheduler-service")) {
        assertThat(COMPOSE.environment(service))
            .as(service)
            .doesNotContainKey("SPRING_PROFILES_ACTIVE");
      }
    }
    assertThat(COMPOSE.text()).contains("DEVELOPMENT ONLY");
    // The chart never turns development tokens on.
    assertThat(Repository.read("deploy/helm/faultline/values.yaml")).doesNotContain("dev-tokens");
  }

  @Test
  void everyMountedFileIsInTheRepositoryAndTheScriptsParse() throws Exception {
    for (String service : COMPOSE.services().keySet()) {
      for (String volume : COMPOSE.list(service, "volumes")) {
        if (volume.startsWith("./")) {
          String source = volume.substring(2, volume.indexOf(':'));
          assertThat(Repository.path(source)).as(service + " mounts " + source).exists();
        }
      }
    }
    run(List.of("bash", "-n", Repository.path("deploy/topics/create-topics.sh").toString()));
    run(
        List.of(
            "python3",
            "-c",
            "import ast,sys; ast.parse(open(sys.argv[1]).read())",
            Repository.path("deploy/compose/faultline-demo.py").toString()));
  }

  private static List<String> scrapeTargets(Map<String, Object> prometheus, String job) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> configs =
        (List<Map<String, Object>>) prometheus.get("scrape_configs");
    return configs.stream()
        .filter(c -> job.equals(c.get("job_name")))
        .peek(c -> assertThat(c.get("metrics_path")).isEqualTo("/actuator/prometheus"))
        .flatMap(
            c ->
                ((List<?>) get(((List<?>) c.get("static_configs")).getFirst(), "targets")).stream())
        .map(String::valueOf)
        .toList();
  }

  /** Debian's {@code docker-compose}, else Docker's Compose plugin ({@code docker compose}). */
  static List<String> composeCommand(String... args) {
    List<String> command = new ArrayList<>();
    if (works(List.of("docker-compose", "version"))) {
      command.add("docker-compose");
    } else if (works(List.of("docker", "compose", "version"))) {
      command.addAll(List.of("docker", "compose"));
    } else {
      throw new AssertionError(
          "docker-compose is required (Debian: apt-get install docker-compose; .ci/run installs it)");
    }
    command.addAll(List.of("-f", Repository.path("docker-compose.yml").toString()));
    command.addAll(List.of(args));
    return command;
  }

  private static boolean works(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String run(List<String> command) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .directory(Repository.ROOT.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    return output;
  }

  private static String read(java.nio.file.Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
