package io.faultline.scheduler.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.scheduler.security.Caller;
import io.faultline.scheduler.security.Role;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.web.NotFoundException;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves this instance's own store entries to the other instances (routed reads). Authenticated
 * with the original caller's token, so tenant checks apply here too; never forwards again.
 */
@Hidden
@RestController
class InternalStoreController {
  static final String PATH = "/internal/tenants/{tenantId}/stores/{store}";

  private final StateQueries queries;

  InternalStoreController(StateQueries queries) {
    this.queries = queries;
  }

  @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<byte[]> read(
      @PathVariable String tenantId,
      @PathVariable String store,
      @RequestParam(defaultValue = "") String key) {
    if (!StoreNames.all().contains(store)) {
      throw new NotFoundException("no store " + store);
    }
    Integer partition = queries.localPartition(store, tenantId);
    List<byte[]> values = queries.readLocal(store, tenantId, key.isEmpty() ? null : key, partition);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("[".getBytes(StandardCharsets.UTF_8));
    boolean mask =
        store.equals(StoreNames.TENANTS) && !Caller.current().roles().contains(Role.ADMIN);
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.writeBytes(",".getBytes(StandardCharsets.UTF_8));
      }
      out.writeBytes(mask ? masked(values.get(i)) : values.get(i));
    }
    out.writeBytes("]".getBytes(StandardCharsets.UTF_8));
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out.toByteArray());
  }

  /**
   * A tenant's state without its external ids, for a caller who is not the tenant's admin: the
   * forwarding instance shows such a caller none anyway, and this path is reachable directly.
   */
  static byte[] masked(byte[] tenantState) {
    JsonNode state = StateJson.tree(tenantState);
    mask(state.path("accounts"));
    mask(state.path("policy").path("accounts"));
    return StateJson.write(state);
  }

  private static void mask(JsonNode accounts) {
    for (JsonNode account : accounts) {
      ObjectNode fields = (ObjectNode) account;
      for (String field : List.of("externalId", "previousExternalId")) {
        if (fields.has(field)) {
          fields.put(field, MASK);
        }
      }
    }
  }

  /** Satisfies the records (an id is required) and the contract's pattern; never a real id. */
  static final String MASK = "masked";
}
