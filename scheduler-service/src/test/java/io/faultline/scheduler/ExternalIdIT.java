package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.TopicTap;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The external id is the tenant admin's secret, and it can be rotated: during the overlap the trust
 * policy and the published policy carry both ids, afterwards only the new one.
 */
class ExternalIdIT {
  /** Each test's tenant registers an account of its own: an account belongs to one tenant. */
  private final String accountId = ApiFixtures.freshAccountId();

  private static MutableClock clock;
  private static SchedulerInstance app;
  private static TopicTap<TenantPolicy> policies;

  @BeforeAll
  static void start() {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    app = SchedulerInstance.start("sched-extid-" + UUID.randomUUID(), clock);
    policies = new TopicTap<>(Topics.TENANT_POLICIES);
  }

  @AfterAll
  static void stop() {
    policies.close();
    app.close();
  }

  private static String accounts(String tenant) {
    return "/api/v1/tenants/" + tenant + "/accounts";
  }

  /** A tenant with one account and a policy; returns the account's external id. */
  private String registered(String tenant) {
    Http admin = app.http(tenant, "admin");
    Http.Response created =
        admin.put(accounts(tenant) + "/" + accountId, ApiFixtures.account(accountId));
    assertThat(created.status()).isEqualTo(201);
    assertThat(
            admin.put("/api/v1/tenants/" + tenant + "/policy", ApiFixtures.policyBody()).status())
        .isEqualTo(200);
    return created.body().path("externalId").asText();
  }

  private static JsonNode externalIdCondition(JsonNode account) {
    return account
        .path("trustPolicy")
        .path("Statement")
        .path(0)
        .path("Condition")
        .path("StringEquals")
        .path("sts:ExternalId");
  }

  private static RegisteredAccount latestPublished(String tenant) {
    List<TenantPolicy> published = policies.read(p -> p.tenantId().value().equals(tenant));
    assertThat(published).isNotEmpty();
    return published.getLast().accounts().getFirst();
  }

