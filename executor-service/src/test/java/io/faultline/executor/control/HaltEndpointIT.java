package io.faultline.executor.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.TopicTap;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.topics.Topics;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.MotoAccounts;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Who may halt on an executor's HTTP port, and what a refusal says: the scheduler's development
 * tokens are accepted as the scheduler accepts them; anything else is a problem naming its rule. An
 * executor without an identity provider refuses every call.
 */
@Tag("waits-in-pairs")
class HaltEndpointIT {
  private static final String TENANT = "acme-halt";
  private static ConfigurableApplicationContext executor;
  private static ConfigurableApplicationContext unconfigured;
  private static HaltClient client;

  @BeforeAll
  static void start() {
    MotoAccounts.init();
    TestFaults.createTopics();
    executor =
        HaltClient.executor(
            "halt-api",
            "--faultline.security.dev-tokens.enabled=true",
            "--faultline.security.dev-tokens.secret=" + HaltClient.SECRET);
    client = HaltClient.of(executor);
  }

  @AfterAll
  static void stop() {
    executor.close();
    if (unconfigured != null) {
      unconfigured.close();
    }
  }

  private static HaltClient.Response haltTenant(String tenant, String token, String body) {
    return client.post("/api/v1/tenants/" + tenant + "/halt", token, body);
  }

  private static void assertProblem(HaltClient.Response response, int status, String rule) {
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body().path("status").asInt()).isEqualTo(status);
    assertThat(response.body().path("rule").asText()).isEqualTo(rule);
  }

  @Test
  void refusesACallWithoutAValidTokenWith401() {
    HaltClient.Response none = haltTenant(TENANT, null, "{}");
    assertProblem(none, 401, "validBearerToken");
    assertThat(none.authenticate()).startsWith("Bearer");

    String foreignSecret = "another-secret-than-the-schedulers-0123456789";
    assertProblem(
        haltTenant(
            TENANT, HaltClient.token(foreignSecret, "mallory", TENANT, "faultline", "admin"), "{}"),
        401,
        "validBearerToken");

    HaltClient.Response otherAudience =
        haltTenant(
            TENANT,
            HaltClient.token(HaltClient.SECRET, "alice", TENANT, "billing-api", "admin"),
            "{}");
    assertProblem(otherAudience, 401, "validBearerToken");
    assertThat(otherAudience.body().path("detail").asText()).contains("audience");
  }

  @Test
  void refusesAnotherTenantAndRolesBelowAdminWith403() {
    HaltClient.Response otherTenant =
        haltTenant(TENANT, HaltClient.admin("bob", "globex-halt"), "{}");
    assertProblem(otherTenant, 403, "tenantMismatch");
    assertThat(otherTenant.body().path("detail").asText()).contains(TENANT);

    assertProblem(
        haltTenant(
            TENANT,
            HaltClient.token(HaltClient.SECRET, "op", TENANT, "faultline", "operator"),
            "{}"),
        403,
        "adminRole");
    assertProblem(
        client.post("/api/v1/platform/halt", HaltClient.admin("alice", TENANT), "{}"),
        403,
        "platformAdminOnly");
    assertProblem(haltTenant(TENANT, HaltClient.admin("carol", null), "{}"), 403, "tenantMismatch");
  }

  @Test
  void refusesInvalidInputNamingTheFieldAndRule() {
    String token = HaltClient.admin("alice", TENANT);
    HaltClient.Response longReason =
        haltTenant(TENANT, token, "{\"reason\":\"" + "x".repeat(501) + "\"}");
    assertProblem(longReason, 400, "maxLength");
    assertThat(longReason.body().path("errors").get(0).path("field").asText()).isEqualTo("reason");

    HaltClient.Response badTenant = haltTenant("Not_A_Tenant", token, "{}");
    assertProblem(badTenant, 400, "pattern");
    assertThat(badTenant.body().path("errors").get(0).path("field").asText()).isEqualTo("tenantId");

    HaltClient.Response notJson = haltTenant(TENANT, token, "{\"reason\":");
    assertProblem(notJson, 400, "json");
  }

  @Test
  void haltsATenantAndPublishesAtOnceWhileTheBrokerIsUp() {
    try (TopicTap<FaultControl> controls = new TopicTap<>(Topics.FAULT_CONTROLS)) {
      HaltClient.Response halted =
          haltTenant(TENANT, HaltClient.admin("alice", TENANT), "{\"reason\":\"game day over\"}");

      assertThat(halted.status()).isEqualTo(202);
      assertThat(halted.body().path("published").asBoolean()).isTrue();
      String controlId = halted.body().path("controlId").asText();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !controls.read(c -> c.controlId().equals(controlId)).isEmpty());
      FaultControl control = controls.read(c -> c.controlId().equals(controlId)).getFirst();
      assertThat(control.action()).isEqualTo(ControlAction.HALT_TENANT);
      assertThat(control.issuedBy()).isEqualTo("user:alice");
      assertThat(control.reason()).isEqualTo("game day over");
    }
  }

  @Test
  void leavesTheActuatorOpen() {
    assertThat(HaltClient.management(executor).get("/actuator/health/readiness").status())
        .isEqualTo(200);
  }

  @Test
  void refusesEveryCallWithoutAnIdentityProvider() {
    unconfigured = HaltClient.executor("halt-unconfigured");
    HaltClient other = HaltClient.of(unconfigured);

    HaltClient.Response refused =
        other.post("/api/v1/platform/halt", HaltClient.admin("carol", null), "{}");

    assertProblem(refused, 401, "noIdentityProvider");
    assertThat(refused.body().path("detail").asText()).contains("no identity provider");
    assertThat(unconfigured.getBean(Halts.class).pending()).isZero();
  }
}
