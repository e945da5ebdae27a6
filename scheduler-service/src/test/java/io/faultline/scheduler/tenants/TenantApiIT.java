package io.faultline.scheduler.tenants;

import static io.faultline.scheduler.ApiFixtures.policyBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.events.Fixtures;
import io.faultline.events.TopicTap;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.ApiFixtures;
import io.faultline.scheduler.Http;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import io.faultline.scheduler.state.StateJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant's accounts and policy over the API, against the shared instance on the real broker;
 * published policies are read back from the topic.
 */
@ExtendWith(SharedScheduler.class)
class TenantApiIT {
  private static SchedulerInstance app;
  private static TopicTap<TenantPolicy> policies;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
    policies = new TopicTap<>(Topics.TENANT_POLICIES);
  }

  @AfterAll
  static void stop() {
    policies.close();
  }

  @Test
  void registersAnAccountWithAGeneratedExternalIdAndItsTrustPolicy() {
    String tenant = SharedScheduler.newTenant();
    String acct = ApiFixtures.freshAccountId();
    Http admin = app.http(tenant, "admin");
    Http.Response created =
        admin.put("/api/v1/tenants/" + tenant + "/accounts/" + acct, ApiFixtures.account(acct));
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
        admin.put("/api/v1/tenants/" + tenant + "/accounts/" + acct, ApiFixtures.account(acct));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("externalId").asText()).isEqualTo(externalId);
    assertThat(admin.get("/api/v1/tenants/" + tenant + "/accounts").body().size()).isEqualTo(1);
    assertThat(admin.get("/api/v1/tenants/" + tenant + "/accounts/" + acct).status())
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
    String acct = ApiFixtures.freshAccountId();
    Http admin = app.http(tenant, "admin");
    admin.put("/api/v1/tenants/" + tenant + "/accounts/" + acct, ApiFixtures.account(acct));
    Http.Response put = admin.put("/api/v1/tenants/" + tenant + "/policy", policyBody());
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.body().path("revision").asLong()).isEqualTo(1);
    assertThat(put.body().path("accounts").path(0).path("accountId").asText()).isEqualTo(acct);

    String second = ApiFixtures.freshAccountId();
    admin.put(
        "/api/v1/tenants/" + tenant + "/accounts/" + second,
        Map.of("roleArn", "arn:aws:iam::" + second + ":role/t", "regions", List.of("us-east-1")));
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
}
