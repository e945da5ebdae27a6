package io.faultline.scheduler.tenants;

import io.faultline.events.policy.PublisherKey;
import io.faultline.events.validation.Violation;
import io.faultline.scheduler.engine.CommandBus;
import io.faultline.scheduler.engine.StateQueries;
import io.faultline.scheduler.engine.StoreNames;
import io.faultline.scheduler.security.Caller;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.TenantState;
import io.faultline.scheduler.web.ConflictException;
import io.faultline.scheduler.web.NotFoundException;
import io.faultline.scheduler.web.Violations;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public keys a tenant's publishers sign fault requests with (ADR 0008). They travel in every
 * revision of the tenant's policy, where the policy service finds them by the JWS {@code kid}
 * {@code <tenant>/<keyId>}. Adding and revoking is for the tenant's admin ({@code SecurityConfig});
 * a revoked key stays listed, so requests signed with it are refused, and its id is never reused.
 */
@Tag(name = "publisher keys")
@RestController
class PublisherKeyController {
  private final StateQueries queries;
  private final TenantCommands tenants;
  private final Clock clock;

  PublisherKeyController(CommandBus bus, StateQueries queries, Clock clock) {
    this.queries = queries;
    this.tenants = new TenantCommands(bus, queries);
    this.clock = clock;
  }

  /**
   * @param jwk the RSA public key as a JWK: {@code kty} {@code RSA}, {@code n}, {@code e}; other
   *     public members are ignored, private ones refused
   * @param notAfter RFC 3339 instant after which requests signed with the key are refused; optional
   */
  record PublisherKeyRequest(String keyId, Map<String, Object> jwk, String notAfter) {}

  /**
   * A publisher key as the API shows it (to every role of the tenant: it is public).
   *
   * @param kid what publishers put in the JWS header: {@code <tenant>/<keyId>}
   * @param jwk the stored public members: {@code kty}, {@code n}, {@code e}
   * @param revokedAt absent while the key is in use
   */
  record PublisherKeyView(
      String keyId,
      String kid,
      Map<String, String> jwk,
      Instant addedAt,
      String addedBy,
      Instant notAfter,
      Instant revokedAt) {}

  @Operation(
      summary = "Register a publisher key",
      description =
          "An RSA public key (JWK, modulus of at least 2048 bits, exponent AQAB) the tenant's"
              + " publishers sign fault requests with; they name it as kid <tenant>/<keyId>. Only"
              + " kty, n and e are kept; a JWK holding private members is refused. A keyId is"
              + " never reused, a revoked one included (409). The tenant's policy, when it has"
              + " one, is published again with the key. Admin only.")
  @PostMapping("/api/v1/tenants/{tenantId}/publisher-keys")
  ResponseEntity<PublisherKeyView> add(
      @PathVariable String tenantId, @RequestBody PublisherKeyRequest body) {
    Violations v = new Violations();
    for (Violation x : PublisherKey.check(body.keyId(), body.jwk())) {
      v.add(x.path(), x.rule(), x.message());
    }
    Instant now = clock.instant();
    Instant notAfter = notAfter(body.notAfter(), now, v);
    v.throwIfAny();
    Optional<TenantState> state = state(tenantId);
    List<PublisherKey> keys = state.map(TenantState::publisherKeys).orElse(List.of());
    if (keys.stream().anyMatch(k -> k.keyId().equals(body.keyId()))) {
      throw new ConflictException(
          "publisher key "
              + body.keyId()
              + " exists (revoked keys stay listed and their ids are not reused); choose another"
              + " keyId");
    }
    if (keys.size() >= TenantState.MAX_PUBLISHER_KEYS) {
      throw new ConflictException(
          "tenant "
              + tenantId
              + " has "
              + keys.size()
              + " publisher keys, revoked ones included; at most "
              + TenantState.MAX_PUBLISHER_KEYS
              + " are kept");
    }
    PublisherKey key =
        new PublisherKey(
            body.keyId(),
            PublisherKey.publicMembers(body.jwk()),
            now,
            Caller.current().actor(),
            notAfter,
            null);
    PublisherKey stored =
        change(tenantId, body.keyId(), CommandKind.ADD_PUBLISHER_KEY, key, now)
            .filter(key::equals)
            .orElseThrow(
                () ->
                    new ConflictException(
                        "publisher key " + body.keyId() + " was added meanwhile; read it"));
    return ResponseEntity.created(URI.create(path(tenantId) + "/" + stored.keyId()))
        .body(view(tenantId, stored));
  }

