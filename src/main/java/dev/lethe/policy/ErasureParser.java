package dev.lethe.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code on-erasure}: {@code action: delete} (with {@code if-referenced}, the transform of
 * rows still referenced) or {@code action: pseudonymise} (with {@code transform}).
 */
final class ErasureParser {

  private static final List<String> FIELDS = List.of("action", "transform", "if-referenced");

  private ErasureParser() {}

  static Erasure erasure(YamlMap policy) {
    if (!policy.has("on-erasure")) {
      return Erasure.DELETE;
    }
    var yaml = policy.map("on-erasure").orElse(null);
    if (yaml == null) {
      return Erasure.DELETE;
    }
    yaml.rejectUnknown(FIELDS);
    var text = yaml.string("action", true).orElse(null);
    if (text == null) {
      return Erasure.DELETE;
    }
    var line = policy.lineOf("on-erasure");
    var lines = new HashMap<String, Integer>();
    switch (text) {
      case "delete" -> {
        if (yaml.has("transform")) {
          error(
              yaml,
              "transform",
              "an erasure that deletes transforms nothing",
              "name what happens to rows that cannot be deleted under 'if-referenced', or make"
                  + " the action pseudonymise");
        }
        return new Erasure(Policy.Action.DELETE, stage(yaml, "if-referenced", lines, line), line);
      }
      case "pseudonymise" -> {
        if (yaml.has("if-referenced")) {
          error(
              yaml,
              "if-referenced",
              "an erasure that pseudonymises keeps every row, referenced or not",
              "remove it, and list the transforms under 'transform'");
        }
        if (!yaml.has("transform")) {
          error(
              yaml,
              "action",
              "pseudonymise must say what happens to which column",
              "add 'transform: {customer_name: null, customer_email: hmac}'");
          return Erasure.DELETE;
        }
        return new Erasure(Policy.Action.PSEUDONYMISE, stage(yaml, "transform", lines, line), line);
      }
      default -> {
        error(
            yaml,
            "action",
            "unknown action '" + text + "'",
            "use 'delete' (the default) or 'pseudonymise' (for data a legal obligation keeps)");
        return Erasure.DELETE;
      }
    }
  }

  private static Optional<Stage> stage(
      YamlMap yaml, String field, Map<String, Integer> lines, int line) {
    if (!yaml.has(field)) {
      return Optional.empty();
    }
    var transforms = TransformParser.transforms(yaml, field, lines);
    return Optional.of(
        new Stage(
            Retention.parseAllowingZero("P0D").orElseThrow(),
            Policy.Action.PSEUDONYMISE,
            java.util.Collections.unmodifiableMap(transforms),
            yaml.lineOf(field),
            Map.copyOf(lines)));
  }

  private static void error(YamlMap yaml, String field, String message, String fix) {
    yaml.problems().error(yaml.file(), yaml.lineOf(field), "on-erasure." + field, message, fix);
  }
}
