package io.faultline.scheduler.security;

import io.faultline.scheduler.web.ForbiddenException;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The authenticated caller: its subject, its tenant (null for a platform token) and its roles.
 *
 * @param subject the token's {@code sub}, recorded as {@code issuedBy}/{@code requestedBy}
 */
public record Caller(String subject, String tenantId, Set<Role> roles) {

  /** The authority carrying the caller's tenant id (set from the tenant claim). */
  static final String TENANT_AUTHORITY = "TENANT_";

  /** The caller of the current request. */
  public static Caller current() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !(auth.getPrincipal() instanceof Jwt jwt)) {
      throw new ForbiddenException("not authenticated");
    }
    String tenant = null;
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (GrantedAuthority authority : auth.getAuthorities()) {
      String name = authority.getAuthority();
      if (name == null) {
        continue;
      }
      if (name.startsWith(TENANT_AUTHORITY)) {
        tenant = name.substring(TENANT_AUTHORITY.length());
      }
      for (Role role : Role.values()) {
        if (role.authority().equals(name)) {
          roles.add(role);
        }
      }
    }
    return new Caller(jwt.getSubject() == null ? "unknown" : jwt.getSubject(), tenant, roles);
  }

  /** Who did it, as recorded in events: {@code user:<sub>}. */
  public String actor() {
    return "user:" + subject;
  }
}
