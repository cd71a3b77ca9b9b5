package dev.lethe.cli;

import dev.lethe.CoreConfiguration;
import dev.lethe.RuntimeConfiguration;
import dev.lethe.ServeConfiguration;
import dev.lethe.system.BadInputException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts only what a command needs: {@link CoreConfiguration} (settings, stores, policies) for
 * {@code validate}, {@link RuntimeConfiguration} (with the control database, Flyway and Spring
 * Batch) for the commands that run or record something, and {@code RecordsConfiguration} (with JPA)
 * for those that edit holds, restrictions, objections or requests.
 */
final class Contexts {

  private Contexts() {}

  static ConfigurableApplicationContext core(GlobalOptions options) {
    return start(CoreConfiguration.class, options, Map.of());
  }

  static ConfigurableApplicationContext runtime(GlobalOptions options) {
    return runtime(options, Map.of());
  }

  static ConfigurableApplicationContext runtime(GlobalOptions options, Map<String, Object> extra) {
    return start(RuntimeConfiguration.class, options, extra);
  }

  /**
   * The runtime context with Lethe's records as entities on Hibernate: for the commands that edit
   * holds, restrictions, objections and requests (docs/decisions/0004).
   */
  static ConfigurableApplicationContext records(GlobalOptions options) {
    return records(options, Map.of());
  }

  static ConfigurableApplicationContext records(GlobalOptions options, Map<String, Object> extra) {
    return start(dev.lethe.RecordsConfiguration.class, options, extra);
  }

  /**
   * The runtime context of {@code serve}; with a metrics port, also an HTTP server with Actuator's
   * health and Prometheus endpoints ({@code /actuator/health}, {@code /actuator/prometheus}).
   */
  static ConfigurableApplicationContext serve(GlobalOptions options, Integer metricsPort) {
    var web = new HashMap<String, Object>();
    web.put("spring.main.web-application-type", "servlet");
    web.put("management.endpoints.web.exposure.include", "health,prometheus");
    // the API's OpenAPI document, of /api alone, where the API's users can read it
    web.put("springdoc.api-docs.enabled", true); // behind the API's sign-in, on purpose
    web.put("springdoc.api-docs.path", "/api/openapi");
    web.put("springdoc.paths-to-match", "/api/**");
    web.put("springdoc.writer-with-order-by-keys", true);
    // Spring makes up no user of its own: the console's users are the configured ones
    web.put(
        "spring.autoconfigure.exclude",
        String.join(
            ",",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            // an authorization server is on the tests' class path only (the provider the console's
            // sign-in is tested against): serve never is one
            "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet"
                + ".OAuth2AuthorizationServerAutoConfiguration",
            "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet"
                + ".OAuth2AuthorizationServerJwtAutoConfiguration"));
    // the ports (console, metrics, neither) are decided once the settings are read
    return start(
        ServeConfiguration.class,
        options,
        web,
        WebApplicationType.SERVLET,
        new dev.lethe.console.ConsolePorts(metricsPort));
  }

  private static ConfigurableApplicationContext start(
      Class<?> configuration, GlobalOptions options, Map<String, Object> extra) {
    return start(configuration, options, extra, WebApplicationType.NONE);
  }

  private static ConfigurableApplicationContext start(
      Class<?> configuration,
      GlobalOptions options,
      Map<String, Object> extra,
      WebApplicationType webType,
      org.springframework.context.ApplicationListener<?>... listeners) {
    var properties = new HashMap<String, Object>(extra);
    var misspelt = EnvironmentNames.unknown(System.getenv());
    if (!misspelt.isEmpty()) {
      throw new BadInputException(misspelt);
    }
    if (options.config != null) {
      if (!Files.isReadable(options.config)) {
        throw new BadInputException(
            "--config " + options.config + ": no such file. Fix: name a readable YAML file");
      }
      try {
        dev.lethe.system.SafeYaml.check(options.config);
      } catch (dev.lethe.system.SafeYaml.Bad e) {
        throw new BadInputException(
            "--config "
                + options.config
                + (e.line() > 0 ? ":" + e.line() : "")
                + ": "
                + e.getMessage()
                + (e.fix() == null ? "" : ". Fix: " + e.fix()));
      }
      properties.put(
          "spring.config.additional-location", "file:" + options.config.toAbsolutePath());
    }
    if (options.policies != null) {
      properties.put("lethe.policies", options.policies.toString());
    }
    if (options.jobs != null) {
      properties.put("lethe.jobs", options.jobs.toString());
    }
    // as command-line properties, which outrank application.yml, --config and the environment
    var args =
        properties.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    return new SpringApplicationBuilder(configuration)
        // the commands close their context themselves, after a run in hand has stopped and
        // recorded its report: Spring's own hook would close the pools under it on SIGTERM
        .registerShutdownHook(false)
        .web(webType)
        .bannerMode(Banner.Mode.OFF)
        .logStartupInfo(false)
        .listeners(listeners)
        .run(args);
  }
}
