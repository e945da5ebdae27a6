package io.faultline.scheduler.security;

import static io.faultline.scheduler.ApiFixtures.account;
import static io.faultline.scheduler.ApiFixtures.policyBody;
import static io.faultline.scheduler.ApiFixtures.processKill;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.scheduler.Http;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may call the API, against the shared instance on the real broker: tokens (none, forged, local
 * development ones), tenant isolation on every kind of resource, roles.
 */
@ExtendWith(SharedScheduler.class)
class AccessApiIT {
  private static SchedulerInstance app;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
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
}
