package io.faultline.scheduler.runs;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The live stream of a tenant's lifecycle events and run events. */
@Tag(name = "runs")
@RestController
class EventStreamController {
  private final LifecycleStream stream;

  EventStreamController(LifecycleStream stream) {
    this.stream = stream;
  }

  @Operation(
      summary = "Live lifecycle events and run events of the tenant (Server-Sent Events)",
      description =
          "A lifecycle event: name = lifecycle stage, id = faultId:sequence, data = the"
              + " contract's fault-lifecycle.v1 JSON. A run event (probe reading, steady-state,"
              + " bake and final results, stop-condition breach, verdict): name = its CloudEvents"
              + " type io.faultline.run.v1, id = its event id, data = the contract's run-event.v1"
              + " JSON (kind says which). Starts at the live end of the topic; a comment every"
              + " heartbeat while silent. An instance serves at most 20 streams of a tenant and"
              + " 1,000 in total (defaults): one more is 429 with Retry-After, rule"
              + " maxConnectionsPerTenant or maxConnections. A client that falls a whole queue"
              + " behind (1,024 events by default) gets a last event named dropped and is"
              + " disconnected.")
  @GetMapping(
      path = "/api/v1/tenants/{tenantId}/events",
      produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(@PathVariable String tenantId) {
    return stream.subscribe(tenantId);
  }
}