  @Test
  void showsTheExternalIdToTheTenantsAdminOnly() {
    String tenant = SharedScheduler.newTenant();
    String externalId = registered(tenant);
    for (String role : List.of("viewer", "operator")) {
      Http http = app.http(tenant, role);
      Http.Response list = http.get(accounts(tenant));
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.body().path(0).path("accountId").asText()).isEqualTo(accountId);
      assertThat(list.body().path(0).has("externalId")).isFalse();
      assertThat(list.body().path(0).has("trustPolicy")).isFalse();
      Http.Response one = http.get(accounts(tenant) + "/" + accountId);
      assertThat(one.status()).isEqualTo(200);
      assertThat(one.raw()).doesNotContain(externalId);
      Http.Response policy = http.get("/api/v1/tenants/" + tenant + "/policy");
      assertThat(policy.status()).isEqualTo(200);
      assertThat(policy.body().path("accounts").path(0).path("accountId").asText())
          .isEqualTo(accountId);
      assertThat(policy.raw()).doesNotContain(externalId).doesNotContain("externalId");
      Http.Response internal = http.get("/internal/tenants/" + tenant + "/stores/tenants");
      assertThat(internal.status()).isEqualTo(200);
      assertThat(internal.raw()).contains(accountId).doesNotContain(externalId);
      Http.Response rotation =
          http.post(accounts(tenant) + "/" + accountId + "/external-id/rotation", null);
      assertThat(rotation.status()).isEqualTo(403);
    }
    Http admin = app.http(tenant, "admin");
    assertThat(admin.get(accounts(tenant)).body().path(0).path("externalId").asText())
        .isEqualTo(externalId);
    assertThat(admin.get("/api/v1/tenants/" + tenant + "/policy").raw()).contains(externalId);
    assertThat(admin.get("/internal/tenants/" + tenant + "/stores/tenants").raw())
        .contains(externalId);
  }

  @Test
  void acceptsBothIdsDuringTheOverlapAndOnlyTheNewOneAfterIt() {
    String tenant = SharedScheduler.newTenant();
    String old = registered(tenant);
    Http admin = app.http(tenant, "admin");
    Instant rotatedAt = clock.instant();

    Http.Response rotated =
        admin.post(accounts(tenant) + "/" + accountId + "/external-id/rotation", null);
    assertThat(rotated.status()).isEqualTo(200);
    String fresh = rotated.body().path("externalId").asText();
    assertThat(fresh).hasSize(48).isNotEqualTo(old);
    assertThat(rotated.body().path("previousExternalId").asText()).isEqualTo(old);
    assertThat(Instant.parse(rotated.body().path("previousExternalIdUntil").asText()))
        .isEqualTo(rotatedAt.plus(Duration.ofHours(24)));
    assertThat(externalIdCondition(rotated.body()).isArray()).isTrue();
    assertThat(externalIdCondition(rotated.body()))
        .extracting(JsonNode::asText)
        .containsExactly(fresh, old);
    // The policy service gets both: approvals carry the previous id for the executor's fallback.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              RegisteredAccount published = latestPublished(tenant);
              assertThat(published.externalId()).isEqualTo(fresh);
              assertThat(published.previousExternalId()).isEqualTo(old);
            });
    // Updating the account during the overlap keeps both ids.
    Http.Response updated =
        admin.put(accounts(tenant) + "/" + accountId, ApiFixtures.account(accountId));
    assertThat(updated.body().path("externalId").asText()).isEqualTo(fresh);
    assertThat(updated.body().path("previousExternalId").asText()).isEqualTo(old);
    // Viewers see that a rotation is in progress, not its ids.
    Http.Response viewed = app.http(tenant, "viewer").get(accounts(tenant) + "/" + accountId);
    assertThat(viewed.body().has("previousExternalIdUntil")).isTrue();
    assertThat(viewed.raw()).doesNotContain(old).doesNotContain(fresh);

    clock.advance(Duration.ofHours(23));
    assertThat(
            admin
                .get(accounts(tenant) + "/" + accountId)
                .body()
                .path("previousExternalId")
                .asText())
        .isEqualTo(old);

    clock.advance(Duration.ofHours(1));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              RegisteredAccount published = latestPublished(tenant);
              assertThat(published.externalId()).isEqualTo(fresh);
              assertThat(published.previousExternalId()).isNull();
            });
    Http.Response after = admin.get(accounts(tenant) + "/" + accountId);
    assertThat(after.body().path("externalId").asText()).isEqualTo(fresh);
    assertThat(after.body().has("previousExternalId")).isFalse();
    assertThat(externalIdCondition(after.body()).asText()).isEqualTo(fresh);
    assertThat(admin.get("/internal/tenants/" + tenant + "/stores/tenants").raw())
        .doesNotContain(old);
  }

  @Test
  void endsTheOverlapEarlyOnAnAdminsRequest() {
    String tenant = SharedScheduler.newTenant();
    String old = registered(tenant);
    Http admin = app.http(tenant, "admin");
    String fresh =
        admin
            .post(accounts(tenant) + "/" + accountId + "/external-id/rotation", null)
            .body()
            .path("externalId")
            .asText();
    assertThat(
            app.http(tenant, "operator")
                .delete(accounts(tenant) + "/" + accountId + "/external-id/previous")
                .status())
        .isEqualTo(403);
    Http.Response ended =
        admin.delete(accounts(tenant) + "/" + accountId + "/external-id/previous");
    assertThat(ended.status()).isEqualTo(200);
    assertThat(ended.body().path("externalId").asText()).isEqualTo(fresh);
    assertThat(ended.body().has("previousExternalId")).isFalse();
    assertThat(externalIdCondition(ended.body()).asText()).isEqualTo(fresh);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              RegisteredAccount published = latestPublished(tenant);
              assertThat(published.externalId()).isEqualTo(fresh);
              assertThat(published.previousExternalId()).isNull();
            });
    assertThat(admin.get(accounts(tenant)).raw()).doesNotContain(old);
    assertThat(admin.post(accounts(tenant) + "/999999999999/external-id/rotation", null).status())
        .isEqualTo(404);
  }
}
