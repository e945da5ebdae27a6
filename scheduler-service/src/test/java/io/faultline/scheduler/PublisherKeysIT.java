package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.RSAKey;
import io.faultline.events.Fixtures;
import io.faultline.events.TopicTap;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.policy.PublisherKey;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.state.StateJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Publisher keys (ADR 0008) against a running instance on the real broker: a tenant's admin
 * registers and revokes them, every role of the tenant reads them, and each change publishes the
 * tenant's policy again with them.
 */
@ExtendWith(SharedScheduler.class)
class PublisherKeysIT {
  private static SchedulerInstance app;
  private static TopicTap<TenantPolicy> policies;
  private static KeyPair key;

  @BeforeAll
  static void start() throws NoSuchAlgorithmException {
    app = SharedScheduler.get();
    policies = new TopicTap<>(Topics.TENANT_POLICIES);
    key = rsa(2048);
  }

  @AfterAll
  static void stop() {
    policies.close();
  }

  private static KeyPair rsa(int bits) throws NoSuchAlgorithmException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    return generator.generateKeyPair();
  }

  /** The public half as a JWK, with the optional members a JWK library adds. */
  private static Map<String, Object> jwk(KeyPair pair) {
    Map<String, Object> jwk =
        new HashMap<>(new RSAKey.Builder((RSAPublicKey) pair.getPublic()).build().toJSONObject());
    jwk.put("alg", "RS256");
    jwk.put("use", "sig");
    return jwk;
  }

  private static Map<String, Object> keyBody(String keyId, Map<String, Object> jwk) {
    return Map.of("keyId", keyId, "jwk", jwk);
  }

  private static String keys(String tenant) {
    return "/api/v1/tenants/" + tenant + "/publisher-keys";
  }

  private static String policy(String tenant) {
    return "/api/v1/tenants/" + tenant + "/policy";
  }

  /** A policy document as an admin PUTs it: without what the platform sets. */
  private static ObjectNode policyBody() {
    ObjectNode node = (ObjectNode) StateJson.tree(EventCodec.standard().toJson(Fixtures.aPolicy()));
    node.remove(
        List.of("tenantId", "revision", "accounts", "updatedAt", "updatedBy", "publisherKeys"));
    return node;
  }

  /** A POST whose answer's headers the test reads (Http keeps the body only). */
  private static HttpResponse<String> post(Http http, String path, Object body) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(http.base() + path))
                  .header("Authorization", "Bearer " + http.token())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(StateJson.write(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<TenantPolicy> published(String tenant) {
    return policies.read(p -> p.tenantId().value().equals(tenant));
  }

  /** Waits for revision {@code revision} of the tenant's policy on the policies topic. */
  private static TenantPolicy awaitRevision(String tenant, long revision) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(published(tenant))
                    .extracting(TenantPolicy::revision)
                    .contains(revision));
    return published(tenant).stream().filter(p -> p.revision() == revision).findFirst().get();
  }

  @Test
  void registersAKeyThatTheNextRevisionOfThePolicyCarries() {
    String tenant = SharedScheduler.newTenant();
    Http admin = app.http(tenant, "admin");
    assertThat(admin.put(policy(tenant), policyBody()).status()).isEqualTo(200);

    HttpResponse<String> created =
        post(
            admin,
            keys(tenant),
            Map.of("keyId", "ci-2027", "jwk", jwk(key), "notAfter", "2099-01-31T00:00:00+01:00"));

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).contains(keys(tenant) + "/ci-2027");
    JsonNode view = StateJson.tree(created.body().getBytes(StandardCharsets.UTF_8));
    assertThat(view.path("keyId").asText()).isEqualTo("ci-2027");
    assertThat(view.path("kid").asText()).isEqualTo(tenant + "/ci-2027");
    assertThat(view.path("jwk").properties())
        .extracting(Map.Entry::getKey)
        .containsExactlyInAnyOrder("kty", "n", "e");
    assertThat(view.path("addedBy").asText()).isEqualTo("user:tester");
    assertThat(view.path("notAfter").asText()).isEqualTo("2099-01-30T23:00:00Z");
    assertThat(view.has("revokedAt")).isFalse();
    TenantPolicy second = awaitRevision(tenant, 2);
    PublisherKey published = second.publisherKey("ci-2027").orElseThrow();
    assertThat(published.publicKey()).isEqualTo(key.getPublic());
    assertThat(published.notAfter()).isEqualTo(Instant.parse("2099-01-30T23:00:00Z"));
    assertThat(second.bounds()).isEqualTo(Fixtures.aPolicy().bounds());

    for (String role : List.of("viewer", "operator")) {
      Http reader = app.http(tenant, role);
      Http.Response list = reader.get(keys(tenant));
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.body().size()).isEqualTo(1);
      assertThat(list.body().path(0).path("kid").asText()).isEqualTo(tenant + "/ci-2027");
      Http.Response one = reader.get(keys(tenant) + "/ci-2027");
      assertThat(one.status()).isEqualTo(200);
      assertThat(one.body().path("jwk").path("n").asText())
          .isEqualTo(view.path("jwk").path("n").asText());
      assertThat(
              reader
                  .get(policy(tenant))
                  .body()
                  .path("publisherKeys")
                  .path(0)
                  .path("keyId")
                  .asText())
          .isEqualTo("ci-2027");
    }
    assertThat(admin.get(keys(tenant) + "/missing").status()).isEqualTo(404);
  }

  @Test
  void keysAddedBeforeAnyPolicyAreInItsFirstRevision() {
    String tenant = SharedScheduler.newTenant();
    Http admin = app.http(tenant, "admin");

    assertThat(admin.post(keys(tenant), keyBody("early", jwk(key))).status()).isEqualTo(201);
    assertThat(admin.get(policy(tenant)).status()).isEqualTo(404);
    Http.Response put = admin.put(policy(tenant), policyBody());

    assertThat(put.status()).isEqualTo(200);
    assertThat(put.body().path("revision").asLong()).isEqualTo(1);
    assertThat(put.body().path("publisherKeys").path(0).path("keyId").asText()).isEqualTo("early");
    assertThat(awaitRevision(tenant, 1).publisherKey("early")).isPresent();
  }

  @Test
  void letsOnlyTheTenantsAdminAddOrRevokeKeys() {
    String tenant = SharedScheduler.newTenant();
    assertThat(app.http(tenant, "admin").post(keys(tenant), keyBody("ci", jwk(key))).status())
        .isEqualTo(201);

    for (String role : List.of("viewer", "operator")) {
      Http http = app.http(tenant, role);
      Http.Response post = http.post(keys(tenant), keyBody("mine", jwk(key)));
      assertThat(post.status()).isEqualTo(403);
      assertThat(post.contentType()).startsWith("application/problem+json");
      assertThat(http.delete(keys(tenant) + "/ci").status()).isEqualTo(403);
    }
    String other = SharedScheduler.newTenant();
    assertThat(app.http(other, "admin").post(keys(tenant), keyBody("x", jwk(key))).status())
        .isEqualTo(403);
    assertThat(app.http(other, "admin").get(keys(tenant)).status()).isEqualTo(403);
    Http.Response list = app.http(tenant, "viewer").get(keys(tenant));
    assertThat(list.body().size()).isEqualTo(1);
    assertThat(list.body().path(0).has("revokedAt")).isFalse();
  }

  @Test
  void refusesKeysThatAreNotPublicRsaKeysOfAtLeast2048BitsNamingTheField() throws Exception {
    String tenant = SharedScheduler.newTenant();
    Http admin = app.http(tenant, "admin");
    KeyPair weak = rsa(1024);
    Map<String, Object> withPrivateMembers =
        new RSAKey.Builder((RSAPublicKey) key.getPublic())
            .privateKey((RSAPrivateKey) key.getPrivate())
            .build()
            .toJSONObject();
    Map<String, Object> ec =
        Map.of(
            "kty",
            "EC",
            "crv",
            "P-256",
            "x",
            "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y",
            "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");

    Http.Response shortModulus = admin.post(keys(tenant), keyBody("weak", jwk(weak)));
    Http.Response privateKey = admin.post(keys(tenant), keyBody("leaked", withPrivateMembers));
    Http.Response badKeyId = admin.post(keys(tenant), keyBody("no spaces/or slashes", jwk(key)));
    Http.Response notRsa = admin.post(keys(tenant), keyBody("ec", ec));
    Http.Response badDate =
        admin.post(keys(tenant), Map.of("keyId", "d", "jwk", jwk(key), "notAfter", "tomorrow"));
    Http.Response past =
        admin.post(
            keys(tenant),
            Map.of("keyId", "d", "jwk", jwk(key), "notAfter", "2020-01-01T00:00:00Z"));
    Http.Response noJwk = admin.post(keys(tenant), Map.of("keyId", "nothing"));

    for (Http.Response r :
        List.of(shortModulus, privateKey, badKeyId, notRsa, badDate, past, noJwk)) {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.contentType()).startsWith("application/problem+json");
    }
    assertThat(shortModulus.namesField("jwk.n", "minBits")).isTrue();
    assertThat(privateKey.namesField("jwk.d", "publicOnly")).isTrue();
    assertThat(privateKey.raw()).doesNotContain((String) withPrivateMembers.get("d"));
    assertThat(badKeyId.namesField("keyId", "pattern")).isTrue();
    assertThat(notRsa.namesField("jwk.kty", "const")).isTrue();
    assertThat(badDate.namesField("notAfter", "format")).isTrue();
    assertThat(past.namesField("notAfter", "future")).isTrue();
    assertThat(noJwk.namesField("jwk", "required")).isTrue();
    assertThat(admin.get(keys(tenant)).body().size()).isZero();
  }

  @Test
  void neverReusesAKeyIdNotEvenARevokedOne() {
    String tenant = SharedScheduler.newTenant();
    Http admin = app.http(tenant, "admin");
    assertThat(admin.post(keys(tenant), keyBody("ci", jwk(key))).status()).isEqualTo(201);

    Http.Response duplicate = admin.post(keys(tenant), keyBody("ci", jwk(key)));
    assertThat(admin.delete(keys(tenant) + "/ci").status()).isEqualTo(200);
    Http.Response afterRevocation = admin.post(keys(tenant), keyBody("ci", jwk(key)));

    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(duplicate.contentType()).startsWith("application/problem+json");
    assertThat(afterRevocation.status()).isEqualTo(409);
    assertThat(admin.get(keys(tenant)).body().size()).isEqualTo(1);
  }

  @Test
  void revokingKeepsTheKeyListedAndPublishesThePolicyWithItsRevocation() {
    String tenant = SharedScheduler.newTenant();
    Http admin = app.http(tenant, "admin");
    assertThat(admin.put(policy(tenant), policyBody()).status()).isEqualTo(200);
    assertThat(admin.post(keys(tenant), keyBody("old", jwk(key))).status()).isEqualTo(201);
    assertThat(admin.post(keys(tenant), keyBody("new", jwk(key))).status()).isEqualTo(201);

    Http.Response revoked = admin.delete(keys(tenant) + "/old");

    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.body().path("kid").asText()).isEqualTo(tenant + "/old");
    Instant revokedAt = Instant.parse(revoked.body().path("revokedAt").asText());
    JsonNode list = app.http(tenant, "viewer").get(keys(tenant)).body();
    assertThat(list.size()).isEqualTo(2);
    assertThat(list.path(0).path("keyId").asText()).isEqualTo("old");
    assertThat(Instant.parse(list.path(0).path("revokedAt").asText())).isEqualTo(revokedAt);
    assertThat(list.path(1).has("revokedAt")).isFalse();
    TenantPolicy fourth = awaitRevision(tenant, 4);
    assertThat(fourth.publisherKey("old").orElseThrow().revokedAt()).isEqualTo(revokedAt);
    assertThat(fourth.publisherKey("new").orElseThrow().revokedAt()).isNull();
    // Revoking again changes nothing and publishes nothing.
    assertThat(Instant.parse(admin.delete(keys(tenant) + "/old").body().path("revokedAt").asText()))
        .isEqualTo(revokedAt);
    assertThat(admin.get(policy(tenant)).body().path("revision").asLong()).isEqualTo(4);
    assertThat(admin.delete(keys(tenant) + "/missing").status()).isEqualTo(404);
  }

  @Test
  void letsTheAdminRelaxTheSigningRequirementWhileThePolicyKeepsItsKeys() {
    String tenant = SharedScheduler.newTenant();
    Http admin = app.http(tenant, "admin");
    assertThat(admin.post(keys(tenant), keyBody("ci", jwk(key))).status()).isEqualTo(201);
    ObjectNode relaxed = policyBody().put("requireSignedRequests", false);

    assertThat(app.http(tenant, "operator").put(policy(tenant), relaxed).status()).isEqualTo(403);
    Http.Response put = admin.put(policy(tenant), relaxed);

    assertThat(put.status()).isEqualTo(200);
    assertThat(put.body().path("requireSignedRequests").asBoolean(true)).isFalse();
    TenantPolicy first = awaitRevision(tenant, 1);
    assertThat(first.requireSignedRequests()).isFalse();
    assertThat(first.publisherKey("ci")).isPresent();

    // Keys change without touching the requirement; a PUT without it requires signatures again.
    assertThat(admin.post(keys(tenant), keyBody("ci-2", jwk(key))).status()).isEqualTo(201);
    TenantPolicy second = awaitRevision(tenant, 2);
    assertThat(second.requireSignedRequests()).isFalse();
    assertThat(second.publisherKeys()).hasSize(2);
    Http.Response strict = admin.put(policy(tenant), policyBody());
    assertThat(strict.body().path("requireSignedRequests").asBoolean(false)).isTrue();
    assertThat(awaitRevision(tenant, 3).publisherKeys()).hasSize(2);
  }

  @Test
  void refusesPublisherKeysInAPolicyPut() {
    String tenant = SharedScheduler.newTenant();
    Http admin = app.http(tenant, "admin");
    ObjectNode withKeys = policyBody();
    withKeys
        .putArray("publisherKeys")
        .addObject()
        .put("keyId", "sneaky")
        .set("jwk", StateJson.mapper().valueToTree(jwk(key)));
    ObjectNode notABoolean = policyBody().put("requireSignedRequests", "no");

    Http.Response refused = admin.put(policy(tenant), withKeys);
    Http.Response wrongType = admin.put(policy(tenant), notABoolean);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.namesField("publisherKeys", "serverManaged")).isTrue();
    assertThat(refused.body().path("errors").path(0).path("message").asText())
        .contains("POST /api/v1/tenants/{tenantId}/publisher-keys");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.firstField()).isEqualTo("requireSignedRequests");
    assertThat(admin.get(policy(tenant)).status()).isEqualTo(404);
    // An empty list is what a GET returns for a tenant without keys: accepted.
    ObjectNode empty = policyBody();
    empty.putArray("publisherKeys");
    assertThat(admin.put(policy(tenant), empty).status()).isEqualTo(200);
  }
}
