package io.faultline.scheduler.security;

import io.faultline.events.ids.TenantId;
import io.faultline.scheduler.web.Violations;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /dev/tokens}: a development token, in local mode only. */
@Tag(name = "local development")
@RestController
@ConditionalOnProperty(name = "faultline.security.dev-tokens.enabled", havingValue = "true")
class DevTokenController {
  private final DevTokens tokens;

  DevTokenController(DevTokens tokens) {
    this.tokens = tokens;
  }

  /**
   * @param tenantId the tenant, or null for a platform token
   * @param roles viewer, operator, admin
   */
  record TokenRequest(String subject, String tenantId, List<String> roles) {}

  record TokenResponse(String token, String tokenType) {}

  @Operation(summary = "Mint a local development token (local mode only)")
  @PostMapping("/dev/tokens")
  TokenResponse mint(@RequestBody TokenRequest request) {
    Violations v = new Violations();
    v.text("subject", request.subject(), "^[A-Za-z0-9._@:-]{1,128}$", true);
    v.text("tenantId", request.tenantId(), TenantId.PATTERN, false);
    if (v.required("roles", request.roles())) {
      for (int i = 0; i < request.roles().size(); i++) {
        v.text("roles[" + i + "]", request.roles().get(i), "^(viewer|operator|admin)$", true);
      }
    }
    v.throwIfAny();
    return new TokenResponse(
        tokens.mint(request.subject(), request.tenantId(), request.roles()), "Bearer");
  }
}
