package io.faultline.scheduler;

import static io.faultline.scheduler.ApiFixtures.account;
import static io.faultline.scheduler.ApiFixtures.policyBody;
import static io.faultline.scheduler.ApiFixtures.processKill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.events.ExecutorStandIn;
import io.faultline.events.Fixtures;
import io.faultline.events.TopicTap;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.state.StateJson;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every endpoint of the API against a running instance on the real broker. */
@ExtendWith(SharedScheduler.class)
class ApiIT {
  private static SchedulerInstance app;
  private static TopicTap<TenantPolicy> policies;
  private static TopicTap<FaultRequested> requests;
  private static TopicTap<FaultControl> controls;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
    policies = new TopicTap<>(Topics.TENANT_POLICIES);
    requests = new TopicTap<>(Topics.FAULT_REQUESTS);
    controls = new TopicTap<>(Topics.FAULT_CONTROLS);
  }

  @AfterAll
  static void stop() {
    policies.close();
    requests.close();
    controls.close();
  }

  @Test
  void refusesRequestsWithoutATokenAsProblemJson() {
    Http.Response r =
        app.anonymous().get("/api/v1/tenants/" + SharedScheduler.newTenant() + "/experiments");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.body().path("status").asInt()).isEqualTo(401);
  }

  @Test
  void refusesTokensSignedWithAnotherSecret() {
    String forged =
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwidGVuYW50IjoiYWNtZSIsInJvbGVzIjpbImFkbWluIl19."
            + "c2lnbmF0dXJlLW5vdC12YWxpZA";
    Http.Response r = app.anonymous().as(forged).get("/api/v1/tenants/acme/experiments");
    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void mintsLocalDevelopmentTokensThatTheApiAccepts() {
    String tenant = SharedScheduler.newTenant();
    Http.Response minted =
        app.anonymous()
            .post(
                "/dev/tokens",
                Map.of("subject", "alice", "tenantId", tenant, "roles", List.of("viewer")));
    assertThat(minted.status()).isEqualTo(200);
    Http.Response list =
        app.anonymous()
            .as(minted.body().path("token").asText())
            .get("/api/v1/tenants/" + tenant + "/experiments");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body().isArray()).isTrue();
  }

  @Test
  void registersAnAccountWithAGeneratedExternalIdAndItsTrustPolicy() {
    String tenant = SharedScheduler.newTenant();
    Http admin = app.http(tenant, "admin");
    Http.Response created =
        admin.put("/api/v1/tenants/" + tenant + "/accounts/111111111111", account());
    assertThat(created.status()).isEqualTo(201);
    String externalId = created.body().path("externalId").asText();
    assertThat(externalId).hasSizeGreaterThanOrEqualTo(32).matches("[A-Za-z0-9]+");
    JsonNode statements = created.body().path("trustPolicy").path("Statement");
    assertThat(statements.path(0).path("Principal").path("AWS").asText())
        .isEqualTo(SchedulerInstance.HUB_ROLE_ARN);
    assertThat(statements.path(0).path("Action").asText()).isEqualTo("sts:AssumeRole");
    assertThat(
            statements
                .path(0)
                .path("Condition")
                .path("StringEquals")
                .path("sts:ExternalId")
                .asText())
        .isEqualTo(externalId);
    assertThat(statements.path(1).path("Action").toString())
        .contains("sts:TagSession", "sts:SetSourceIdentity");

    Http.Response again =
        admin.put("/api/v1/tenants/" + tenant + "/accounts/111111111111", account());
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("externalId").asText()).isEqualTo(externalId);
    assertThat(admin.get("/api/v1/tenants/" + tenant + "/accounts").body().size()).isEqualTo(1);
    assertThat(admin.get("/api/v1/tenants/" + tenant + "/accounts/111111111111").status())
        .isEqualTo(200);
  }

  @Test
  void rejectsAnAccountWhoseRoleIsInAnotherAccountNamingTheField() {
    String tenant = SharedScheduler.newTenant();
    Http.Response r =
        app.http(tenant, "admin")
            .put(
                "/api/v1/tenants/" + tenant + "/accounts/222222222222",
                Map.of(
                    "roleArn", "arn:aws:iam::111111111111:role/x", "regions", List.of("mars-1")));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.namesField("roleArn", "sameAccount")).isTrue();
    assertThat(r.namesField("regions[0]", "pattern")).isTrue();
  }

  @Test
  void publishesTheValidatedPolicyWithTheRegisteredAccounts() {
    String tenant = SharedScheduler.newTenant();
    Http admin = app.http(tenant, "admin");
    admin.put("/api/v1/tenants/" + tenant + "/accounts/111111111111", account());
    Http.Response put = admin.put("/api/v1/tenants/" + tenant + "/policy", policyBody());
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.body().path("revision").asLong()).isEqualTo(1);
    assertThat(put.body().path("accounts").path(0).path("accountId").asText())
        .isEqualTo("111111111111");

    admin.put(
        "/api/v1/tenants/" + tenant + "/accounts/222222222222",
        Map.of("roleArn", "arn:aws:iam::222222222222:role/t", "regions", List.of("us-east-1")));
    Http.Response get = app.http(tenant, "viewer").get("/api/v1/tenants/" + tenant + "/policy");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.body().path("revision").asLong()).isEqualTo(2);
    assertThat(get.body().path("accounts").size()).isEqualTo(2);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              List<TenantPolicy> published =
                  policies.read(p -> p.tenantId().value().equals(tenant));
              assertThat(published).extracting(TenantPolicy::revision).containsExactly(1L, 2L);
              assertThat(published.getLast().accounts()).hasSize(2);
              assertThat(published.getLast().bounds()).isEqualTo(Fixtures.aPolicy().bounds());
            });
  }

  @Test
  void rejectsAPolicyThatBreaksTheContractSchemaNamingTheField() {
    String tenant = SharedScheduler.newTenant();
    ObjectNode body = policyBody();
    ((ObjectNode) body.get("bounds")).put("maxTargets", 0);
    body.put("surprise", true);
    Http.Response r = app.http(tenant, "admin").put("/api/v1/tenants/" + tenant + "/policy", body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.namesField("bounds.maxTargets", "minimum")).isTrue();
    assertThat(r.namesField("surprise", "additionalProperties")).isTrue();

    ObjectNode withAccounts = policyBody();
    withAccounts.set(
        "accounts", StateJson.tree(EventCodec.standard().toJson(Fixtures.aPolicy().accounts())));
    assertThat(
            app.http(tenant, "admin")
                .put("/api/v1/tenants/" + tenant + "/policy", withAccounts)
                .namesField("accounts", "serverManaged"))
        .isTrue();
    assertThat(app.http(tenant, "admin").get("/api/v1/tenants/" + tenant + "/policy").status())
        .isEqualTo(404);
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
  void neverLetsOneTenantReadOrChangeAnothersResources() {
    String a = SharedScheduler.newTenant();
    String b = SharedScheduler.newTenant();
    Http.Response created =
        app.http(a, "admin")
            .post("/api/v1/tenants/" + a + "/experiments", processKill("111111111111"));
    String path =
        "/api/v1/tenants/" + a + "/experiments/" + created.body().path("experimentId").asText();
    Http intruder = app.http(b, "admin");

    assertThat(intruder.get(path).status()).isEqualTo(403);
    assertThat(intruder.delete(path).status()).isEqualTo(403);
    assertThat(intruder.put(path, processKill("222222222222")).status()).isEqualTo(403);
    assertThat(intruder.post(path + "/runs", null).status()).isEqualTo(403);
    assertThat(intruder.get("/api/v1/tenants/" + a + "/experiments").status()).isEqualTo(403);
    assertThat(intruder.get("/api/v1/tenants/" + a + "/policy").status()).isEqualTo(403);
    assertThat(intruder.put("/api/v1/tenants/" + a + "/accounts/111111111111", account()).status())
        .isEqualTo(403);
    assertThat(intruder.post("/api/v1/tenants/" + a + "/halt", null).status()).isEqualTo(403);
    assertThat(intruder.get("/api/v1/tenants/" + a + "/runs").status()).isEqualTo(403);
    assertThat(intruder.get("/api/v1/tenants/" + a + "/schedules").status()).isEqualTo(403);
    assertThat(intruder.get("/api/v1/tenants/" + a + "/accounts").status()).isEqualTo(403);
    assertThat(intruder.get("/api/v1/tenants/" + a + "/events").status()).isEqualTo(403);
    assertThat(intruder.post("/api/v1/tenants/" + a + "/runs/r-1/abort", null).status())
        .isEqualTo(403);
    assertThat(intruder.post("/api/v1/tenants/" + a + "/faults/f-1/abort", null).status())
        .isEqualTo(403);
    assertThat(intruder.get("/internal/tenants/" + a + "/stores/experiments").status())
        .isEqualTo(403);

    Http.Response stillThere = app.http(a, "viewer").get(path);
    assertThat(stillThere.status()).isEqualTo(200);
    assertThat(stillThere.body().path("name").asText()).isEqualTo("Kill the checkout worker");
  }

  @Test
  void enforcesRolesViewerReadsOperatorRunsAdminGoverns() {
    String tenant = SharedScheduler.newTenant();
    String base = "/api/v1/tenants/" + tenant;
    Http viewer = app.http(tenant, "viewer");
    Http operator = app.http(tenant, "operator");
    assertThat(viewer.post(base + "/experiments", processKill("111111111111")).status())
        .isEqualTo(403);
    assertThat(viewer.get(base + "/experiments").status()).isEqualTo(200);
    assertThat(operator.put(base + "/policy", policyBody()).status()).isEqualTo(403);
    assertThat(operator.put(base + "/accounts/111111111111", account()).status()).isEqualTo(403);
    assertThat(operator.post(base + "/halt", null).status()).isEqualTo(403);
    assertThat(operator.post(base + "/experiments", processKill("111111111111")).status())
        .isEqualTo(201);
  }

  @Test
  void createsValidatesEnablesDisablesAndDeletesSchedules() {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    String exp =
        op.post("/api/v1/tenants/" + tenant + "/experiments", processKill("111111111111"))
            .body()
            .path("experimentId")
            .asText();
    String base = "/api/v1/tenants/" + tenant + "/schedules";

    Http.Response invalid =
        op.post(
            base,
            Map.of(
                "experimentId", "nope",
                "cron", "61 * * * *",
                "timeZone", "Mars/Olympus",
                "maxRuns", 0,
                "missedFirePolicy", "SOMETIMES"));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.namesField("experimentId", "exists")).isTrue();
    assertThat(invalid.namesField("cron", "cron")).isTrue();
    assertThat(invalid.namesField("timeZone", "timeZone")).isTrue();
    assertThat(invalid.namesField("maxRuns", "minimum")).isTrue();
    assertThat(invalid.namesField("missedFirePolicy", "enum")).isTrue();
    assertThat(op.post(base, Map.of("experimentId", exp)).namesField("cron", "oneOf")).isTrue();
    assertThat(
            op.post(base, Map.of("experimentId", exp, "at", "2001-01-01T00:00:00Z"))
                .namesField("at", "future"))
        .isTrue();

    Http.Response created =
        op.post(
            base,
            Map.of(
                "experimentId", exp,
                "cron", "0 0 9 * * MON-FRI",
                "timeZone", "Europe/Berlin",
                "missedFirePolicy", "SKIP"));
    assertThat(created.status()).isEqualTo(201);
    String id = created.body().path("scheduleId").asText();
    Instant next = Instant.parse(created.body().path("nextFireAt").asText());
    assertThat(next).isAfter(Instant.now());
    assertThat(next.atZone(java.time.ZoneId.of("Europe/Berlin")).getHour()).isEqualTo(9);

    Http.Response disabled = op.post(base + "/" + id + "/disable", null);
    assertThat(disabled.body().path("enabled").asBoolean()).isFalse();
    assertThat(disabled.body().has("nextFireAt")).isFalse();
    Http.Response enabled = op.post(base + "/" + id + "/enable", null);
    assertThat(enabled.body().path("nextFireAt").asText()).isEqualTo(next.toString());

    Instant at = Instant.now().plus(Duration.ofDays(2));
    Http.Response oneOff =
        op.put(base + "/nightly-once", Map.of("experimentId", exp, "at", at.toString()));
    assertThat(oneOff.status()).isEqualTo(200);
    assertThat(Instant.parse(oneOff.body().path("nextFireAt").asText())).isEqualTo(at);
    assertThat(op.get(base).body().size()).isEqualTo(2);

    assertThat(op.delete(base + "/" + id).status()).isEqualTo(204);
    assertThat(op.get(base + "/" + id).status()).isEqualTo(404);
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

  @Test
  void haltsAndResumesATenantAndAbortsFaultsThroughTheControlsTopic() {
    String tenant = SharedScheduler.newTenant();
    Http admin = app.http(tenant, "admin");
    assertThat(
            admin
                .post("/api/v1/tenants/" + tenant + "/halt", Map.of("reason", "incident"))
                .status())
        .isEqualTo(202);
    assertThat(admin.post("/api/v1/tenants/" + tenant + "/resume", null).status()).isEqualTo(202);
    assertThat(
            app.http(tenant, "operator")
                .post("/api/v1/tenants/" + tenant + "/faults/f-1/abort", null)
                .status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        controls.read(
                            c -> c.tenantId() != null && c.tenantId().value().equals(tenant)))
                    .extracting(FaultControl::action)
                    .containsExactlyInAnyOrder(
                        ControlAction.HALT_TENANT,
                        ControlAction.RESUME_TENANT,
                        ControlAction.ABORT_FAULT));
    // Same key (tenant/<id>), same partition: the resume is ordered after the halt.
    assertThat(controls.read(c -> c.key().equals("tenant/" + tenant)))
        .extracting(FaultControl::action)
        .containsExactly(ControlAction.HALT_TENANT, ControlAction.RESUME_TENANT);
    assertThat(controls.read(c -> c.key().equals("fault/" + tenant + "/f-1"))).hasSize(1);
  }

  @Test
  void haltsEverythingOnlyForAPlatformAdmin() {
    String tenant = SharedScheduler.newTenant();
    assertThat(app.http(tenant, "admin").post("/api/v1/platform/halt", null).status())
        .isEqualTo(403);
    assertThat(app.http(null, "operator").post("/api/v1/platform/halt", null).status())
        .isEqualTo(403);
    Http platform = app.http(null, "admin");
    String reason = "drill-" + tenant;
    assertThat(platform.post("/api/v1/platform/halt", Map.of("reason", reason)).status())
        .isEqualTo(202);
    assertThat(platform.post("/api/v1/platform/resume", Map.of("reason", reason)).status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(controls.read(c -> reason.equals(c.reason())))
                    .extracting(FaultControl::action)
                    .containsExactly(ControlAction.HALT_PLATFORM, ControlAction.RESUME_PLATFORM));
  }

  @Test
  void streamsTheTenantsLifecycleEventsAsServerSentEvents() throws Exception {
    String tenant = SharedScheduler.newTenant();
    String other = SharedScheduler.newTenant();
    List<String> lines = app.eventStream(tenant);

    FaultRequested mine = Fixtures.aProcessKillRequest(tenant, "f-sse-mine");
    FaultRequested theirs = Fixtures.aProcessKillRequest(other, "f-sse-theirs");
    try (ExecutorStandIn executor = new ExecutorStandIn()) {
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                executor.publish(theirs, LifecycleStage.APPROVED, 1, null);
                executor.publish(mine, LifecycleStage.APPROVED, 1, null);
                assertThat(lines).anyMatch(l -> l.equals("event:APPROVED"));
                assertThat(lines).anyMatch(l -> l.startsWith("data:") && l.contains("f-sse-mine"));
              });
    }
    assertThat(lines).noneMatch(l -> l.contains("f-sse-theirs"));
    assertThat(lines).anyMatch(l -> l.equals("id:f-sse-mine:1"));
  }

  @Test
  void servesTheOpenApiDocumentAndSwaggerUi() {
    Http.Response docs = app.anonymous().get("/v3/api-docs");
    assertThat(docs.status()).isEqualTo(200);
    JsonNode paths = docs.body().path("paths");
    assertThat(paths.has("/api/v1/tenants/{tenantId}/experiments")).isTrue();
    assertThat(paths.has("/api/v1/tenants/{tenantId}/schedules/{scheduleId}")).isTrue();
    assertThat(paths.has("/api/v1/tenants/{tenantId}/runs/{runId}")).isTrue();
    assertThat(paths.has("/api/v1/platform/halt")).isTrue();
    assertThat(paths.has("/internal/tenants/{tenantId}/stores/{store}")).isFalse();
    assertThat(
            paths
                .path("/api/v1/tenants/{tenantId}/experiments")
                .path("post")
                .path("responses")
                .path("400")
                .path("content")
                .has("application/problem+json"))
        .isTrue();
    assertThat(docs.body().path("components").path("schemas").has("FieldViolation")).isTrue();
    assertThat(app.anonymous().get("/swagger-ui/index.html").status()).isEqualTo(200);
  }

  @Test
  void reportsHealthUpWhileTheEngineRuns() {
    Http.Response health = app.anonymous().get("/actuator/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().path("status").asText()).isEqualTo("UP");
  }
}
