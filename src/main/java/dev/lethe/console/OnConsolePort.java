package dev.lethe.console;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Whether a request came in on the console's own port. Spring applies the console's filter chains
 * to the metrics port's server too; without this, the metrics port (often on every interface) took
 * sign-ins: a password oracle and a way to lock users out for whoever could reach it.
 */
final class OnConsolePort implements RequestMatcher {

  private final ApplicationContext context;
  private final boolean consoleOn;

  OnConsolePort(ApplicationContext context, boolean consoleOn) {
    this.context = context;
    this.consoleOn = consoleOn;
  }

  @Override
  public boolean matches(HttpServletRequest request) {
    if (!consoleOn || !(context instanceof WebServerApplicationContext web)) {
      return false; // without users, no port is the console's
    }
    var server = web.getWebServer();
    return server != null && request.getLocalPort() == server.getPort();
  }
}
