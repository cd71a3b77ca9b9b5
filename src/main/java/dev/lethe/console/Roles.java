package dev.lethe.console;

import org.springframework.security.core.Authentication;

/** Whether a signed-in user has a role, for what a page shows (access itself is the filter's). */
final class Roles {

  private Roles() {}

  static boolean has(Authentication user, String role) {
    return user != null
        && user.getAuthorities().stream().anyMatch(a -> ("ROLE_" + role).equals(a.getAuthority()));
  }
}
