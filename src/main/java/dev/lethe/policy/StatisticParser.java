package dev.lethe.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads one statistic file (a file of the jobs folder that starts with {@code statistic:}). */
final class StatisticParser {

  static final List<String> FIELDS =
      List.of(
          "statistic",
          "description",
          "store",
          "table",
          "time",
          "bucket",
          "dimensions",
          "measures",
          "subject",
          "minimum-subjects",
          "noise",
          "where");

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
  private static final Pattern TABLE =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*");

  private StatisticParser() {}

  static Optional<Statistic> parse(YamlMap yaml, Problems problems) {
    var file = yaml.file();
    int before = problems.errors().size();
    yaml.rejectUnknown(FIELDS);
    var name = yaml.string("statistic", true).orElse(null);
    if (name != null && !NAME.matcher(name).matches()) {
      problems.error(
          file,
          yaml.lineOf("statistic"),
          "statistic",
          "'" + name + "' is not a valid name",
          "use lower-case letters, digits and dashes, such as 'daily-page-views'");
    }
    var description = yaml.string("description", false).orElse("");
    var store = yaml.string("store", true).orElse(null);
    var table = plain(yaml, "table", TABLE, "schema.table or table").orElse(null);
    var time = plain(yaml, "time", IDENTIFIER, "a column name").orElse(null);
    var subject = plain(yaml, "subject", IDENTIFIER, "a column name").orElse(null);
    var bucket = bucket(yaml).orElse(null);
    var dimensions = dimensions(yaml);
    var measures = measures(yaml);
    var minimum = minimumSubjects(yaml);
    var epsilon = yaml.map("noise").flatMap(StatisticParser::epsilon);
    var where = ConditionParser.conditions(yaml);
    if (problems.errors().size() > before || name == null) {
      return Optional.empty();
    }
    var lines = new HashMap<String, Integer>();
    FIELDS.stream().filter(yaml::has).forEach(f -> lines.put(f, yaml.lineOf(f)));
    return Optional.of(
        new Statistic(
            name,
            description,
            store,
            table,
            time,
            bucket,
            dimensions,
            measures,
            subject,
            minimum,
            epsilon,
            where,
            file,
            lines));
  }

  private static Optional<String> plain(YamlMap yaml, String field, Pattern pattern, String what) {
    var value = yaml.string(field, true);
    if (value.isPresent() && !pattern.matcher(value.get()).matches()) {
      yaml.problems()
          .error(
              yaml.file(),
              yaml.lineOf(field),
              field,
              "'" + value.get() + "' is not a plain identifier",
              "write " + what + " with letters, digits and underscores");
      return Optional.empty();
    }
    return value;
  }

  private static Optional<Statistic.Bucket> bucket(YamlMap yaml) {
    return yaml.string("bucket", true)
        .flatMap(
            text -> {
              for (var b : Statistic.Bucket.values()) {
                if (b.yamlName().equals(text)) {
                  return Optional.of(b);
                }
              }
              yaml.problems()
                  .error(
                      yaml.file(),
                      yaml.lineOf("bucket"),
                      "bucket",
                      "'" + text + "' is not a bucket",
                      "use day, week or month");
              return Optional.empty();
            });
  }

  private static List<Statistic.Dimension> dimensions(YamlMap yaml) {
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

  private static List<Statistic.Measure> measures(YamlMap yaml) {
    var measures = new ArrayList<Statistic.Measure>();
    var node = yaml.node("measures");
    if (node.isEmpty() || !(node.get() instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      yaml.problems()
          .error(
              yaml.file(),
              yaml.lineOf("measures"),
              "measures",
              node.isEmpty() ? "is missing" : "must be a list of measures",
              "write measures: [rows, distinct-subjects, {sum: COLUMN, bounds: [0, 500]}]");
      return measures;
    }
    for (var item : seq.getValue()) {
      int line = YamlMap.lineOf(item);
      if (item instanceof ScalarNode s && s.getValue().equals("rows")) {
        measures.add(new Statistic.Measure(Statistic.Measure.Kind.ROWS, null, 0, 0));
      } else if (item instanceof ScalarNode s && s.getValue().equals("distinct-subjects")) {
        measures.add(new Statistic.Measure(Statistic.Measure.Kind.DISTINCT_SUBJECTS, null, 0, 0));
      } else if (item instanceof MappingNode m) {
        var fields = new YamlMap(yaml.file(), m, yaml.problems());
        fields.rejectUnknown(List.of("sum", "bounds"));
        var column = fields.string("sum", true);
        column.ifPresent(c -> PolicyParser.checkIdentifier(fields, "sum", c));
        var bounds = fields.node("bounds");
        if (bounds.isPresent()
            && bounds.get() instanceof SequenceNode b
            && b.getValue().size() == 2
            && b.getValue().stream().allMatch(ScalarNode.class::isInstance)) {
          try {
            double lower = Double.parseDouble(((ScalarNode) b.getValue().get(0)).getValue());
            double upper = Double.parseDouble(((ScalarNode) b.getValue().get(1)).getValue());
            if (lower < upper && column.isPresent()) {
              measures.add(
                  new Statistic.Measure(Statistic.Measure.Kind.SUM, column.get(), lower, upper));
              continue;
            }
          } catch (NumberFormatException e) {
            // reported below
          }
        }
        yaml.problems()
            .error(
                yaml.file(),
                line,
                "measures",
                "a sum needs bounds: the least and the most one row may add",
                "write {sum: "
                    + column.orElse("COLUMN")
                    + ", bounds: [0, 500]}; values outside are clamped");
      } else {
        yaml.problems()
            .error(
                yaml.file(),
                line,
                "measures",
                "'" + (item instanceof ScalarNode s ? s.getValue() : "?") + "' is not a measure",
                "use rows, distinct-subjects or {sum: COLUMN, bounds: [LOW, HIGH]}");
      }
    }
    return measures;
  }

  private static int minimumSubjects(YamlMap yaml) {
    var text = yaml.string("minimum-subjects", true);
    if (text.isEmpty()) {
      return 0;
    }
    try {
      int k = Integer.parseInt(text.get());
      if (k >= 1) {
        return k;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    yaml.problems()
        .error(
            yaml.file(),
            yaml.lineOf("minimum-subjects"),
            "minimum-subjects",
            "'" + text.get() + "' is not a whole number of at least 1",
            "write the least number of distinct subjects a published cell must have, such as 10");
    return 0;
  }

  private static Optional<Double> epsilon(YamlMap noise) {
    noise.rejectUnknown(List.of("epsilon"));
    var text = noise.string("epsilon", true);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      double epsilon = Double.parseDouble(text.get());
      if (epsilon > 0 && epsilon <= 20) {
        return Optional.of(epsilon);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    noise
        .problems()
        .error(
            noise.file(),
            noise.lineOf("epsilon"),
            "epsilon",
            "'" + text.get() + "' is not a privacy budget",
            "write a positive number such as 1.0 (smaller: more noise, more privacy)");
    return Optional.empty();
  }

  private static <T> Optional<T> fail(YamlMap yaml, int line, String message, String fix) {
    yaml.problems().error(yaml.file(), line, "dimensions", message, fix);
    return Optional.empty();
  }

  static boolean isStatistic(YamlMap yaml) {
    return yaml.has("statistic");
  }
}
