package io.faultline.scheduler.engine;

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
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.writeBytes(",".getBytes(StandardCharsets.UTF_8));
      }
      out.writeBytes(values.get(i));
    }
    out.writeBytes("]".getBytes(StandardCharsets.UTF_8));
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out.toByteArray());
  }
}
