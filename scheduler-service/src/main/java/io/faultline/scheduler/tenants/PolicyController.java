package io.faultline.scheduler.tenants;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.EventFamily;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.validation.Violation;
import io.faultline.scheduler.engine.CommandBus;
import io.faultline.scheduler.engine.StateQueries;
import io.faultline.scheduler.engine.StoreNames;
import io.faultline.scheduler.security.Caller;
import io.faultline.scheduler.security.Role;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.TenantState;
import io.faultline.scheduler.web.FieldViolation;
import io.faultline.scheduler.web.InvalidRequestException;
import io.faultline.scheduler.web.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A tenant's policy. The body is the contract's TenantPolicy document; {@code tenantId}, {@code
 * revision}, {@code accounts}, {@code publisherKeys}, {@code updatedAt} and {@code updatedBy} are
 * set by the platform (accounts come from account registration, publisher keys from their own
 * endpoint) and may be omitted. Only a tenant's admin may PUT it ({@code SecurityConfig}), which is
 * what ADR 0008 asks of {@code requireSignedRequests}: only the admin may turn it off.
 */
@Tag(name = "policy")
@RestController
class PolicyController {
  private final StateQueries queries;
  private final TenantCommands tenants;
  private final Clock clock;

  PolicyController(CommandBus bus, StateQueries queries, Clock clock) {
    this.queries = queries;
    this.tenants = new TenantCommands(bus, queries);
    this.clock = clock;
  }

  @Operation(
      summary = "Replace the tenant's policy",
      description =
          "Validated against the contract's tenant-policy.v1 JSON Schema, then published on the"
              + " compacted policies topic with the next revision, the registered accounts and"
              + " the publisher keys. requireSignedRequests (absent: true) is the PUT's. Admin"
              + " only.")
  @PutMapping(
      path = "/api/v1/tenants/{tenantId}/policy",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<byte[]> put(@PathVariable String tenantId, @RequestBody byte[] body) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(body);
    } catch (IOException e) {
      throw new InvalidRequestException("$", "json", "the body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new InvalidRequestException("$", "type", "the policy must be a JSON object");
    }
    ObjectNode policy = ((ObjectNode) node).deepCopy();
    if (policy.has("tenantId") && !tenantId.equals(policy.get("tenantId").asText())) {
      throw new InvalidRequestException(
          "tenantId", "const", "tenantId must be the tenant of the path, " + tenantId);
    }
    if (policy.has("accounts")
        && !(policy.get("accounts").isArray() && policy.get("accounts").isEmpty())) {
      throw new InvalidRequestException(
          "accounts",
          "serverManaged",
          "accounts are managed with PUT /api/v1/tenants/{tenantId}/accounts/{accountId}");
    }
    if (policy.has("publisherKeys")
        && !(policy.get("publisherKeys").isArray() && policy.get("publisherKeys").isEmpty())) {
      throw new InvalidRequestException(
          "publisherKeys",
          "serverManaged",
          "publisherKeys are managed with POST /api/v1/tenants/{tenantId}/publisher-keys");
    }
    // The stored keys are carried into the new revision by the engine.
    policy.remove("publisherKeys");
    Caller caller = Caller.current();
    policy.put("tenantId", tenantId);
    policy.put("revision", 0);
    policy.set("accounts", policy.arrayNode());
    policy.put("updatedAt", clock.instant().toString());
    policy.put("updatedBy", caller.actor());
    List<Violation> violations =
        EventCodec.standard().validateData(EventFamily.TENANT_POLICY, policy);
    if (!violations.isEmpty()) {
      throw new InvalidRequestException(
          violations.stream()
              .map(x -> new FieldViolation(field(x.path()), x.rule(), x.message()))
              .toList());
    }
    TenantPolicy parsed;
    try {
      parsed = Json.mapper().treeToValue(policy, TenantPolicy.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidRequestException("$", "binding", "the policy cannot be read: " + e);
    }
    TenantState state =
        tenants.apply(
            SchedulerCommand.of(
                    UUID.randomUUID().toString(),
                    CommandKind.PUT_POLICY,
                    tenantId,
                    tenantId,
                    clock.instant(),
                    caller.actor())
                .withPolicy(parsed));
    return json(state.policy());
  }

  @Operation(summary = "The tenant's current policy (latest revision, with its accounts and keys)")
  @GetMapping(
      path = "/api/v1/tenants/{tenantId}/policy",
      produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<byte[]> get(@PathVariable String tenantId) {
    TenantPolicy policy =
        queries
            .get(StoreNames.TENANTS, tenantId, null, TenantState.class)
            .map(TenantState::policy)
            .orElseThrow(() -> new NotFoundException("tenant " + tenantId + " has no policy"));
    if (Caller.current().roles().contains(Role.ADMIN)) {
      return json(policy);
    }
    // The external ids are the tenant admin's shared secret with AWS: other roles get the
    // document without them.
    ObjectNode document = (ObjectNode) Json.mapper().valueToTree(policy);
    for (JsonNode account : document.path("accounts")) {
      ((ObjectNode) account).remove(List.of("externalId", "previousExternalId"));
    }
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .body(EventCodec.standard().toJson(document));
  }

  private static ResponseEntity<byte[]> json(TenantPolicy policy) {
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .body(EventCodec.standard().toJson(policy));
  }

  /** {@code $.bounds.maxTargets} → {@code bounds.maxTargets}; {@code $} stays. */
  static String field(String path) {
    return path.startsWith("$.") ? path.substring(2) : path;
  }
}
