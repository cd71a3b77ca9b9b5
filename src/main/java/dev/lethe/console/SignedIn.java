package dev.lethe.console;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Who is signed in, for every page's header: their name, and which sections they may open. */
@ControllerAdvice(
    assignableTypes = {
      DashboardPage.class,
      HoldPages.class,
      StatisticPages.class,
      AuditPages.class,
      RunPages.class,
      RequestPages.class,
      FlagPages.class
    })
class SignedIn {

  /** The signed-in user as a page shows them. */
  record Me(String name, boolean compliance, boolean analyst, boolean runs, boolean operator) {}

  @ModelAttribute("me")
  Me me(Authentication user) {
    if (user == null) {
      return new Me("", false, false, false, false);
    }
    return new Me(
        user.getName(),
        Roles.has(user, ConsoleConfiguration.COMPLIANCE),
        Roles.has(user, ConsoleConfiguration.ANALYST),
        Roles.has(user, ConsoleConfiguration.OPERATOR)
            || Roles.has(user, ConsoleConfiguration.VIEWER),
        Roles.has(user, ConsoleConfiguration.OPERATOR));
  }
}
