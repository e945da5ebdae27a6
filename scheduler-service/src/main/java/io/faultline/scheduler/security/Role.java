package io.faultline.scheduler.security;

import java.util.Locale;

/** The roles of the {@code roles} claim; each includes the ones below it. */
public enum Role {
  VIEWER,
  OPERATOR,
  ADMIN;

  public String authority() {
    return "ROLE_" + name();
  }

  static Role parse(String claim) {
    return Role.valueOf(claim.trim().toUpperCase(Locale.ROOT));
  }
}
