package dev.lethe.policy;

import dev.lethe.transform.Transform;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads a stage's {@code transform}: column by column, which transform applies. */
final class TransformParser {

  static final List<String> SIMPLE =
      List.of("hmac", "ip-prefix", "browser-family", "year", "month", "day", "null");
  static final List<String> WITH_VALUE =
      List.of("ip-prefix", "keep-first", "keep-last", "round", "constant", "band");

  private TransformParser() {}

  /** The transforms under {@code field} of {@code yaml}, in the order written. */
  static Map<String, Transform> transforms(YamlMap yaml, String field, Map<String, Integer> lines) {
    var transforms = new LinkedHashMap<String, Transform>();
    var map = yaml.map(field);
    if (map.isEmpty()) {
      return transforms;
    }
    if (map.get().fields().isEmpty()) {
      yaml.problems()
          .error(
              yaml.file(),
              yaml.lineOf(field),
              field,
              "names no column",
              "write 'column: transform' lines, such as 'email: hmac'");
    }
    map.get()
        .fields()
        .forEach(
            (column, node) -> {
              PolicyParser.checkIdentifier(map.get(), column, column);
              lines.put(column, map.get().lineOf(column));
              one(map.get(), column, node).ifPresent(t -> transforms.put(column, t));
            });
    return transforms;
  }

  private static Optional<Transform> one(YamlMap yaml, String column, Node node) {
    if (node instanceof ScalarNode scalar) {
      var name = scalar.getValue().trim();
      return switch (name) {
        case "hmac" -> Optional.of(new Transform.Hmac());
        case "ip-prefix" -> Optional.of(Transform.IpPrefix.DEFAULT);
        case "browser-family" -> Optional.of(new Transform.BrowserFamily());
        case "year" -> Optional.of(new Transform.Truncate(Transform.Truncate.Unit.YEAR));
        case "month" -> Optional.of(new Transform.Truncate(Transform.Truncate.Unit.MONTH));
        case "day" -> Optional.of(new Transform.Truncate(Transform.Truncate.Unit.DAY));
        case "null", "~", "" -> Optional.of(new Transform.Nullify());
        default -> unknown(yaml, column, name);
      };
    }
    if (node instanceof MappingNode mapping && mapping.getValue().size() == 1) {
      var entry = mapping.getValue().get(0);
      var name = entry.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
      var value = entry.getValueNode();
      return switch (name) {
        case "ip-prefix" -> ipPrefix(yaml, column, value);
        case "keep-first" ->
            number(yaml, column, value, 0, 1000).map(n -> new Transform.KeepFirst(n.intValue()));
        case "keep-last" ->
            number(yaml, column, value, 0, 1000).map(n -> new Transform.KeepLast(n.intValue()));
        case "round" ->
            number(yaml, column, value, -15, 15).map(n -> new Transform.Round(n.intValue()));
        case "band" -> number(yaml, column, value, 1, Long.MAX_VALUE).map(Transform.Band::new);
        case "constant" -> {
          if (value instanceof ScalarNode s) {
            yield Optional.of(new Transform.Constant(s.getValue()));
          }
          yield fail(yaml, column, "constant must be a single value", "write {constant: VALUE}");
        }
        default -> unknown(yaml, column, name);
      };
    }
    return fail(
        yaml,
        column,
        "is not a transform",
        "write one of " + String.join(", ", SIMPLE) + ", or {NAME: VALUE} for " + WITH_VALUE);
  }

  private static Optional<Transform> ipPrefix(YamlMap yaml, String column, Node value) {
    if (!(value instanceof MappingNode m)) {
      return fail(
          yaml, column, "ip-prefix takes v4 and v6 bits", "write {ip-prefix: {v4: 16, v6: 32}}");
    }
    var bits = new YamlMap(yaml.file(), m, yaml.problems());
    bits.rejectUnknown(List.of("v4", "v6"));
    var v4 = bits.node("v4").flatMap(n -> number(yaml, column, n, 0, 32)).orElse(24L);
    var v6 = bits.node("v6").flatMap(n -> number(yaml, column, n, 0, 128)).orElse(48L);
    return Optional.of(new Transform.IpPrefix(v4.intValue(), v6.intValue()));
  }

  private static Optional<Long> number(YamlMap yaml, String column, Node node, long min, long max) {
    if (node instanceof ScalarNode s) {
      try {
        long n = Long.parseLong(s.getValue().trim());
        if (n >= min && n <= max) {
          return Optional.of(n);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    yaml.problems()
        .error(
            yaml.file(),
            YamlMap.lineOf(node),
            column,
            "needs a whole number from " + min + " to " + (max == Long.MAX_VALUE ? "up" : max),
            null);
    return Optional.empty();
  }

  private static Optional<Transform> unknown(YamlMap yaml, String column, String name) {
    var known = new java.util.ArrayList<>(SIMPLE);
    WITH_VALUE.stream().filter(n -> !known.contains(n)).forEach(known::add);
    var fix =
        Spelling.nearest(name, known)
            .map(n -> "did you mean '" + n + "'?")
            .orElse("use one of " + String.join(", ", known));
    return fail(yaml, column, "unknown transform '" + name + "'", fix);
  }

  private static Optional<Transform> fail(YamlMap yaml, String column, String message, String fix) {
    yaml.problems().error(yaml.file(), yaml.lineOf(column), column, message, fix);
    return Optional.empty();
  }
}