  @Operation(summary = "List the tenant's publisher keys, revoked ones included")
  @GetMapping("/api/v1/tenants/{tenantId}/publisher-keys")
  List<PublisherKeyView> list(@PathVariable String tenantId) {
    return state(tenantId)
        .map(s -> s.publisherKeys().stream().map(k -> view(tenantId, k)).toList())
        .orElse(List.of());
  }

  @Operation(summary = "One publisher key")
  @GetMapping("/api/v1/tenants/{tenantId}/publisher-keys/{keyId}")
  PublisherKeyView get(@PathVariable String tenantId, @PathVariable String keyId) {
    return find(tenantId, keyId)
        .map(k -> view(tenantId, k))
        .orElseThrow(() -> new NotFoundException("no publisher key " + keyId));
  }

  @Operation(
      summary = "Revoke a publisher key",
      description =
          "From now on requests signed with it are refused (as an unknown key). It stays listed"
              + " with revokedAt; revoking it again changes nothing. The tenant's policy, when it"
              + " has one, is published again. Admin only.")
  @DeleteMapping("/api/v1/tenants/{tenantId}/publisher-keys/{keyId}")
  PublisherKeyView revoke(@PathVariable String tenantId, @PathVariable String keyId) {
    if (find(tenantId, keyId).isEmpty()) {
      throw new NotFoundException("no publisher key " + keyId);
    }
    return change(tenantId, keyId, CommandKind.REVOKE_PUBLISHER_KEY, null, clock.instant())
        .map(k -> view(tenantId, k))
        .orElseThrow(() -> new NotFoundException("no publisher key " + keyId));
  }

  /** Sends the command, waits until it is applied and returns the key as then stored. */
  private Optional<PublisherKey> change(
      String tenantId, String keyId, CommandKind kind, PublisherKey key, Instant at) {
    TenantState state =
        tenants.apply(
            SchedulerCommand.of(
                    UUID.randomUUID().toString(),
                    kind,
                    tenantId,
                    keyId,
                    at,
                    Caller.current().actor())
                .withPublisherKey(key));
    return key(state, keyId);
  }

  /** An RFC 3339 instant in the future, or null when absent. */
  private static Instant notAfter(String value, Instant now, Violations v) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Instant at;
    try {
      at = OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      v.add(
          "notAfter",
          "format",
          "notAfter must be an RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z");
      return null;
    }
    if (!at.isAfter(now)) {
      v.add("notAfter", "future", "notAfter must be in the future; it is " + at);
    }
    return at;
  }

  private Optional<TenantState> state(String tenantId) {
    return queries.get(StoreNames.TENANTS, tenantId, null, TenantState.class);
  }

  private Optional<PublisherKey> find(String tenantId, String keyId) {
    return state(tenantId).flatMap(s -> key(s, keyId));
  }

  private static Optional<PublisherKey> key(TenantState state, String keyId) {
    return state.publisherKeys().stream().filter(k -> k.keyId().equals(keyId)).findFirst();
  }

  private static PublisherKeyView view(String tenantId, PublisherKey k) {
    return new PublisherKeyView(
        k.keyId(),
        tenantId + "/" + k.keyId(),
        k.jwk(),
        k.addedAt(),
        k.addedBy(),
        k.notAfter(),
        k.revokedAt());
  }

  private static String path(String tenantId) {
    return "/api/v1/tenants/" + tenantId + "/publisher-keys";
  }
}
