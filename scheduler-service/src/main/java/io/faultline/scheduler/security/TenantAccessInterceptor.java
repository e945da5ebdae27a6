package io.faultline.scheduler.security;

import io.faultline.events.ids.TenantId;
import io.faultline.scheduler.web.ForbiddenException;
import io.faultline.scheduler.web.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Tenant isolation: a request whose path names a tenant ({@code {tenantId}}) is refused unless the
 * caller's token belongs to that tenant. Applies to every handler, so no endpoint can forget it.
 */
class TenantAccessInterceptor implements HandlerInterceptor {
  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object h) {
    @SuppressWarnings("unchecked")
    Map<String, String> variables =
        (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    if (variables == null || !variables.containsKey("tenantId")) {
      return true;
    }
    String tenantId = variables.get("tenantId");
    if (tenantId == null || !tenantId.matches(TenantId.PATTERN)) {
      throw new NotFoundException("no tenant " + tenantId);
    }
    Caller caller = Caller.current();
    if (!tenantId.equals(caller.tenantId())) {
      throw new ForbiddenException("your token does not grant access to tenant " + tenantId);
    }
    return true;
  }
}
