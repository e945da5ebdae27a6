package io.faultline.policy.authentication;

import io.faultline.events.decision.RuleCode;
import io.faultline.events.policy.PublisherKey;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.signing.DetachedSignature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a request comes from its tenant (ADR 0008). Pure but for a cache of parsed keys:
 * the same request, policy and append time always give the same answer, so a replayed admission log
 * authenticates as it did. Checks run cheapest first; the one signature verification is last.
 */
public final class RequestAuthentication {
  /** The {@code kid} prefix of the scheduler's platform keys; never a tenant id (no colon). */
  public static final String PLATFORM_KID_PREFIX = "platform:";

  private static final int MAX_CACHED_KEYS = 10_000;

  private final Settings settings;
  private final Map<String, RSAPublicKey> keys = new HashMap<>();

  /**
   * @param platformKeys the scheduler's public keys by key id ({@code kid} {@code platform:<id>})
   * @param platformSource the only CloudEvents source whose requests the platform keys may sign
   * @param maxAge how long before its append time a request's {@code time} may be
   * @param maxAhead how far after its append time a request's {@code time} may be (clock skew)
   */
  public record Settings(
      Map<String, RSAPublicKey> platformKeys,
      String platformSource,
      Duration maxAge,
      Duration maxAhead) {
    public static final String SCHEDULER_SOURCE = "/faultline/scheduler-service";

    public Settings {
      platformKeys = Map.copyOf(platformKeys);
      Objects.requireNonNull(platformSource, "platformSource");
      Objects.requireNonNull(maxAge, "maxAge");
      Objects.requireNonNull(maxAhead, "maxAhead");
    }

    /** No platform key, the documented default ages (5 min back, 30 s ahead). */
    public static Settings defaults() {
      return new Settings(
          Map.of(), SCHEDULER_SOURCE, Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    public Settings withPlatformKeys(Map<String, RSAPublicKey> keys) {
      return new Settings(keys, platformSource, maxAge, maxAhead);
    }
  }

  /** Why a request was refused: one of the four authentication codes and a sentence. */
  public record Refusal(RuleCode code, String detail) {}

  public RequestAuthentication(Settings settings) {
    this.settings = settings;
  }

  /**
   * The refusal of a request of {@code tenant}, or empty when it may be decided. A tenant without a
   * policy is left to the rules (they reject it as unknown).
   *
   * @param signature as intake read it; null when the request carries none
   * @param appendedAtMs the request's append time on the requests topic
   */
  public Optional<Refusal> check(
      String tenant, RequestSignature signature, TenantPolicy policy, long appendedAtMs) {
    if (policy == null) {
      return Optional.empty();
    }
    if (signature == null) {
      return policy.requireSignedRequests()
          ? refuse(
              RuleCode.UNAUTHENTICATED,
              "tenant "
                  + tenant
                  + " requires signed requests and this one carries no signature (header"
                  + " ce_faultlinesig)")
          : Optional.empty();
    }
    if (signature.unreadable() != null) {
      return refuse(RuleCode.SIGNATURE_INVALID, signature.unreadable());
    }
    DetachedSignature jws;
    try {
      jws = DetachedSignature.parse(signature.jws());
    } catch (IllegalArgumentException e) {
      return refuse(RuleCode.SIGNATURE_INVALID, e.getMessage());
    }
    Instant time;
    try {
      time = OffsetDateTime.parse(signature.canonical().time()).toInstant();
    } catch (DateTimeParseException e) {
      return refuse(
          RuleCode.SIGNATURE_INVALID,
          "ce_time '" + signature.canonical().time() + "' is not an RFC 3339 time");
    }
    KeyLookup lookup = key(tenant, jws.keyId(), signature.source(), policy, time);
    if (lookup.refusal() != null) {
      return Optional.of(lookup.refusal());
    }
    Instant appended = Instant.ofEpochMilli(appendedAtMs);
    if (time.isBefore(appended.minus(settings.maxAge()))) {
      return refuse(
          RuleCode.SIGNATURE_EXPIRED,
          "time "
              + signature.canonical().time()
              + " is more than "
              + settings.maxAge()
              + " before the request's append time "
              + appended);
    }
    if (time.isAfter(appended.plus(settings.maxAhead()))) {
      return refuse(
          RuleCode.SIGNATURE_EXPIRED,
          "time "
              + signature.canonical().time()
              + " is more than "
              + settings.maxAhead()
              + " after the request's append time "
              + appended);
    }
    if (!jws.verifies(signature.canonical(), lookup.key())) {
      return refuse(
          RuleCode.SIGNATURE_INVALID,
          "the signature does not verify with key "
              + jws.keyId()
              + " over the request's canonical form ("
              + "faultline-request-v1)");
    }
    return Optional.empty();
  }

  private record KeyLookup(RSAPublicKey key, Refusal refusal) {}

  private KeyLookup key(
      String tenant, String kid, String source, TenantPolicy policy, Instant time) {
    if (kid.startsWith(PLATFORM_KID_PREFIX)) {
      RSAPublicKey key = settings.platformKeys().get(kid.substring(PLATFORM_KID_PREFIX.length()));
      if (key == null) {
        return unknown("no platform key " + kid + " is configured");
      }
      if (!settings.platformSource().equals(source)) {
        return unknown(
            "platform key "
                + kid
                + " signs only requests of source "
                + settings.platformSource()
                + ", not "
                + source);
      }
      return new KeyLookup(key, null);
    }
    int slash = kid.indexOf('/');
    if (slash < 0 || !kid.substring(0, slash).equals(tenant)) {
      return unknown(
          "key "
              + kid
              + " is not a key of tenant "
              + tenant
              + " (a tenant's kid is <tenant>/<key id>)");
    }
    String keyId = kid.substring(slash + 1);
    PublisherKey registered = policy.publisherKey(keyId).orElse(null);
    if (registered == null) {
      return unknown("tenant " + tenant + " has no publisher key " + keyId);
    }
    if (registered.revokedAt() != null) {
      return unknown("publisher key " + kid + " was revoked at " + registered.revokedAt());
    }
    if (!registered.usableFor(time)) {
      return unknown(
          "publisher key " + kid + " is valid until " + registered.notAfter() + ", not " + time);
    }
    String cacheKey = kid + "#" + registered.jwk().get("n");
    RSAPublicKey key = keys.get(cacheKey);
    if (key == null) {
      if (keys.size() >= MAX_CACHED_KEYS) {
        keys.clear();
      }
      key = registered.publicKey();
      keys.put(cacheKey, key);
    }
    return new KeyLookup(key, null);
  }

  private static KeyLookup unknown(String detail) {
    return new KeyLookup(null, new Refusal(RuleCode.UNKNOWN_KEY, detail));
  }

  private static Optional<Refusal> refuse(RuleCode code, String detail) {
    return Optional.of(new Refusal(code, detail));
  }
}
