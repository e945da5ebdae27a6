package io.faultline.scheduler.controls;

import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.ids.TenantId;
import io.faultline.scheduler.engine.CommandBus;
import io.faultline.scheduler.security.Caller;
import io.faultline.scheduler.web.ForbiddenException;
import io.faultline.scheduler.web.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Halt switches: a tenant's (tenant admin) and the platform's (platform admin). */
@Tag(name = "controls")
@RestController
class ControlController {
  private final CommandBus bus;
  private final Clock clock;

  ControlController(CommandBus bus, Clock clock) {
    this.bus = bus;
    this.clock = clock;
  }

  /** An optional reason, carried in the control event. */
  record ControlRequest(String reason) {}

  /** The control that was published. */
  record ControlIssued(String controlId, String action, String key) {}

  @Operation(summary = "Halt a tenant: no new faults; running ones are aborted")
  @PostMapping("/api/v1/tenants/{tenantId}/halt")
  ResponseEntity<ControlIssued> haltTenant(
      @PathVariable String tenantId, @RequestBody(required = false) ControlRequest body) {
    return issue(ControlAction.HALT_TENANT, TenantId.of(tenantId), body);
  }

  @Operation(summary = "Resume a halted tenant")
  @PostMapping("/api/v1/tenants/{tenantId}/resume")
  ResponseEntity<ControlIssued> resumeTenant(
      @PathVariable String tenantId, @RequestBody(required = false) ControlRequest body) {
    return issue(ControlAction.RESUME_TENANT, TenantId.of(tenantId), body);
  }

  @Operation(summary = "Halt everything (platform admin: admin token without a tenant)")
  @PostMapping("/api/v1/platform/halt")
  ResponseEntity<ControlIssued> haltPlatform(@RequestBody(required = false) ControlRequest body) {
    requirePlatformAdmin();
    return issue(ControlAction.HALT_PLATFORM, null, body);
  }

  @Operation(summary = "Resume everything (platform admin)")
  @PostMapping("/api/v1/platform/resume")
  ResponseEntity<ControlIssued> resumePlatform(@RequestBody(required = false) ControlRequest body) {
    requirePlatformAdmin();
    return issue(ControlAction.RESUME_PLATFORM, null, body);
  }

  private static void requirePlatformAdmin() {
    if (Caller.current().tenantId() != null) {
      throw new ForbiddenException(
          "platform controls need a platform admin token (admin role, no tenant claim)");
    }
  }

  private ResponseEntity<ControlIssued> issue(
      ControlAction action, TenantId tenant, ControlRequest body) {
    String reason = body == null ? null : body.reason();
    if (reason != null && reason.length() > 500) {
      throw new InvalidRequestException("reason", "maxLength", "at most 500 characters");
    }
    FaultControl control =
        new FaultControl(
            UUID.randomUUID().toString(),
            action,
            tenant,
            null,
            null,
            reason,
            Caller.current().actor(),
            clock.instant());
    bus.control(control, null);
    return ResponseEntity.accepted()
        .body(new ControlIssued(control.controlId(), action.name(), control.key()));
  }
}
