package dev.lethe.console;

import dev.lethe.system.BadInputException;
import dev.lethe.system.LetheProperties;
import java.util.HashMap;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.MapPropertySource;

/**
 * Which port {@code lethe serve} answers on, decided once its settings are read (the configuration
 * file and the environment): with console users (or an OpenID Connect provider), the console on
 * {@code lethe.console.address} and {@code lethe.console.port}, and the metrics on a port of their
 * own; without, the metrics port alone, as before the console existed; with neither, no port at
 * all.
 */
public final class ConsolePorts
    implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

  private final Integer metricsPort;

  /**
   * @param metricsPort the metrics port, null where it is off
   */
  public ConsolePorts(Integer metricsPort) {
    this.metricsPort = metricsPort;
  }

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    var environment = event.getEnvironment();
    checkUserNames(environment);
    var binder = Binder.get(environment);
    boolean console =
        binder
            .bind(
                "lethe.console.users",
                Bindable.mapOf(String.class, LetheProperties.ConsoleUser.class))
            .map(users -> !users.isEmpty())
            .orElse(false);
    boolean oidc = binder.bind("lethe.console.oidc.issuer-uri", String.class).isBound();
    console = console || oidc;
    var ports = new HashMap<String, Object>();
    if (!console) {
      ports.put("server.port", metricsPort == null ? -1 : metricsPort);
    } else {
      int port = binder.bind("lethe.console.port", Integer.class).orElse(8080);
      if (metricsPort != null && metricsPort != 0 && metricsPort == port) {
        throw new BadInputException(
            "lethe.console.port and --metrics-port are both "
                + port
                + ". Fix: give the console or the metrics another port");
      }
      ports.put("server.port", port);
      ports.put(
          "server.address", binder.bind("lethe.console.address", String.class).orElse("127.0.0.1"));
      // the metrics keep their own port, and the interface server.address named for them before
      ports.put("management.server.port", metricsPort == null ? -1 : metricsPort);
      binder
          .bind("server.address", String.class)
          .ifBound(address -> ports.put("management.server.address", address));
      ports.put(
          "server.servlet.session.timeout",
          binder
              .bind("lethe.console.session-timeout", java.time.Duration.class)
              .orElse(java.time.Duration.ofMinutes(30)));
      // the session's cookie: never read by a script, never sent from another site's page
      ports.put("server.servlet.session.cookie.http-only", true);
      // strict, but where the provider of an OpenID Connect sign-in sends the browser back: that
      // is a navigation from another site, which must carry the cookie of the sign-in it started
      // (lax: still never on another site's POST, and every form has its token besides)
      ports.put("server.servlet.session.cookie.same-site", oidc ? "lax" : "strict");
      boolean behindTls = binder.bind("lethe.console.secure-cookies", Boolean.class).orElse(false);
      ports.put("server.servlet.session.cookie.secure", behindTls);
      if (behindTls) {
        // behind a TLS proxy: redirects keep https (X-Forwarded-Proto), taken from proxies on
        // internal addresses only (Tomcat's RemoteIpValve)
        ports.put("server.forward-headers-strategy", "native");
      }
      ports.put("server.servlet.session.tracking-modes", "cookie");
      // a form of the console is a few fields; none needs more than this
      ports.put("server.tomcat.max-http-form-post-size", "64KB");
    }
    // first: these are decisions, not defaults a file could override
    environment.getPropertySources().addFirst(new MapPropertySource("lethe-serve-ports", ports));
  }

  private static final java.util.regex.Pattern USER_SETTING =
      java.util.regex.Pattern.compile(
          "lethe\\.console\\.users(?:\\.|\\[)(.*?)\\]?\\.(?:password-hash|passwordHash|roles)(?:\\[\\d+])?");

  /**
   * Refuses a user name as it is written in the settings, before Spring's binding of map keys drops
   * what it does not take ({@code dpo@corp} would become {@code dpocorp}, a user nobody named) or
   * splits it ({@code dpo@corp.be}).
   */
  private static void checkUserNames(org.springframework.core.env.ConfigurableEnvironment env) {
    for (var source : env.getPropertySources()) {
      if (!(source instanceof org.springframework.core.env.EnumerablePropertySource<?> named)) {
        continue;
      }
      for (var property : named.getPropertyNames()) {
        var user = USER_SETTING.matcher(property);
        if (user.matches() && !LetheProperties.Console.NAME.matcher(user.group(1)).matches()) {
          throw new BadInputException(
              "lethe.console.users: '"
                  + dev.lethe.system.PlainText.shown(user.group(1))
                  + "' is not a user name: lower-case letters, digits, - and _ (at most 64),"
                  + " in "
                  + source.getName()
                  + ". Fix: rename the user");
        }
      }
    }
  }
}
