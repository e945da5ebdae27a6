package io.faultline.executor.security;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The authenticated caller of the current request.
 *
 * @param subject the token's {@code sub}
 * @param tenantId the token's tenant; null on a platform token
 */
public record Caller(String subject, String tenantId, Set<Role> roles) {
  static final String TENANT_AUTHORITY = "TENANT_";

  /** The roles of the roles claim; each includes the ones before it. */
  public enum Role {
    VIEWER,
    OPERATOR,
    ADMIN;

    String authority() {
      return "ROLE_" + name();
    }
  }

  /** The caller of the current request; only called behind the API's authentication. */
  public static Caller current() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !(auth.getPrincipal() instanceof Jwt jwt)) {
      throw new IllegalStateException("no authenticated caller");
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

  /** Who did it, as events record it (the scheduler's form): {@code user:<sub>}. */
  public String actor() {
    return "user:" + subject;
  }
}
