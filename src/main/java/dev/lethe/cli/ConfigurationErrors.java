package dev.lethe.cli;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;

/**
 * Turns Spring Boot's binding failures into operators' words: which setting, where it was set (file
 * and line, or the environment), and what to do.
 */
final class ConfigurationErrors {

  private ConfigurationErrors() {}

  /** Empty when {@code failure} is not a configuration problem. */
  static List<String> describe(Throwable failure, java.nio.file.Path config) {
    var bind = Lethe.find(failure, BindException.class);
    if (bind == null) {
      return List.of();
    }
    var unbound = Lethe.find(bind, UnboundConfigurationPropertiesException.class);
    if (unbound != null) {
      var problems = new ArrayList<String>();
      for (var property : unbound.getUnboundProperties()) {
        problems.add(
            where(property)
                + "configuration: "
                + property.getName()
                + " is not a setting Lethe knows. Fix: remove it or correct its name (see README.md,"
                + " Configuration)");
      }
      return problems;
    }
    var property = bind.getProperty();
    var reason = rootMessage(bind);
    if (property == null && reason != null && reason.contains("Fix:")) {
      return List.of("configuration: " + reason); // Lethe's own words, with what to do
    }
    if (property == null) {
      return List.of(
          "configuration: "
              + reason
              + ". Fix: correct it in "
              + (config == null ? "the configuration file" : config.toString())
              + " or the environment");
    }
    return List.of(
        where(property)
            + "configuration: "
            + property.getName()
            + " = '"
            + property.getValue()
            + "' is not valid ("
            + reason
            + "). Fix: correct it in the configuration file or the environment");
  }

  private static String where(ConfigurationProperty property) {
    return property.getOrigin() == null ? "" : property.getOrigin() + ": ";
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
