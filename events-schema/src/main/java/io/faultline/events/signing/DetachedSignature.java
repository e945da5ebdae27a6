package io.faultline.events.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;

/**
 * A request's signature as received: a detached compact JWS whose protected header names the key
 * ({@code kid}) and the algorithm. Only RS256 is accepted (ADR 0008).
 */
public final class DetachedSignature {
  private final String compact;
  private final String keyId;

  private DetachedSignature(String compact, String keyId) {
    this.compact = compact;
    this.keyId = keyId;
  }

  /**
   * Reads the header value.
   *
   * @throws IllegalArgumentException saying what is wrong: not a detached compact JWS, no {@code
   *     kid}, or an algorithm other than RS256
   */
  public static DetachedSignature parse(String compact) {
    String[] parts = compact == null ? new String[0] : compact.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || !parts[1].isEmpty() || parts[2].isEmpty()) {
      throw new IllegalArgumentException(
          "the signature must be a detached compact JWS: <header>..<signature>");
    }
    JWSObject jws;
    try {
      jws = JWSObject.parse(compact, new Payload(new byte[0]));
    } catch (ParseException e) {
      throw new IllegalArgumentException("the signature cannot be read: " + e.getMessage());
    }
    if (!JWSAlgorithm.RS256.equals(jws.getHeader().getAlgorithm())) {
      throw new IllegalArgumentException(
          "the signature's alg is " + jws.getHeader().getAlgorithm() + "; only RS256 is accepted");
    }
    if (jws.getHeader().getCustomParams().containsKey("b64")
        || jws.getHeader().getCriticalParams() != null) {
      throw new IllegalArgumentException("the signature must not use b64 or crit header members");
    }
    String kid = jws.getHeader().getKeyID();
    if (kid == null || kid.isBlank()) {
      throw new IllegalArgumentException("the signature's header names no kid");
    }
    return new DetachedSignature(compact, kid);
  }

  /** The {@code kid}: {@code <tenant>/<key id>} or {@code platform:<key id>}. */
  public String keyId() {
    return keyId;
  }

  /** Whether the signature verifies over {@code canonical} with {@code key}. */
  public boolean verifies(CanonicalRequest canonical, RSAPublicKey key) {
    try {
      JWSObject jws = JWSObject.parse(compact, new Payload(canonical.bytes()));
      return jws.verify(new RSASSAVerifier(key));
    } catch (ParseException | JOSEException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return compact;
  }
}
