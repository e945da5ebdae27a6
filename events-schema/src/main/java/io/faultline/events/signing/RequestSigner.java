package io.faultline.events.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Signs fault requests with one RSA key: an RS256 detached JWS (RFC 7515 appendix F) over the
 * request's {@link CanonicalRequest}, sent in the {@code ce_faultlinesig} header.
 *
 * @param keyId the JWS {@code kid}: {@code <tenant>/<key id>} for a tenant's publisher key, {@code
 *     platform:<key id>} for the scheduler's platform key
 */
public record RequestSigner(String keyId, RSAPrivateKey privateKey) {
  /** The CloudEvents extension carrying the signature. */
  public static final String EXTENSION = "faultlinesig";

  /** Its Kafka header in binary mode. */
  public static final String HEADER = "ce_" + EXTENSION;

  public RequestSigner {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /** The detached compact JWS over {@code canonical}: {@code header..signature}. */
  public String sign(CanonicalRequest canonical) {
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(),
            new Payload(canonical.bytes()));
    try {
      jws.sign(new RSASSASigner(privateKey));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign with key " + keyId + ": " + e.getMessage(), e);
    }
    return jws.serialize(true);
  }

  /**
   * Adds the signature header to an encoded binary-mode request of {@code tenant}, replacing any
   * signature it had.
   */
  public ProducerRecord<String, byte[]> sign(ProducerRecord<String, byte[]> record, String tenant) {
    String signature = sign(CanonicalRequest.of(record.headers(), record.value(), tenant));
    record.headers().remove(HEADER);
    record.headers().add(HEADER, signature.getBytes(StandardCharsets.US_ASCII));
    return record;
  }
}
