package io.faultline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import io.faultline.events.LifecycleTap;
import io.faultline.events.TopicTap;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.signing.PemKeys;
import io.faultline.events.topics.Topics;
import io.faultline.local.SchedulerApi;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code faultline} CLI's jar, run as a process through its wrapper script, against the real
 * platform (the three services from their boot jars, a real broker, moto): the CI examples' gate
 * line, a refused run, the event stream, publish, halt and resume, and the safety loop through the
 * gate — a run whose CloudWatch alarm stays OK is held (exit 0), one whose alarm goes off mid-hold
 * is aborted and refuted (exit 1). One platform for all of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CLI_TIMEOUT = Duration.ofMinutes(3);
  private static final Pattern RUN_ID = Pattern.compile("run (run-[0-9a-f]+) started");
  private static final String CLIENT_ID = "ci-bot";
  private static final String CLIENT_SECRET = "ci-bot-s3cret";

  private static Platform platform;
  private static LifecycleTap lifecycle;
  private static E2eTenant tenant;
  private static SchedulerApi api;
  private static String experimentId;
  private static HttpServer tokenEndpoint;

  @TempDir static Path dir;

  @BeforeAll
  static void startPlatform() throws Exception {
    CliProcess.cliDir();
    platform = Platform.start();
    lifecycle = new LifecycleTap(platform.bootstrapServers());
    tenant = E2eTenant.create("cli");
    api = registered(tenant);
    experimentId = api.createExperiment(experiment(tenant));
    tokenEndpoint = tokenEndpoint(api.token());
  }

  @AfterAll
  static void stopPlatform() {
    if (tokenEndpoint != null) {
      tokenEndpoint.stop(0);
    }
    if (lifecycle != null) {
      lifecycle.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void theCiExamplesGateOnTheVerdictAndARunWithoutProbesIsInconclusive() throws Exception {
    List<String> github = CiExamples.githubActions();
    List<String> gitlab = CiExamples.gitlabCi();
    assertThat(github).as("faultline lines of docs/ci/github-actions.yml").hasSize(1);
    assertThat(gitlab).as("the same invocation in both examples").isEqualTo(github);

    // The example's line, verbatim, in bash: its variables as the CI job sets them, the token
    // from OAuth2 client credentials (a loopback token endpoint handing out a development token).
    CliProcess gate =
        CliProcess.shell(
            Map.of(
                "FAULTLINE_URL",
                platform.schedulerUri().toString(),
                "FAULTLINE_TENANT",
                tenant.tenantId().value(),
                "FAULTLINE_EXPERIMENT",
                experimentId,
                "FAULTLINE_TOKEN_URL",
                tokenUrl(),
                "FAULTLINE_CLIENT_ID",
                CLIENT_ID,
                "FAULTLINE_CLIENT_SECRET",
                CLIENT_SECRET),
            github.get(0));
    int exit = gate.await(CLI_TIMEOUT);

    assertThat(exit).as(gate.transcript() + platform.logs()).isEqualTo(2);
    String runId = runIdOf(gate.out());
    assertThat(gate.out())
        .contains("run " + runId + " started (experiment " + experimentId)
        .contains("wave 1/1")
        .contains(
            "fault " + runId + ".w0.t0 " + tenant.account().accountId() + "/eu-west-1: COMPLETED")
        // Without the platform's verdicts (issue 15) the run ends without one; with them, a run
        // without steady-state probes is INCONCLUSIVE: exit 2 either way.
        .containsPattern(
            "run "
                + runId
                + " ended COMPLETED(: verdict INCONCLUSIVE| without a verdict: treated as"
                + " INCONCLUSIVE)");
    assertThat(gate.out() + gate.err()).doesNotContain(api.token()).doesNotContain(CLIENT_SECRET);
    assertThat(api.run(runId).path("status").asText()).isEqualTo("COMPLETED");
  }

  @Test
  @Order(2)
  void aRunOfAnUnknownExperimentIsRefusedWithTheProblem() {
    CliProcess run =
        CliProcess.start(
            tokenEnv(api.token()),
            "run",
            "no-such-experiment",
            "--tenant",
            tenant.tenantId().value(),
            "--wait");
    assertThat(run.await(CLI_TIMEOUT)).as(run.transcript()).isEqualTo(3);
    assertThat(run.err())
        .contains("starting a run of experiment no-such-experiment was refused: 404 Not found")
        .contains("no experiment no-such-experiment");
    assertThat(run.out()).isEmpty();
  }

  @Test
  @Order(3)
  void aRunStillGoingAtTheTimeoutExits4AndIsAbortedWhenAsked() {
    Map<String, Object> longer = new HashMap<>(experiment(tenant));
    Map<String, String> parameters =
        new HashMap<>(tenant.processKill("unused").parameters().asMap());
    parameters.put("TOTAL_CHAOS_DURATION", "120");
    longer.put("parameters", parameters);
    longer.put("name", "cli timeout");
    String longExperiment = api.createExperiment(longer);

    CliProcess run =
        CliProcess.start(
            tokenEnv(api.token()),
            "run",
            longExperiment,
            "--tenant",
            tenant.tenantId().value(),
            "--wait",
            "--timeout",
            "3s",
            "--poll-interval",
            "500ms",
            "--abort-on-timeout");

    assertThat(run.await(CLI_TIMEOUT)).as(run.transcript()).isEqualTo(4);
    String runId = runIdOf(run.out());
    assertThat(run.out())
        .contains("timed out after 3s waiting for run " + runId + " to end; the run was aborted");
    await("the run aborted")
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              JsonNode aborted = api.run(runId);
              assertThat(aborted.path("status").asText()).as("%s", aborted).isEqualTo("ABORTED");
              assertThat(aborted.path("stopReason").asText())
                  .contains("faultline run --wait timed out after 3s");
            });
    // Its fault is rolled back, not left running for two minutes.
    assertThat(lifecycle.awaitTerminal(runId + ".w0.t0", Duration.ofSeconds(90)).stage())
        .isEqualTo(LifecycleStage.ABORTED);
  }

  @Test
  @Order(4)
  void aTokenThePlatformDoesNotAcceptExits77() {
    CliProcess halt =
        CliProcess.start(
            tokenEnv("not-a-token-of-this-platform"),
            "halt",
            "--tenant",
            tenant.tenantId().value());
    assertThat(halt.await(CLI_TIMEOUT)).as(halt.transcript()).isEqualTo(77);
    assertThat(halt.err()).contains("401").contains("the token was not accepted");
    assertThat(halt.err()).doesNotContain("not-a-token-of-this-platform");
  }

  @Test
  @Order(5)
  void eventsFollowPrintsTheLifecycleOfARun() throws Exception {
    try (CliProcess follower =
        CliProcess.start(
            tokenEnv(api.token()), "events", "--tenant", tenant.tenantId().value(), "--follow")) {
      // The stream is live: start the run only once the follower is connected.
      await("the follower connected")
          .atMost(Duration.ofSeconds(60))
          .until(() -> follower.err().contains("following events of tenant"));

      CliProcess run =
          CliProcess.start(
              tokenEnv(api.token()),
              "run",
              experimentId,
              "--tenant",
              tenant.tenantId().value(),
              "--output",
              "json");
      assertThat(run.await(CLI_TIMEOUT)).as(run.transcript()).isZero();
      JsonNode started = JSON.readTree(run.out().strip());
      assertThat(started.path("event").asText()).isEqualTo("started");
      String runId = started.path("runId").asText();
      String faultId = runId + ".w0.t0";

      await("the follower printed the run's fault to its end")
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () ->
                  assertThat(follower.out())
                      .as(follower.transcript())
                      .containsPattern("COMPLETED +fault=" + Pattern.quote(faultId)));
      List<String> stages =
          follower
              .out()
              .lines()
              .filter(l -> l.contains("fault=" + faultId + " "))
              .map(l -> l.split(" +")[1])
              .toList();
      assertThat(stages).containsSubsequence("APPROVED", "STARTED", "INJECTED", "COMPLETED");
      assertThat(follower.out())
          .contains(
              "fault="
                  + faultId
                  + " run="
                  + runId
                  + " type=ec2-process-kill "
                  + tenant.account().accountId()
                  + "/eu-west-1");
    }
  }

  @Test
  @Order(6)
  void publishOfASignedRequestIsDecidedAndRuns() throws Exception {
    Path request =
        Files.writeString(
            dir.resolve("request.json"),
            Json.mapper()
                .writeValueAsString(
                    Map.of(
                        "tenantId", tenant.tenantId().value(),
                        "faultType", "ec2-process-kill",
                        "accountId", tenant.account().accountId(),
                        "region", Platform.REGION,
                        "parameters",
                            Map.of(
                                "PROCESS_IDS",
                                "4242",
                                "EC2_INSTANCE_ID",
                                tenant.instanceId(),
                                "TOTAL_CHAOS_DURATION",
                                1,
                                "RAMP_TIME",
                                0))));
    Path key =
        Files.writeString(
            dir.resolve("publisher.pem"),
            PemKeys.pem("PRIVATE KEY", tenant.publisherKey().getPrivate().getEncoded()));
    Map<String, String> env = new HashMap<>();
    env.put("FAULTLINE_KAFKA_BOOTSTRAP", platform.bootstrapServers());
    env.put("FAULTLINE_SIGNING_KEY", key.toString());
    env.put("FAULTLINE_SIGNING_KEY_ID", E2eTenant.KEY_ID);

    CliProcess publish =
        CliProcess.start(env, "publish", "--file", request.toString(), "--reason", "cli e2e");
    assertThat(publish.await(CLI_TIMEOUT)).as(publish.transcript()).isZero();
    String faultId = publish.out().strip();
    assertThat(faultId).startsWith("cli-");
    assertThat(publish.err())
        .contains("signed with " + tenant.tenantId().value() + "/" + E2eTenant.KEY_ID);

    // The tenant requires signed requests (the default): decided means the signature verified.
    assertThat(lifecycle.awaitStage(faultId, LifecycleStage.APPROVED, Duration.ofSeconds(60)))
        .isNotNull();
    assertThat(lifecycle.awaitTerminal(faultId, Duration.ofSeconds(90)).stage())
        .isEqualTo(LifecycleStage.COMPLETED);
  }

  @Test
  @Order(7)
  void haltAndResumeATenantAndThePlatform() throws Exception {
    String tenantId = tenant.tenantId().value();
    try (TopicTap<FaultControl> controls =
        new TopicTap<>(platform.bootstrapServers(), Topics.FAULT_CONTROLS)) {
      CliProcess halt =
          CliProcess.start(
              tokenEnv(api.token()), "halt", "--tenant", tenantId, "--reason", "cli game day");
      assertThat(halt.await(CLI_TIMEOUT)).as(halt.transcript()).isZero();
      assertThat(halt.out()).startsWith("HALT_TENANT published for tenant " + tenantId);
      CliProcess resume =
          CliProcess.start(tokenEnv(api.token()), "resume", "--tenant", tenantId, "-o", "json");
      assertThat(resume.await(CLI_TIMEOUT)).as(resume.transcript()).isZero();
      assertThat(JSON.readTree(resume.out()).path("action").asText()).isEqualTo("RESUME_TENANT");

      // Another tenant's switch is not this token's.
      CliProcess foreign =
          CliProcess.start(tokenEnv(api.token()), "halt", "--tenant", "someone-else");
      assertThat(foreign.await(CLI_TIMEOUT)).as(foreign.transcript()).isEqualTo(77);
      assertThat(foreign.err()).contains("403");

      String platformToken = platformAdminToken();
      Path tokenFile = Files.writeString(dir.resolve("platform-token"), platformToken + "\n");
      CliProcess haltAll =
          CliProcess.start(
              Map.of("FAULTLINE_URL", platform.schedulerUri().toString()),
              "halt",
              "--platform",
              "--token-file",
              tokenFile.toString(),
              "--reason",
              "cli platform halt");
      assertThat(haltAll.await(CLI_TIMEOUT)).as(haltAll.transcript()).isZero();
      assertThat(haltAll.out()).startsWith("HALT_PLATFORM published for the platform");
      CliProcess resumeAll =
          CliProcess.start(
              Map.of("FAULTLINE_URL", platform.schedulerUri().toString()),
              "resume",
              "--platform",
              "--token-file",
              tokenFile.toString());
      assertThat(resumeAll.await(CLI_TIMEOUT)).as(resumeAll.transcript()).isZero();

      await("the four controls on the controls topic")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                List<FaultControl> seen =
                    controls.read(
                        c -> c.tenantId() == null || c.tenantId().value().equals(tenantId));
                assertThat(seen)
                    .extracting(FaultControl::action, FaultControl::reason)
                    .contains(
                        org.assertj.core.groups.Tuple.tuple(
                            ControlAction.HALT_TENANT, "cli game day"),
                        org.assertj.core.groups.Tuple.tuple(ControlAction.RESUME_TENANT, null),
                        org.assertj.core.groups.Tuple.tuple(
                            ControlAction.HALT_PLATFORM, "cli platform halt"),
                        org.assertj.core.groups.Tuple.tuple(ControlAction.RESUME_PLATFORM, null));
              });
    }
  }

  @Test
  @Order(8)
  void aRunWhoseAlarmStaysOkIsHeldAndTheGateOpens() throws Exception {
    E2eTenant watched = E2eTenant.create("cli-held");
    SchedulerApi watchedApi = registered(watched);
    String alarm = "checkout-errors-" + watched.tenantId().value();
    MotoAlarms.set(watched.account(), alarm, "OK");
    String experiment =
        watchedApi.createExperiment(experimentWatching(watched, alarm, "cli held", 1));

    CliProcess gate =
        CliProcess.start(
            tokenEnv(watchedApi.token()),
            "run",
            experiment,
            "--tenant",
            watched.tenantId().value(),
            "--wait",
            "--timeout",
            "3m");

    assertThat(gate.await(CLI_TIMEOUT)).as(gate.transcript() + platform.logs()).isZero();
    String runId = runIdOf(gate.out());
    assertThat(gate.out()).contains("verdict HYPOTHESIS_HELD");
    JsonNode run = watchedApi.run(runId);
    assertThat(run.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(run.path("verdict").asText()).isEqualTo("HYPOTHESIS_HELD");
    // The executors' readings of the alarm (steady state before and after, stop condition
    // during) are on the run and in its report.
    JsonNode report =
        get(
            "/api/v1/tenants/" + watched.tenantId().value() + "/runs/" + runId + "/report",
            watchedApi.token());
    assertThat(report.path("verdict").asText()).isEqualTo("HYPOTHESIS_HELD");
    assertThat(report.path("readings").size()).isGreaterThanOrEqualTo(2);
  }

  @Test
  @Order(9)
  void anAlarmGoingOffMidHoldAbortsTheRunRefutesTheHypothesisAndClosesTheGate() throws Exception {
    E2eTenant watched = E2eTenant.create("cli-refuted");
    SchedulerApi watchedApi = registered(watched);
    String alarm = "checkout-errors-" + watched.tenantId().value();
    MotoAlarms.set(watched.account(), alarm, "OK");
    String experiment =
        watchedApi.createExperiment(experimentWatching(watched, alarm, "cli refuted", 120));

    CliProcess gate =
        CliProcess.start(
            tokenEnv(watchedApi.token()),
            "run",
            experiment,
            "--tenant",
            watched.tenantId().value(),
            "--wait",
            "--timeout",
            "3m");
    await("the run id on the CLI's output")
        .atMost(Duration.ofSeconds(60))
        .until(() -> RUN_ID.matcher(gate.out()).find());
    String runId = runIdOf(gate.out());
    String faultId = runId + ".w0.t0";
    lifecycle.awaitStage(faultId, LifecycleStage.INJECTED, Duration.ofSeconds(90));

    MotoAlarms.set(watched.account(), alarm, "ALARM");

    assertThat(gate.await(CLI_TIMEOUT)).as(gate.transcript() + platform.logs()).isEqualTo(1);
    assertThat(gate.out()).contains("HYPOTHESIS_REFUTED");
    // Rolled back long before its 120 s hold would have ended.
    assertThat(lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30)).stage())
        .isEqualTo(LifecycleStage.ABORTED);
    JsonNode run = watchedApi.run(runId);
    assertThat(run.path("status").asText()).isEqualTo("ABORTED");
    assertThat(run.path("verdict").asText()).isEqualTo("HYPOTHESIS_REFUTED");
  }

  /**
   * One wave on the tenant's instance, held {@code seconds}, watched by one CloudWatch alarm: its
   * steady state (before the first wave and after the last) and its stop condition.
   */
  private static Map<String, Object> experimentWatching(
      E2eTenant watched, String alarm, String name, int seconds) {
    Map<String, Object> parameters =
        new HashMap<>(watched.processKill("unused").parameters().asMap());
    parameters.put("TOTAL_CHAOS_DURATION", seconds);
    Map<String, Object> probe =
        Map.of(
            "type",
            "cloudwatch-alarm",
            "alarmName",
            alarm,
            "accountId",
            watched.account().accountId(),
            "region",
            watched.account().region(),
            "intervalSeconds",
            1);
    Map<String, Object> steady = new HashMap<>(probe);
    steady.put("name", "errors-steady");
    Map<String, Object> stop = new HashMap<>(probe);
    stop.put("name", "errors-stop");
    return Map.of(
        "name", name,
        "faultType", E2eTenant.PROCESS_KILL.value(),
        "parameters", parameters,
        "hypothesis", "checkout keeps its error alarm quiet when a process dies",
        "steadyState", List.of(steady),
        "stopConditions", List.of(stop),
        "targets",
            List.of(
                Map.of(
                    "accountId",
                    watched.account().accountId(),
                    "region",
                    watched.account().region())));
  }

  private static JsonNode get(String path, String token) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(platform.schedulerUri().resolve(path))
                    .header("authorization", "Bearer " + token)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static Map<String, String> tokenEnv(String token) {
    return Map.of("FAULTLINE_URL", platform.schedulerUri().toString(), "FAULTLINE_TOKEN", token);
  }

  private static String runIdOf(String out) {
    Matcher m = RUN_ID.matcher(out);
    assertThat(m.find()).as("a run id in:\n" + out).isTrue();
    return m.group(1);
  }

  /** The tenant registered through the scheduler's API, with its publisher key. */
  private static SchedulerApi registered(E2eTenant tenant) throws Exception {
    SchedulerApi api = SchedulerApi.admin(platform.schedulerUri(), tenant.tenantId().value());
    api.registerAccount(
        tenant.account().accountId(), tenant.account().roleArn(), tenant.account().region());
    Map<TopicPartition, Long> before = platform.policyEnds();
    ObjectNode policy = Json.mapper().valueToTree(tenant.policy());
    policy.remove(
        List.of("tenantId", "revision", "accounts", "updatedAt", "updatedBy", "publisherKeys"));
    api.putPolicy(policy);
    platform.awaitPolicyConsumed(before, tenant.tenantId().value());
    before = platform.policyEnds();
    Map<String, Object> jwk =
        new RSAKey.Builder((RSAPublicKey) tenant.publisherKey().getPublic()).build().toJSONObject();
    post(
        "/api/v1/tenants/" + tenant.tenantId().value() + "/publisher-keys",
        api.token(),
        Map.of("keyId", E2eTenant.KEY_ID, "jwk", jwk),
        201);
    platform.awaitPolicyConsumed(before, tenant.tenantId().value());
    return api;
  }

  /** One wave, one target: the tenant's instance, a made-up PID killed for a second. */
  private static Map<String, Object> experiment(E2eTenant tenant) {
    return Map.of(
        "name", "cli gate",
        "faultType", E2eTenant.PROCESS_KILL.value(),
        "parameters", tenant.processKill("unused").parameters().asMap(),
        "hypothesis", "checkout keeps serving when a process dies",
        "targets",
            List.of(
                Map.of(
                    "accountId",
                    tenant.account().accountId(),
                    "region",
                    tenant.account().region())));
  }

  private static String platformAdminToken() throws Exception {
    return post(
            "/dev/tokens", null, Map.of("subject", "platform-ops", "roles", List.of("admin")), 200)
        .path("token")
        .asText();
  }

  private static JsonNode post(String path, String token, Object body, int expected)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(platform.schedulerUri().resolve(path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    if (token != null) {
      request.header("authorization", "Bearer " + token);
    }
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(expected);
    return JSON.readTree(response.body());
  }

  /**
   * An OAuth2 token endpoint on loopback (JDK HttpServer) for the CI example's client credentials:
   * checks the client's Basic credentials and hands out {@code token}, a development token of the
   * platform (local mode has no identity provider).
   */
  private static HttpServer tokenEndpoint(String token) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    server.createContext(
        "/token",
        exchange -> {
          String form =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          boolean ok =
              expected.equals(exchange.getRequestHeaders().getFirst("authorization"))
                  && form.contains("grant_type=client_credentials");
          byte[] body =
              (ok
                      ? "{\"access_token\":\""
                          + token
                          + "\",\"token_type\":\"Bearer\",\"expires_in\":300}"
                      : "{\"error\":\"invalid_client\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return server;
  }

  private static String tokenUrl() {
    return "http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/token";
  }
}
