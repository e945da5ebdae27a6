package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import io.faultline.events.cloudevents.ContentMode;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.policy.PublisherKey;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.signing.RequestSigner;
import io.faultline.events.topics.Topics;
import io.faultline.policy.authentication.RequestAuthentication;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests are attributed to a tenant by its key, not by the payload (ADR 0008): the admission
 * topologies with real RSA keys, each refusal code, and the fault id a refusal leaves free.
 */
class SignedRequestsTest {
  static final String T = "acme";
  static final String A = "111111111111";
  static final KeyPair ACME_KEY = rsa();
  static final KeyPair OTHER_KEY = rsa();
  static final KeyPair PLATFORM_KEY = rsa();
  static final URI PUBLISHER = URI.create("/pipelines/deploy-bot");
  static final URI SCHEDULER = URI.create(RequestAuthentication.Settings.SCHEDULER_SOURCE);

  SimpleMeterRegistry meters = new SimpleMeterRegistry();
  AdmissionDriver driver =
      new AdmissionDriver(
          new AdmissionSettings(10, Duration.ofMinutes(5), Duration.ofSeconds(1))
              .withSignatures(
                  RequestAuthentication.Settings.defaults()
                      .withPlatformKeys(
                          Map.of("scheduler", (RSAPublicKey) PLATFORM_KEY.getPublic()))),
          AdmissionDriver.START,
          new AdmissionTelemetry(OpenTelemetry.noop(), meters));

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void aRequestSignedWithTheTenantsKeyIsDecided() {
    driver.policy(signing(true, key("k1", ACME_KEY)));

    send(
        processKill(T, "f-1", A, "i-0aaa00000000001"),
        PUBLISHER,
        signer("acme/k1", ACME_KEY),
        driver.now());

    assertThat(driver.lifecycle())
        .singleElement()
        .satisfies(e -> assertThat(e.stage()).isEqualTo(LifecycleStage.APPROVED));
    assertThat(driver.refused()).isEmpty();
  }

  @Test
  void anUnsignedRequestIsRefusedAndLeavesItsFaultIdToTheSignedOne() {
    driver.policy(signing(true, key("k1", ACME_KEY)));

    send(processKill(T, "f-1", A, "i-0aaa00000000001"), PUBLISHER, null, driver.now());

    assertThat(driver.lifecycle()).isEmpty();
    assertThat(driver.approvals()).isEmpty();
    TestRecord<String, byte[]> refused = driver.refused().getFirst();
    assertThat(refused.key()).isEqualTo(T);
    assertThat(header(refused, "faultline.error.reason")).isEqualTo("UNAUTHENTICATED");
    assertThat(header(refused, "faultline.error.violations"))
        .contains("tenant acme requires signed requests");
    assertThat(new String(refused.value(), StandardCharsets.UTF_8)).contains("\"faultId\":\"f-1\"");
    assertThat(
            meters
                .get("faultline.policy.requests.refused")
                .tag("reason", "UNAUTHENTICATED")
                .tag("tenant", T)
                .counter()
                .count())
        .isEqualTo(1.0);

    send(
        processKill(T, "f-1", A, "i-0aaa00000000001"),
        PUBLISHER,
        signer("acme/k1", ACME_KEY),
        driver.now());

    assertThat(driver.lifecycle())
        .singleElement()
        .satisfies(e -> assertThat(e.stage()).isEqualTo(LifecycleStage.APPROVED));
  }

  @Test
  void anUnsignedInvalidRequestCannotTakeTheFaultIdEither() {
    driver.policy(signing(true, key("k1", ACME_KEY)));
    ProducerRecord<String, byte[]> invalid =
        encode(processKill(T, "f-1", A, "i-0aaa00000000001"), PUBLISHER, driver.now());
    byte[] broken =
        new String(invalid.value(), StandardCharsets.UTF_8)
            .replace("\"1234\"", "\"1\"")
            .getBytes(StandardCharsets.UTF_8);

    driver.raw(T, invalid.headers(), broken, driver.now());
    assertThat(driver.lifecycle()).isEmpty();
    assertThat(reasons()).containsExactly("UNAUTHENTICATED");

    send(
        processKill(T, "f-1", A, "i-0aaa00000000001"),
        PUBLISHER,
        signer("acme/k1", ACME_KEY),
        driver.now());
    assertThat(driver.lifecycle())
        .singleElement()
        .satisfies(e -> assertThat(e.stage()).isEqualTo(LifecycleStage.APPROVED));
  }

