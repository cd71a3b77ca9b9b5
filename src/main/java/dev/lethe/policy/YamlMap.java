package dev.lethe.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML mapping read from a file with the line of every field kept, so that each problem can name
 * the line it is on. Reading a field the wrong way records a problem instead of throwing, so that a
 * file's every error is found in one pass.
 */
final class YamlMap {

  private final Path file;
  private final int line;
  private final Map<String, Node> fields = new LinkedHashMap<>();
  private final Map<String, Integer> keyLines = new LinkedHashMap<>();
  private final Problems problems;

  YamlMap(Path file, MappingNode node, Problems problems) {
    this.file = file;
    this.line = lineOf(node);
    this.problems = problems;
    for (var tuple : node.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key) {
        if (fields.containsKey(key.getValue())) {
          problems.error(
              file, lineOf(key), key.getValue(), "appears twice", "keep one of the two lines");
        }
        fields.put(key.getValue(), tuple.getValueNode());
        keyLines.put(key.getValue(), lineOf(key));
      } else {
        problems.error(file, lineOf(tuple.getKeyNode()), null, "a key must be a plain name", null);
      }
    }
  }

  static int lineOf(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  Path file() {
    return file;
  }

  int line() {
    return line;
  }

  Problems problems() {
    return problems;
  }

  /** The line of a field's key, or of the mapping where the field is missing. */
  int lineOf(String field) {
    return keyLines.getOrDefault(field, line);
  }

  boolean has(String field) {
    return fields.containsKey(field);
  }

  Optional<Node> node(String field) {
    return Optional.ofNullable(fields.get(field));
  }

  /** Reports every field not in {@code known}, with the nearest known name as the likely fix. */
  void rejectUnknown(Collection<String> known) {
    for (var name : fields.keySet()) {
      if (!known.contains(name)) {
        var fix =
            Spelling.nearest(name, known)
                .map(n -> "did you mean '" + n + "'?")
                .orElse("remove it; known fields are " + String.join(", ", known));
        problems.error(file, lineOf(name), name, "unknown field", fix);
      }
    }
  }

  Optional<String> string(String field, boolean required) {
    var node = fields.get(field);
    if (node == null) {
      if (required) {
        problems.error(file, line, field, "is missing", "add '" + field + ": ...'");
      }
      return Optional.empty();
    }
    if (node instanceof ScalarNode scalar && !scalar.getValue().isBlank()) {
      return Optional.of(scalar.getValue().trim());
    }
    problems.error(file, lineOf(node), field, "must be a single value", null);
    return Optional.empty();
  }

  /** A value given either as one name or as a list of names. */
  List<String> names(String field, boolean required) {
    var node = fields.get(field);
    if (node == null) {
      if (required) {
        problems.error(file, line, field, "is missing", "add '" + field + ": ...'");
      }
      return List.of();
    }
    if (node instanceof ScalarNode scalar && !scalar.getValue().isBlank()) {
      return List.of(scalar.getValue().trim());
    }
    if (node instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
      var names = new ArrayList<String>();
      for (var item : seq.getValue()) {
        if (item instanceof ScalarNode s && !s.getValue().isBlank()) {
          names.add(s.getValue().trim());
        } else {
          problems.error(file, lineOf(item), field, "every item must be a single name", null);
        }
      }
      return names;
    }
    problems.error(file, lineOf(node), field, "must be a name or a list of names", null);
    return List.of();
  }

  /** A list of mappings, such as the conditions under {@code where}. */
  List<YamlMap> maps(String field) {
    var node = fields.get(field);
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof SequenceNode seq)) {
      problems.error(
          file, lineOf(node), field, "must be a list", "write each item on a line starting '- '");
      return List.of();
    }
    var maps = new ArrayList<YamlMap>();
    for (var item : seq.getValue()) {
      if (item instanceof MappingNode m) {
        maps.add(new YamlMap(file, m, problems));
      } else {
        problems.error(file, lineOf(item), field, "every item must be a mapping", null);
      }
    }
    return maps;
  }

  /** A true-or-false field; anything else is an error on its line. Empty when absent. */
  Optional<Boolean> bool(String field) {
    return string(field, false)
        .flatMap(
            value -> {
              if (value.equals("true") || value.equals("false")) {
                return Optional.of(Boolean.parseBoolean(value));
              }
              problems.error(
                  file,
                  lineOf(field),
                  field,
                  "'" + value + "' is not true or false",
                  "write true or false");
              return Optional.empty();
            });
  }

  Optional<YamlMap> map(String field) {
    var node = fields.get(field);
    if (node == null) {
      return Optional.empty();
    }
    if (node instanceof MappingNode m) {
      return Optional.of(new YamlMap(file, m, problems));
    }
    problems.error(file, lineOf(node), field, "must be a mapping", "write it as '{name: value}'");
    return Optional.empty();
  }

  Map<String, Node> fields() {
    return fields;
  }
}
