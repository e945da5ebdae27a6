package io.faultline.events.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import io.faultline.events.validation.Violation;
import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A public key a tenant's publishers sign fault requests with (ADR 0008). Requests name it in the
 * JWS {@code kid} as {@code <tenant>/<keyId>}. A revoked key stays listed, so a request signed with
 * it is refused as unknown rather than forgotten.
 *
 * @param jwk the RSA public key as a JWK (RFC 7517): {@code kty} {@code RSA}, {@code n}, {@code e}
 * @param notAfter requests whose {@code time} is after it are refused; null for no end
 * @param revokedAt when it was revoked; null while it is in use
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PublisherKey(
    String keyId,
    Map<String, String> jwk,
    Instant addedAt,
    String addedBy,
    Instant notAfter,
    Instant revokedAt) {
  public static final String KEY_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
  private static final Pattern KEY_ID = Pattern.compile(KEY_ID_PATTERN);
  public static final int MIN_MODULUS_BITS = 2048;
  private static final BigInteger F4 = BigInteger.valueOf(65537);

  public PublisherKey {
    Objects.requireNonNull(keyId, "keyId");
    jwk = Map.copyOf(Objects.requireNonNull(jwk, "jwk"));
  }

  /** Whether a request of {@code time} may be signed with it. */
  public boolean usableFor(Instant time) {
    return revokedAt == null && (notAfter == null || !time.isAfter(notAfter));
  }

  public PublisherKey revoked(Instant at) {
    return new PublisherKey(keyId, jwk, addedAt, addedBy, notAfter, at);
  }

  /** The key; call only on a JWK {@link #check} accepted. */
  @JsonIgnore
  public RSAPublicKey publicKey() {
    try {
      return RSAKey.parse(new LinkedHashMap<String, Object>(jwk)).toRSAPublicKey();
    } catch (ParseException | JOSEException e) {
      throw new IllegalArgumentException("key " + keyId + " is not an RSA JWK: " + e.getMessage());
    }
  }

  /**
   * What is wrong with a key a tenant registers, each violation naming its field ({@code keyId},
   * {@code jwk.kty}, {@code jwk.n}, …); empty when it is an RSA public key of at least 2048 bits
   * with the exponent 65537.
   */
  public static List<Violation> check(String keyId, Map<String, ?> jwk) {
    List<Violation> out = new ArrayList<>();
    if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
      out.add(
          new Violation("keyId", "pattern", "keyId is required and must match " + KEY_ID_PATTERN));
    }
    if (jwk == null) {
      out.add(new Violation("jwk", "required", "jwk (the RSA public key as a JWK) is required"));
      return out;
    }
    for (String secret : List.of("d", "p", "q", "dp", "dq", "qi")) {
      if (jwk.containsKey(secret)) {
        out.add(
            new Violation(
                "jwk." + secret,
                "publicOnly",
                "jwk holds a private key member '" + secret + "'; register the public key only"));
      }
    }
    if (!"RSA".equals(jwk.get("kty"))) {
      out.add(new Violation("jwk.kty", "const", "jwk.kty must be RSA (requests are RS256)"));
      return out;
    }
    if (!(jwk.get("n") instanceof String) || !(jwk.get("e") instanceof String)) {
      out.add(new Violation("jwk.n", "required", "jwk.n and jwk.e are required strings"));
      return out;
    }
    if (!out.isEmpty()) {
      return out;
    }
    try {
      RSAPublicKey key = RSAKey.parse(new LinkedHashMap<String, Object>(jwk)).toRSAPublicKey();
      if (key.getModulus().bitLength() < MIN_MODULUS_BITS) {
        out.add(
            new Violation(
                "jwk.n",
                "minBits",
                "the modulus has "
                    + key.getModulus().bitLength()
                    + " bits; at least "
                    + MIN_MODULUS_BITS
                    + " are required"));
      }
      if (!F4.equals(key.getPublicExponent())) {
        out.add(new Violation("jwk.e", "const", "jwk.e must be AQAB (65537)"));
      }
    } catch (ParseException | JOSEException | RuntimeException e) {
      out.add(new Violation("jwk", "rsaKey", "jwk is not a readable RSA key: " + e.getMessage()));
    }
    return out;
  }

  /** The public members of a JWK, the only ones kept. */
  public static Map<String, String> publicMembers(Map<String, ?> jwk) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("kty", String.valueOf(jwk.get("kty")));
    out.put("n", String.valueOf(jwk.get("n")));
    out.put("e", String.valueOf(jwk.get("e")));
    return out;
  }
}
