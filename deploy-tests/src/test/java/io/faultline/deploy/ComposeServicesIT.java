package io.faultline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.events.client.ConsumerGroupProgress;
import io.faultline.events.topics.Topics;
import io.faultline.local.SchedulerApi;
import io.faultline.local.ServiceProcess;
import io.faultline.testsupport.LoopbackPorts;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What docker-compose would run, without Docker: the three boot jars started with exactly the
 * environment {@code docker-compose.yml} gives each container (only compose's host names and
 * container paths swapped for this machine's broker, moto and key directory, the tracing exporter
 * off), the compose healthcheck command run against each, the demo's one-shot jobs run as compose
 * runs them ({@code deploy/compose/faultline-demo.py platform-key}, {@code seed}, {@code token}),
 * and then a fault through the scheduler's API that must end {@code COMPLETED}. A binding that the
 * services do not know (a misspelt variable) or a demo the API refuses fails here.
 */
class ComposeServicesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<ServiceProcess> STARTED = new ArrayList<>();

  @AfterAll
  static void stopServices() {
    STARTED.reversed().forEach(ServiceProcess::terminate);
    STARTED.reversed().forEach(ServiceProcess::close);
  }

  @Test
  void theServicesRunOnComposesEnvironmentAndTheDemoTenantRunsAFault() throws Exception {
    ComposeFile compose = ComposeFile.read();
    TestKafka.createTopics(Topics.all().stream().map(t -> t.newTopic((short) 1)).toList());
    String bootstrap = TestKafka.bootstrapServers();
    MotoServer moto = MotoServer.shared();
    Path work =
        Repository.BUILD.resolve("compose-it/" + UUID.randomUUID().toString().substring(0, 8));
    Path keys = work.resolve("keys");
    Files.createDirectories(keys);

    // compose's one-shot platform-key job, its arguments as compose passes them.
    Map<String, String> where = new LinkedHashMap<>();
    where.put("kafka:29092", bootstrap);
    where.put("http://moto:5000", moto.endpoint().toString());
    where.put("/keys", keys.toString());
    demo(compose, "platform-key", where, compose.list("platform-key", "entrypoint").subList(2, 4));
    assertThat(keys.resolve("scheduler-signing.pem")).isReadable();

    Map<String, Integer> ports = new HashMap<>();
    Map<String, Integer> managementPorts = new HashMap<>();
    for (String service : ComposeFileTest.SERVICES) {
      int port = LoopbackPorts.free();
      int management = LoopbackPorts.free();
      ports.put(service, port);
      managementPorts.put(service, management);
      Map<String, String> env = translated(compose.environment(service), where);
      // The image sets these (deploy/docker/Dockerfile: 9090 for management); here free ports.
      env.put("SERVER_PORT", String.valueOf(port));
      env.put("MANAGEMENT_SERVER_PORT", String.valueOf(management));
      env.put("HOSTNAME", service + "-compose-it");
      // No Zipkin here: the exporter's settings are checked by ComposeFileTest.
      env.put("OTEL_TRACES_EXPORTER", "none");
      STARTED.add(
          ServiceProcess.start(
              service,
              Repository.path(
                  service
                      + "/target/"
                      + service
                      + "-"
                      + System.getProperty("faultline.version")
                      + ".jar"),
              port,
              management,
              List.of(),
              env,
              work));
    }
    for (ServiceProcess service : STARTED) {
      service.awaitHealthy(Duration.ofSeconds(180));
      String healthcheck =
          compose
              .healthcheck(service.name())
              .replace("/9090 ", "/" + managementPorts.get(service.name()) + " ");
      await("compose's healthcheck of " + service.name())
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  exitCode(List.of("bash", "-c", healthcheck.substring("bash -c ".length()))) == 0);
    }

    // compose's demo job, twice: a second run (compose restarted) changes nothing.
    String scheduler = "http://127.0.0.1:" + ports.get("scheduler-service");
    where.put("http://localhost:8080", scheduler);
    List<String> seed = compose.list("demo", "command");
    String first = demo(compose, "demo", where, seed);
    String second = demo(compose, "demo", where, seed);
    assertThat(instancesLine(first, "app=checkout"))
        .hasSize(2)
        .isEqualTo(instancesLine(second, "app=checkout"));
    assertThat(instancesLine(first, "app=payments"))
        .hasSize(1)
        .isEqualTo(instancesLine(second, "app=payments"));

    // The token the README's command prints works for the tenant's API.
    String token = demo(compose, "demo", where, List.of("token", "viewer")).strip();
    JsonNode policy = get(scheduler + "/api/v1/tenants/demo/policy", token);
    assertThat(policy.path("accounts").get(0).path("accountId").asText()).isEqualTo("123456789012");
    assertThat(policy.path("allowedFaultTypes").toString()).contains("ec2-process-kill");

    awaitPolicyConsumed(bootstrap);
    SchedulerApi api = SchedulerApi.admin(URI.create(scheduler), "demo", "compose-it");
    String experiment =
        api.createExperiment(
            Map.of(
                "name", "checkout loses a process",
                "faultType", "ec2-process-kill",
                "hypothesis", "checkout keeps serving",
                "parameters",
                    Map.of(
                        "PROCESS_IDS",
                        "4242",
                        "EC2_INSTANCE_TAG",
                        "app:checkout",
                        "INSTANCE_AFFECTED_PERC",
                        100,
                        "TOTAL_CHAOS_DURATION",
                        5),
                "targets", List.of(Map.of("accountId", "123456789012", "region", "eu-west-1"))));
    String runId = api.runNow(experiment, null);
    JsonNode run =
        await("run " + runId)
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            // "Run now" answers before the engine has applied the run: 404 until it has.
            .ignoreExceptionsMatching(e -> String.valueOf(e.getMessage()).contains("answered 404"))
            .until(
                () -> api.run(runId),
                r -> r.path("status").asText().matches("COMPLETED|FAILED|ABORTED"));
    assertThat(run.path("status").asText()).as("run %s", run).isEqualTo("COMPLETED");
    JsonNode fault = run.path("faults").get(0);
    assertThat(fault.path("stage").asText()).isEqualTo("COMPLETED");
    assertThat(fault.path("detail").asText()).contains("2 targets");
    assertThat(
            StreamSupport.stream(run.path("timeline").spliterator(), false)
                .map(e -> e.path("stage").asText()))
        .as(
            "signed by the platform key and approved, then run against moto without the SSM pre-check")
        .contains("APPROVED", "STARTED", "INJECTED", "COMPLETED");
  }

  /** Runs the demo script as compose's {@code service} job does, with its environment. */
  private static String demo(
      ComposeFile compose, String service, Map<String, String> where, List<String> args)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of("python3", Repository.path("deploy/compose/faultline-demo.py").toString()));
    command.addAll(args.stream().map(a -> translate(a, where)).toList());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(translated(compose.environment(service), where));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    return output;
  }

  private static List<String> instancesLine(String output, String tag) {
    String line =
        output
            .lines()
            .filter(l -> l.endsWith("(" + tag + ")"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no instances of " + tag + " in\n" + output));
    String ids = line.substring(line.lastIndexOf(": ") + 2, line.lastIndexOf(" ("));
    return List.of(ids.split(" "));
  }

  private static Map<String, String> translated(
      Map<String, String> environment, Map<String, String> where) {
    Map<String, String> env = new LinkedHashMap<>();
    environment.forEach((k, v) -> env.put(k, translate(v, where)));
    return env;
  }

  private static String translate(String value, Map<String, String> where) {
    String result = value;
    for (Map.Entry<String, String> e : where.entrySet()) {
      result = result.replace(e.getKey(), e.getValue());
    }
    return result;
  }

  /** The policy service's intake group (compose's default application id) has read the policy. */
  private static void awaitPolicyConsumed(String bootstrap) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      await("the policy service read the demo policy")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                Map<TopicPartition, Long> ends =
                    ConsumerGroupProgress.endOffsets(
                        admin, Topics.TENANT_POLICIES.name(), Topics.TENANT_POLICIES.partitions());
                return ends.values().stream().anyMatch(o -> o > 0)
                    && ConsumerGroupProgress.hasCommittedUpTo(
                        admin, "faultline-policy-intake", ends);
              });
    }
  }

  private static JsonNode get(String url, String token) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url))
                    .header("authorization", "Bearer " + token)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static int exitCode(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }
}
