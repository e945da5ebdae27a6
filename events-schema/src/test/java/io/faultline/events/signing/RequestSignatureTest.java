package io.faultline.events.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import io.faultline.events.policy.PublisherKey;
import io.faultline.events.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RequestSignatureTest {
  private static final KeyPair KEYS = rsa(2048);
  private static final KeyPair OTHER = rsa(2048);

  @Test
  void canonicalFormIsTheDocumentedLinesInOrder() {
    RecordHeaders headers = headers("f-1", "2026-12-05T10:00:00Z");
    byte[] data = "{\"faultId\":\"f-1\"}".getBytes(StandardCharsets.UTF_8);

    CanonicalRequest canonical = CanonicalRequest.of(headers, data, "acme");

    assertThat(canonical.text())
        .isEqualTo(
            "faultline-request-v1\n"
                + "id=f-1\n"
                + "type=io.faultline.fault.requested.v1\n"
                + "subject=f-1\n"
                + "time=2026-12-05T10:00:00Z\n"
                + "tenant=acme\n"
                + "data-sha256="
                + CanonicalRequest.sha256(data)
                + "\n");
    assertThat(CanonicalRequest.sha256(new byte[0]))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void aMissingHeaderOrALineBreakIsNamed() {
    RecordHeaders noTime = headers("f-1", "t");
    noTime.remove("ce_time");
    assertThatThrownBy(() -> CanonicalRequest.of(noTime, new byte[0], "acme"))
        .hasMessageContaining("ce_time");
    assertThatThrownBy(() -> CanonicalRequest.of(headers("f-1\ntenant=evil", "t"), null, "acme"))
        .hasMessageContaining("id holds a line break");
  }

  @Test
  void aSignedRecordVerifiesWithItsKeyOnlyAndOnlyOverItsOwnBytes() {
    RequestSigner signer = new RequestSigner("acme/k1", (RSAPrivateKey) KEYS.getPrivate());
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            "t", null, "acme", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), headers("f-1", "t1"));

    signer.sign(record, "acme");

    String header =
        new String(
            record.headers().lastHeader(RequestSigner.HEADER).value(), StandardCharsets.US_ASCII);
    DetachedSignature signature = DetachedSignature.parse(header);
    assertThat(signature.keyId()).isEqualTo("acme/k1");
    assertThat(header).contains("..");
    CanonicalRequest signed = CanonicalRequest.of(record.headers(), record.value(), "acme");
    assertThat(signature.verifies(signed, (RSAPublicKey) KEYS.getPublic())).isTrue();
    assertThat(signature.verifies(signed, (RSAPublicKey) OTHER.getPublic())).isFalse();
    CanonicalRequest otherTenant = CanonicalRequest.of(record.headers(), record.value(), "globex");
    assertThat(signature.verifies(otherTenant, (RSAPublicKey) KEYS.getPublic())).isFalse();
    CanonicalRequest otherData =
        CanonicalRequest.of(record.headers(), "{\"a\":2}".getBytes(StandardCharsets.UTF_8), "acme");
    assertThat(signature.verifies(otherData, (RSAPublicKey) KEYS.getPublic())).isFalse();
  }

  @Test
  void onlyDetachedRs256SignaturesWithAKidAreRead() {
    assertThatThrownBy(() -> DetachedSignature.parse("abc.def.ghi"))
        .hasMessageContaining("detached compact JWS");
    assertThatThrownBy(() -> DetachedSignature.parse(null))
        .hasMessageContaining("detached compact JWS");
    // {"alg":"HS256","kid":"acme/k1"}
    assertThatThrownBy(
            () -> DetachedSignature.parse("eyJhbGciOiJIUzI1NiIsImtpZCI6ImFjbWUvazEifQ..c2ln"))
        .hasMessageContaining("only RS256");
    // {"alg":"RS256"}
    assertThatThrownBy(() -> DetachedSignature.parse("eyJhbGciOiJSUzI1NiJ9..c2ln"))
        .hasMessageContaining("no kid");
  }

  @Test
  void aPublisherKeyMustBeAnRsaPublicKeyOfAtLeast2048Bits() {
    Map<String, Object> good = jwk(KEYS);
    assertThat(PublisherKey.check("k1", good)).isEmpty();

    assertThat(PublisherKey.check("bad id!", good))
        .extracting(Violation::path)
        .containsExactly("keyId");
    assertThat(PublisherKey.check("k1", jwk(rsa(1024))))
        .extracting(Violation::path, Violation::rule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("jwk.n", "minBits"));
    Map<String, Object> withPrivate =
        new HashMap<>(
            new RSAKey.Builder((RSAPublicKey) KEYS.getPublic())
                .privateKey((RSAPrivateKey) KEYS.getPrivate())
                .build()
                .toJSONObject());
    assertThat(PublisherKey.check("k1", withPrivate)).extracting(Violation::path).contains("jwk.d");
    Map<String, Object> ec = new HashMap<>(good);
    ec.put("kty", "EC");
    assertThat(PublisherKey.check("k1", ec)).extracting(Violation::path).containsExactly("jwk.kty");
    assertThat(PublisherKey.check("k1", null)).extracting(Violation::path).containsExactly("jwk");
  }

  static Map<String, Object> jwk(KeyPair keys) {
    return new HashMap<>(
        new RSAKey.Builder((RSAPublicKey) keys.getPublic()).build().toJSONObject());
  }

  static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RecordHeaders headers(String id, String time) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("ce_id", id.getBytes(StandardCharsets.UTF_8));
    headers.add("ce_type", "io.faultline.fault.requested.v1".getBytes(StandardCharsets.UTF_8));
    headers.add("ce_subject", id.getBytes(StandardCharsets.UTF_8));
    headers.add("ce_time", time.getBytes(StandardCharsets.UTF_8));
    return headers;
  }
}
