package io.faultline.scheduler.experiments;

import static io.faultline.scheduler.ApiFixtures.processKill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.TopicTap;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.ApiFixtures;
import io.faultline.scheduler.Http;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Experiments over the API and running one now, against the shared instance on the real broker;
 * published requests are read back from the topic.
 */
@ExtendWith(SharedScheduler.class)
class ExperimentApiIT {
  private static SchedulerInstance app;
  private static TopicTap<FaultRequested> requests;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
    requests = new TopicTap<>(Topics.FAULT_REQUESTS);
  }

  @AfterAll
  static void stop() {
    requests.close();
  }

  @Test
  void createsReadsListsReplacesAndDeletesExperiments() {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    String base = "/api/v1/tenants/" + tenant + "/experiments";
    Http.Response created = op.post(base, processKill("111111111111"));
    assertThat(created.status()).isEqualTo(201);
    String id = created.body().path("experimentId").asText();
    assertThat(created.body().path("parameters").path("FORCE").asText()).isEqualTo("true");
    assertThat(created.body().path("parameters").path("TOTAL_CHAOS_DURATION").asText())
        .isEqualTo("30");

    assertThat(op.get(base + "/" + id).body().path("hypothesis").asText()).contains("Checkout");
    assertThat(op.get(base).body().size()).isEqualTo(1);

    Map<String, Object> changed = new java.util.HashMap<>(processKill("111111111111"));
    changed.put("name", "renamed");
    Http.Response replaced = op.put(base + "/" + id, changed);
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(op.get(base + "/" + id).body().path("name").asText()).isEqualTo("renamed");

    assertThat(op.put(base + "/chosen-id", processKill("111111111111")).status()).isEqualTo(200);
    assertThat(op.get(base).body().size()).isEqualTo(2);

    assertThat(op.delete(base + "/" + id).status()).isEqualTo(204);
    assertThat(op.get(base + "/" + id).status()).isEqualTo(404);
  }

  @Test
  void rejectsExperimentsWithInvalidTunablesNamingEachField() {
    String tenant = SharedScheduler.newTenant();
    Map<String, Object> body = new java.util.HashMap<>(processKill("111111111111"));
    body.put(
        "parameters",
        Map.of("PROCESS_IDS", "1; rm -rf /", "EC2_INSTANCE_ID", "i-0abc12345def67890"));
    body.put(
        "waves",
        List.of(
            Map.of("name", "canary", "parameters", Map.of()),
            Map.of("name", "wide", "parameters", Map.of("TOTAL_CHAOS_DURATION", 999999))));
    body.put("targets", List.of(Map.of("accountId", "12", "region", "eu-west-1")));
    body.remove("hypothesis");
    Http.Response r =
        app.http(tenant, "operator").post("/api/v1/tenants/" + tenant + "/experiments", body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.namesField("parameters.PROCESS_IDS", "pattern")).isTrue();
    assertThat(r.namesField("targets[0].accountId", "pattern")).isTrue();
    assertThat(r.namesField("hypothesis", "required")).isTrue();

    Map<String, Object> badWave = new java.util.HashMap<>(processKill("111111111111"));
    badWave.put(
        "waves",
        List.of(Map.of("name", "wide", "parameters", Map.of("TOTAL_CHAOS_DURATION", 999999))));
    Http.Response w =
        app.http(tenant, "operator").post("/api/v1/tenants/" + tenant + "/experiments", badWave);
    assertThat(w.namesField("waves[0].parameters.TOTAL_CHAOS_DURATION", "maximum")).isTrue();

    Map<String, Object> unknownType = new java.util.HashMap<>(processKill("111111111111"));
    unknownType.put("faultType", "ec2-meteor-strike");
    assertThat(
            app.http(tenant, "operator")
                .post("/api/v1/tenants/" + tenant + "/experiments", unknownType)
                .namesField("faultType", "knownFaultType"))
        .isTrue();
  }

  private static Map<String, Object> alarm(String name, String account) {
    return Map.of(
        "name",
        name,
        "type",
        "cloudwatch-alarm",
        "alarmName",
        "checkout-5xx",
        "accountId",
        account,
        "region",
        "eu-west-1");
  }

  private static Map<String, Object> http(String name, String url) {
    return Map.of("name", name, "type", "http", "url", url, "expectStatus", 200);
  }

  @Test
  void validatesProbesAndBakeNamingEachFieldAndRule() {
    String tenant = SharedScheduler.newTenant();
    // An account belongs to one tenant: this tenant's own, registered below.
    String acct = ApiFixtures.freshAccountId();
    assertThat(
            app.http(tenant, "admin")
                .put("/api/v1/tenants/" + tenant + "/accounts/" + acct, ApiFixtures.account(acct))
                .status())
        .isEqualTo(201);
    Http op = app.http(tenant, "operator");
    String base = "/api/v1/tenants/" + tenant + "/experiments";

    Map<String, Object> oldShape = new java.util.HashMap<>(processKill(acct));
    oldShape.put("stopConditions", List.of(Map.of("kind", "cloudwatch-alarm", "value", "x")));
    Http.Response old = op.post(base, oldShape);
    assertThat(old.status()).isEqualTo(400);
    assertThat(old.namesField("stopConditions[0].type", "required")).as(old.raw()).isTrue();
    assertThat(old.body().path("errors").path(0).path("message").asText())
        .contains("{kind, value} shape is no longer accepted");

    Map<String, Object> bad = new java.util.HashMap<>(processKill(acct));
    bad.put(
        "steadyState",
        List.of(
            http("api-ok", "http://10.0.0.5/health"),
            http("api-slow", "ftp://10.0.0.5/health"),
            Map.of("name", "what", "type", "carrier-pigeon")));
    bad.put("stopConditions", List.of(alarm("errors", "222222222222"), alarm("api-ok", acct)));
    bad.put("bakeSeconds", 3601);
    bad.put("waves", List.of(Map.of("name", "canary", "bakeSeconds", -1)));
    Http.Response r = op.post(base, bad);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.namesField("steadyState[1].url", "pattern")).as(r.raw()).isTrue();
    assertThat(r.namesField("steadyState[2].type", "knownProbeType")).as(r.raw()).isTrue();
    assertThat(r.namesField("stopConditions[0].accountId", "registeredAccount"))
        .as(r.raw())
        .isTrue();
    assertThat(r.namesField("stopConditions[1].name", "uniqueName")).as(r.raw()).isTrue();
    assertThat(r.namesField("bakeSeconds", "maximum")).as(r.raw()).isTrue();
    assertThat(r.namesField("waves[0].bakeSeconds", "minimum")).as(r.raw()).isTrue();
    assertThat(r.raw()).doesNotContain("\"stopConditions[1].accountId\"");

    Map<String, Object> many = new java.util.HashMap<>(processKill(acct));
    many.put(
        "stopConditions",
        java.util.stream.IntStream.range(0, 11)
            .mapToObj(i -> http("p" + i, "http://10.0.0.5/health"))
            .toList());
    assertThat(op.post(base, many).namesField("stopConditions", "maxItems")).isTrue();

    Map<String, Object> bakeAlone = new java.util.HashMap<>(processKill(acct));
    bakeAlone.put("bakeSeconds", 60);
    assertThat(op.post(base, bakeAlone).namesField("bakeSeconds", "requiresProbes")).isTrue();

    // Another tenant cannot watch this tenant's account.
    String other = SharedScheduler.newTenant();
    Map<String, Object> theirs = new java.util.HashMap<>(processKill(acct));
    theirs.put("stopConditions", List.of(alarm("errors", acct)));
    assertThat(
            app.http(other, "operator")
                .post("/api/v1/tenants/" + other + "/experiments", theirs)
                .namesField("stopConditions[0].accountId", "registeredAccount"))
        .isTrue();

    Map<String, Object> good = new java.util.HashMap<>(processKill(acct));
    good.put("steadyState", List.of(http("api-ok", "http://10.0.0.5/health")));
    good.put("stopConditions", List.of(alarm("errors", acct)));
    good.put("bakeSeconds", 120);
    good.put("waves", List.of(Map.of("name", "canary", "bakeSeconds", 300), Map.of("name", "all")));
    Http.Response saved = op.post(base, good);
    assertThat(saved.status()).as(saved.raw()).isEqualTo(201);
    assertThat(saved.body().path("bakeSeconds").asInt()).isEqualTo(120);
    assertThat(saved.body().path("waves").path(0).path("bakeSeconds").asInt()).isEqualTo(300);
    // Canonical: defaults applied, flat with its type.
    assertThat(saved.body().path("steadyState").path(0).path("intervalSeconds").asInt())
        .isEqualTo(10);
    assertThat(saved.body().path("stopConditions").path(0).path("type").asText())
        .isEqualTo("cloudwatch-alarm");
    assertThat(
            op.get(base + "/" + saved.body().path("experimentId").asText())
                .body()
                .path("stopConditions")
                .path(0)
                .path("alarmName")
                .asText())
        .isEqualTo("checkout-5xx");
  }

  @Test
  void rejectsUnknownFieldsAndWrongTypesNamingTheField() {
    String tenant = SharedScheduler.newTenant();
    Map<String, Object> body = new java.util.HashMap<>(processKill("111111111111"));
    body.put("colour", "red");
    Http.Response unknown =
        app.http(tenant, "operator").post("/api/v1/tenants/" + tenant + "/experiments", body);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.firstField()).isEqualTo("colour");

    Map<String, Object> wrongType = new java.util.HashMap<>(processKill("111111111111"));
    wrongType.put("targets", "everywhere");
    Http.Response typed =
        app.http(tenant, "operator").post("/api/v1/tenants/" + tenant + "/experiments", wrongType);
    assertThat(typed.status()).isEqualTo(400);
    assertThat(typed.firstField()).isEqualTo("targets");

    Http.Response broken =
        app.http(tenant, "operator").post("/api/v1/tenants/" + tenant + "/experiments", "{");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.contentType()).startsWith("application/problem+json");
  }

  @Test
  void runNowPublishesFaultRequestsThatTheContractAccepts() {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    String exp =
        op.post("/api/v1/tenants/" + tenant + "/experiments", processKill("111111111111"))
            .body()
            .path("experimentId")
            .asText();
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    Http.Response started =
        op.traced(traceparent)
            .post("/api/v1/tenants/" + tenant + "/experiments/" + exp + "/runs", null);
    assertThat(started.status()).isEqualTo(202);
    String runId = started.body().path("runId").asText();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              // TopicTap decodes with EventCodec.standard().decode(...): schema, catalogue and key.
              List<FaultRequested> published =
                  requests.read(r -> r.tenantId().value().equals(tenant));
              assertThat(published).hasSize(1);
              FaultRequested r = published.getFirst();
              assertThat(r.runId().value()).isEqualTo(runId);
              assertThat(r.experimentId().value()).isEqualTo(exp);
              assertThat(r.faultId().value()).isEqualTo(runId + ".w0.t0");
              assertThat(r.parameters().asMap()).containsEntry("PROCESS_IDS", "1234");
              assertThat(r.requestedBy()).isEqualTo("user:tester");
            });
    var envelope = requests.envelopes(r -> r.tenantId().value().equals(tenant)).getFirst();
    assertThat(envelope.source().toString()).isEqualTo("/faultline/scheduler-service");
    // The caller's trace continues through the scheduler's publish span (TracingIT has the rest).
    assertThat(envelope.traceparent())
        .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
        .isNotEqualTo(traceparent);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Http.Response run = op.get("/api/v1/tenants/" + tenant + "/runs/" + runId);
              assertThat(run.status()).isEqualTo(200);
              assertThat(run.body().path("status").asText()).isEqualTo("RUNNING");
              assertThat(run.body().path("faults").path(0).path("stage").asText())
                  .isEqualTo("REQUESTED");
            });
    assertThat(op.get("/api/v1/tenants/" + tenant + "/runs").body().size()).isEqualTo(1);
    assertThat(op.get("/api/v1/tenants/" + tenant + "/runs/run-missing").status()).isEqualTo(404);
  }
}