  @Test
  void aTenantThatOptedOutMayPublishUnsignedButASignatureItSendsMustStillVerify() {
    driver.policy(signing(false, key("k1", ACME_KEY)));

    send(processKill(T, "f-1", A, "i-0aaa00000000001"), PUBLISHER, null, driver.now());
    send(
        processKill(T, "f-2", A, "i-0aaa00000000002"),
        PUBLISHER,
        signer("acme/k1", OTHER_KEY),
        driver.now());

    assertThat(driver.lifecycle())
        .extracting(e -> e.faultId().value(), e -> e.stage())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("f-1", LifecycleStage.APPROVED));
    assertThat(reasons()).containsExactly("SIGNATURE_INVALID");
  }

  @Test
  void unknownRevokedExpiredAndOtherTenantsKeysAreUnknownKeys() {
    Instant now = driver.now();
    driver.policy(
        signing(
            true,
            key("k1", ACME_KEY),
            key("old", OTHER_KEY).revoked(now.minusSeconds(60)),
            new PublisherKey("ended", jwk(OTHER_KEY), now, "t", now.minusSeconds(1), null)));

    send(
        processKill(T, "f-1", A, "i-0aaa00000000001"), PUBLISHER, signer("acme/k9", ACME_KEY), now);
    send(
        processKill(T, "f-2", A, "i-0aaa00000000001"),
        PUBLISHER,
        signer("acme/old", OTHER_KEY),
        now);
    send(
        processKill(T, "f-3", A, "i-0aaa00000000001"),
        PUBLISHER,
        signer("acme/ended", OTHER_KEY),
        now);
    send(
        processKill(T, "f-4", A, "i-0aaa00000000001"),
        PUBLISHER,
        signer("globex/k1", ACME_KEY),
        now);
    send(
        processKill(T, "f-5", A, "i-0aaa00000000001"),
        PUBLISHER,
        signer("platform:none", ACME_KEY),
        now);

    assertThat(driver.lifecycle()).isEmpty();
    List<TestRecord<String, byte[]>> refused = driver.refused();
    assertThat(refused)
        .extracting(r -> header(r, "faultline.error.reason"))
        .containsOnly("UNKNOWN_KEY")
        .hasSize(5);
    assertThat(refused)
        .extracting(r -> header(r, "faultline.error.violations"))
        .satisfiesExactly(
            d -> assertThat(d).contains("has no publisher key k9"),
            d -> assertThat(d).contains("was revoked"),
            d -> assertThat(d).contains("is valid until"),
            d -> assertThat(d).contains("is not a key of tenant acme"),
            d -> assertThat(d).contains("no platform key platform:none"));
  }

  @Test
  void tamperedDataOrAForeignSignatureDoesNotVerify() {
    driver.policy(signing(true, key("k1", ACME_KEY)));
    ProducerRecord<String, byte[]> record =
        encode(processKill(T, "f-1", A, "i-0aaa00000000001"), PUBLISHER, driver.now());
    signer("acme/k1", ACME_KEY).sign(record, T);
    byte[] tampered =
        new String(record.value(), StandardCharsets.UTF_8)
            .replace("\"1234\"", "\"1\"")
            .getBytes(StandardCharsets.UTF_8);

    driver.raw(T, record.headers(), tampered, driver.now());
    send(
        processKill(T, "f-2", A, "i-0aaa00000000001"),
        PUBLISHER,
        signer("acme/k1", OTHER_KEY),
        driver.now());

    assertThat(driver.lifecycle()).isEmpty();
    assertThat(reasons()).containsExactly("SIGNATURE_INVALID", "SIGNATURE_INVALID");
  }

  @Test
  void expiryIsJudgedByAppendTimeSoABacklogIsStillDecided() {
    driver.policy(signing(true, key("k1", ACME_KEY)));
    RequestSigner signer = signer("acme/k1", ACME_KEY);
    Instant appended = driver.now();

    // Sent 6 minutes before it was appended, and 1 minute after: both outside the window.
    send(
        processKill(T, "f-old", A, "i-0aaa00000000001"),
        PUBLISHER,
        signer,
        appended.minusSeconds(360));
    send(
        processKill(T, "f-ahead", A, "i-0aaa00000000001"),
        PUBLISHER,
        signer,
        appended.plusSeconds(60));
    assertThat(reasons()).containsExactly("SIGNATURE_EXPIRED", "SIGNATURE_EXPIRED");

    // Appended 4 minutes after it was signed, but read two hours later (a policy outage).
    driver.advance(Duration.ofHours(2));
    ProducerRecord<String, byte[]> late =
        encode(
            processKill(T, "f-backlog", A, "i-0aaa00000000001"),
            PUBLISHER,
            appended.minusSeconds(240));
    signer.sign(late, T);
    driver.raw(T, late.headers(), late.value(), appended);

    assertThat(driver.lifecycle())
        .singleElement()
        .satisfies(e -> assertThat(e.faultId().value()).isEqualTo("f-backlog"));
  }

  @Test
  void thePlatformKeySignsForAnyTenantButOnlyFromTheSchedulersSource() {
    driver.policy(signing(true));
    RequestSigner platform = signer("platform:scheduler", PLATFORM_KEY);

    send(processKill(T, "f-1", A, "i-0aaa00000000001"), SCHEDULER, platform, driver.now());
    send(processKill(T, "f-2", A, "i-0aaa00000000001"), PUBLISHER, platform, driver.now());

    assertThat(driver.lifecycle()).extracting(e -> e.faultId().value()).containsExactly("f-1");
    assertThat(driver.refused())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(header(r, "faultline.error.reason")).isEqualTo("UNKNOWN_KEY");
              assertThat(header(r, "faultline.error.violations"))
                  .contains("signs only requests of source /faultline/scheduler-service");
            });
  }

  @Test
  void aStructuredModeRequestCannotCarryASignature() {
    driver.policy(signing(true, key("k1", ACME_KEY)));
    ProducerRecord<String, byte[]> binary =
        encode(processKill(T, "f-1", A, "i-0aaa00000000001"), PUBLISHER, driver.now());
    signer("acme/k1", ACME_KEY).sign(binary, T);
    FaultlineEvent<FaultRequested> event =
        EventCodec.standard()
            .decode(Topics.FAULT_REQUESTS, binary.key(), binary.headers(), binary.value());
    ProducerRecord<String, byte[]> structured =
        EventCodec.standard().encode(Topics.FAULT_REQUESTS, event.withMode(ContentMode.STRUCTURED));
    structured.headers().add(binary.headers().lastHeader(RequestSigner.HEADER));

    driver.raw(T, structured.headers(), structured.value(), driver.now());

    assertThat(driver.lifecycle()).isEmpty();
    assertThat(driver.refused())
        .singleElement()
        .satisfies(
            r -> assertThat(header(r, "faultline.error.violations")).contains("binary content"));
  }

  private List<String> reasons() {
    return driver.refused().stream().map(r -> header(r, "faultline.error.reason")).toList();
  }

  private void send(FaultRequested request, URI source, RequestSigner signer, Instant time) {
    ProducerRecord<String, byte[]> record = encode(request, source, time);
    if (signer != null) {
      signer.sign(record, request.tenantId().value());
    }
    driver.raw(record.key(), record.headers(), record.value(), driver.now());
  }

  /** The request as a publisher encodes it, its CloudEvents time set to {@code time}. */
  private static ProducerRecord<String, byte[]> encode(
      FaultRequested request, URI source, Instant time) {
    ProducerRecord<String, byte[]> record =
        EventCodec.standard()
            .encode(
                Topics.FAULT_REQUESTS,
                FaultlineEvent.of(request.faultId().value(), source, request, null));
    record.headers().remove("ce_time");
    record.headers().add("ce_time", time.toString().getBytes(StandardCharsets.UTF_8));
    return record;
  }

  private static TenantPolicy signing(boolean required, PublisherKey... keys) {
    return policy(T, A).withSigning(List.of(keys), required);
  }

  static PublisherKey key(String keyId, KeyPair keys) {
    return new PublisherKey(keyId, jwk(keys), AdmissionDriver.START, "user:test", null, null);
  }

  static Map<String, String> jwk(KeyPair keys) {
    Map<String, Object> jwk =
        new RSAKey.Builder((RSAPublicKey) keys.getPublic()).build().toJSONObject();
    return PublisherKey.publicMembers(jwk);
  }

  static RequestSigner signer(String kid, KeyPair keys) {
    return new RequestSigner(kid, (RSAPrivateKey) keys.getPrivate());
  }

  private static String header(TestRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
