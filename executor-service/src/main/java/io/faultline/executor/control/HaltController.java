package io.faultline.executor.control;

import io.faultline.events.ids.TenantId;
import io.faultline.executor.security.Caller;
import io.faultline.executor.security.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The halt that works when Kafka does not: the scheduler's halt paths, answered by this executor
 * itself. A tenant's admin halts only its own tenant; a platform admin (admin token without a
 * tenant) halts the platform. Resuming stays with the scheduler.
 */
@RestController
class HaltController {
  static final int MAX_REASON = 500;

  private final Halts halts;

  HaltController(Halts halts) {
    this.halts = halts;
  }

  /** An optional reason, carried in the control record. */
  record HaltRequest(String reason) {}

  /**
   * What was applied here and whether the controls topic has it yet.
   *
   * @param published false while the broker has not acknowledged it (it keeps being retried)
   */
  record HaltApplied(
      String controlId, String action, String key, String issuedBy, boolean published) {}

  /** A refusal of the request itself, after authentication. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final HttpStatus status;
    private final String rule;
    private final String field;

    Refused(HttpStatus status, String rule, String field, String message) {
      super(message, null, false, false);
      this.status = status;
      this.rule = rule;
      this.field = field;
    }
  }

  @PostMapping("/api/v1/tenants/{tenantId}/halt")
  ResponseEntity<HaltApplied> haltTenant(
      @PathVariable String tenantId, @RequestBody(required = false) HaltRequest body) {
    if (!tenantId.matches(TenantId.PATTERN)) {
      throw new Refused(
          HttpStatus.BAD_REQUEST, "pattern", "tenantId", "tenantId must match " + TenantId.PATTERN);
    }
    Caller caller = Caller.current();
    if (!tenantId.equals(caller.tenantId())) {
      throw new Refused(
          HttpStatus.FORBIDDEN,
          "tenantMismatch",
          null,
          caller.tenantId() == null
              ? "a platform token halts the platform (POST /api/v1/platform/halt), not a tenant"
              : "your token does not grant access to tenant " + tenantId);
    }
    return issue(TenantId.of(tenantId), body, caller);
  }

  @PostMapping("/api/v1/platform/halt")
  ResponseEntity<HaltApplied> haltPlatform(@RequestBody(required = false) HaltRequest body) {
    Caller caller = Caller.current();
    if (caller.tenantId() != null) {
      throw new Refused(
          HttpStatus.FORBIDDEN,
          "platformAdminOnly",
          null,
          "halting the platform needs a platform admin token (admin role, no tenant claim)");
    }
    return issue(null, body, caller);
  }

  private ResponseEntity<HaltApplied> issue(TenantId tenant, HaltRequest body, Caller caller) {
    String reason = body == null ? null : body.reason();
    if (reason != null && reason.length() > MAX_REASON) {
      throw new Refused(
          HttpStatus.BAD_REQUEST,
          "maxLength",
          "reason",
          "reason has " + reason.length() + " characters; at most " + MAX_REASON);
    }
    Halts.Issued issued = halts.halt(tenant, reason, caller.actor());
    return ResponseEntity.accepted()
        .body(
            new HaltApplied(
                issued.control().controlId(),
                issued.control().action().name(),
                issued.control().key(),
                issued.control().issuedBy(),
                issued.isPublished()));
  }

  @ExceptionHandler(Refused.class)
  ResponseEntity<String> refused(Refused e) {
    return problem(e.status, e.rule, e.field, e.getMessage());
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<String> unreadable(HttpMessageNotReadableException e) {
    return problem(
        HttpStatus.BAD_REQUEST,
        "json",
        "$",
        "the body must be a JSON object like {\"reason\": \"…\"}");
  }

  private static ResponseEntity<String> problem(
      HttpStatus status, String rule, String field, String detail) {
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(Problems.json(status.value(), status.getReasonPhrase(), rule, field, detail));
  }
}
