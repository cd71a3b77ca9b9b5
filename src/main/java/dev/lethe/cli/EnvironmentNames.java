package dev.lethe.cli;

import dev.lethe.system.LetheProperties;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The environment variables Lethe reads: those Spring Boot binds to {@link LetheProperties} (its
 * settings' names in capitals, dots as underscores, dashes left out or as underscores; a store's or
 * list's own segment anything), and those Lethe reads itself. A {@code LETHE_} variable that is
 * none of them is a misspelling whose setting silently did not apply ({@code LETHE_CHUNK_SIZ},
 * {@code LETHE_STORES_APP_PASWORD}): refused, with the nearest known name.
 */
public final class EnvironmentNames {

  /** Read by Lethe itself, or by its launcher and tests, not bound as settings. */
  private static final List<String> OWN =
      List.of("LETHE_HMAC_KEY", "LETHE_LOG_FORMAT", "LETHE_JAVA_OPTS", "LETHE_REQUIRE_CHROMIUM");

  private static final List<Pattern> KNOWN = patterns();

  private EnvironmentNames() {}

  /** The variables of {@code environment} that look like Lethe's and are not: each with a fix. */
  public static List<String> unknown(Map<String, String> environment) {
    var problems = new ArrayList<String>();
    for (var name : environment.keySet().stream().sorted().toList()) {
      if (!name.startsWith("LETHE_") || OWN.contains(name) || name.startsWith("LETHE_TEST_")) {
        continue;
      }
      if (KNOWN.stream().noneMatch(p -> p.matcher(name).matches())) {
        problems.add(
            "environment variable "
                + name
                + " is not a setting Lethe knows, so it changes nothing. Fix: correct its name"
                + nearest(name).map(n -> " (such as " + n + ")").orElse("")
                + " or unset it");
      }
    }
    return problems;
  }

  private static Optional<String> nearest(String name) {
    var examples = new ArrayList<String>(OWN);
    for (var p : KNOWN) {
      examples.add(
          p.pattern().replace("[A-Z0-9_]+", "APP").replace("[0-9]+", "0").replace("_?", "_"));
    }
    return dev.lethe.policy.Spelling.nearest(name, examples);
  }

  private static List<Pattern> patterns() {
    var patterns = new ArrayList<Pattern>();
    walk(LetheProperties.class, "LETHE", patterns);
    return List.copyOf(patterns);
  }

  private static void walk(Class<?> record, String prefix, List<Pattern> into) {
    for (RecordComponent component : record.getRecordComponents()) {
      var name = prefix + "_" + words(component.getName());
      add(component.getGenericType(), name, into);
    }
  }

  private static void add(Type type, String name, List<Pattern> into) {
    if (type instanceof Class<?> c && c.isRecord()) {
      walk(c, name, into);
      return;
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      if (Map.class.isAssignableFrom(raw)) {
        add(p.getActualTypeArguments()[1], name + "_[A-Z0-9_]+", into);
        return;
      }
      if (List.class.isAssignableFrom(raw)) {
        into.add(Pattern.compile(name)); // a comma-separated list
        add(p.getActualTypeArguments()[0], name + "_[0-9]+", into);
        return;
      }
    }
    into.add(Pattern.compile(name));
  }

  /** chunkSize: CHUNK_?SIZE, as Spring binds both CHUNKSIZE and CHUNK_SIZE. */
  private static String words(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_?$2").toUpperCase(java.util.Locale.ROOT);
  }
}
