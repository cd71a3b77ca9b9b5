package dev.lethe.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a statistic's {@code dimensions}: a column, {@code {browser-family: COLUMN}}, or {@code
 * {NAME: {column: C, via: V, band: N}}}.
 */
final class DimensionParser {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
  private static final Pattern TABLE =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*");

  private DimensionParser() {}

  static List<Statistic.Dimension> dimensions(YamlMap yaml) {
    var dimensions = new ArrayList<Statistic.Dimension>();
    var node = yaml.node("dimensions");
    if (node.isEmpty()) {
      return dimensions;
    }
    if (!(node.get() instanceof SequenceNode seq)) {
      yaml.problems()
          .error(
              yaml.file(),
              yaml.lineOf("dimensions"),
              "dimensions",
              "must be a list",
              "write [country, ...]");
      return dimensions;
    }
    for (var item : seq.getValue()) {
      dimension(yaml, item).ifPresent(dimensions::add);
    }
    var names = new java.util.HashSet<String>();
    for (var d : dimensions) {
      if (!names.add(d.name())) {
        yaml.problems()
            .error(
                yaml.file(),
                d.line(),
                "dimensions",
                "'" + d.name() + "' is named twice",
                "give each dimension its own name");
      }
    }
    return dimensions;
  }

  private static Optional<Statistic.Dimension> dimension(YamlMap yaml, Node item) {
    int line = YamlMap.lineOf(item);
    if (item instanceof ScalarNode s) {
      return column(yaml, line, s.getValue())
          .map(
              c ->
                  new Statistic.Dimension(
                      c[1], c[1], c[0], null, Statistic.Dimension.Kind.VALUE, 0, line));
    }
    if (item instanceof MappingNode m && m.getValue().size() == 1) {
      var name = ((ScalarNode) m.getValue().get(0).getKeyNode()).getValue();
      var value = m.getValue().get(0).getValueNode();
      if (!NAME.matcher(name).matches()) {
        return fail(
            yaml,
            line,
            "'" + name + "' is not a dimension name",
            "use lower-case letters, digits and dashes");
      }
      if (value instanceof ScalarNode s) {
        var kind =
            name.equals("browser-family")
                ? Statistic.Dimension.Kind.BROWSER_FAMILY
                : Statistic.Dimension.Kind.VALUE;
        return column(yaml, line, s.getValue())
            .map(c -> new Statistic.Dimension(name, c[1], c[0], null, kind, 0, line));
      }
      if (value instanceof MappingNode spec) {
        var fields = new YamlMap(yaml.file(), spec, yaml.problems());
        fields.rejectUnknown(List.of("column", "via", "band", "browser-family"));
        var column = fields.string("column", true).flatMap(c -> column(yaml, line, c));
        var via = fields.string("via", false);
        via.ifPresent(v -> PolicyParser.checkIdentifier(fields, "via", v));
        long band = 0;
        var bandText = fields.string("band", false);
        if (bandText.isPresent()) {
          try {
            band = Long.parseLong(bandText.get());
            if (band < 1) {
              throw new NumberFormatException();
            }
          } catch (NumberFormatException e) {
            return fail(yaml, line, "band must be a whole number of at least 1", "write band: 10");
          }
        }
        boolean family = fields.string("browser-family", false).map("true"::equals).orElse(false);
        if (column.isEmpty()) {
          return Optional.empty();
        }
        var kind =
            band > 0
                ? Statistic.Dimension.Kind.BAND
                : family ? Statistic.Dimension.Kind.BROWSER_FAMILY : Statistic.Dimension.Kind.VALUE;
        var table = column.get()[0];
        if (table != null && via.isEmpty()) {
          return fail(
              yaml,
              line,
              "a column of another table is reached through a column of this one",
              "add 'via: COLUMN' naming this table's column that holds that table's key");
        }
        return Optional.of(
            new Statistic.Dimension(
                name, column.get()[1], table, via.orElse(null), kind, band, line));
      }
    }
    return fail(
        yaml,
        line,
        "is not a dimension",
        "write a column, {browser-family: COLUMN}, or {NAME: {column: C, via: V, band: N}}");
  }

  /** {table or null, column} from {@code column} or {@code table.column}. */
  private static Optional<String[]> column(YamlMap yaml, int line, String text) {
    int dot = text.lastIndexOf('.');
    var table = dot > 0 ? text.substring(0, dot) : null;
    var column = text.substring(dot + 1);
    if (!IDENTIFIER.matcher(column).matches()
        || (table != null && !TABLE.matcher(table).matches())) {
      return fail(
          yaml, line, "'" + text + "' is not a plain column name", "write column or table.column");
    }
    return Optional.of(new String[] {table, column});
  }

  private static <T> Optional<T> fail(YamlMap yaml, int line, String message, String fix) {
    yaml.problems().error(yaml.file(), line, "dimensions", message, fix);
    return Optional.empty();
  }
}
