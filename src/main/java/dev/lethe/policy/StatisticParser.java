package dev.lethe.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
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
    var dimensions = DimensionParser.dimensions(yaml);
    var measures = measures(yaml);
    var minimum = minimumSubjects(yaml);
    if (subject != null) {
      for (var d : dimensions) {
        if (d.table() == null && d.column().equalsIgnoreCase(subject)) {
          // found by an outside attack: grouped by its subject, a statistic published every
          // subject's key to analysts as an "anonymised" cell, and kept it past an erasure
          problems.error(
              file,
              d.line(),
              "dimensions",
              "'"
                  + d.column()
                  + "' is the statistic's subject column: each cell would name one subject's key",
              "count subjects with the measure distinct-subjects; never group by the subject");
        }
      }
    }
    var epsilon = yaml.map("noise").flatMap(StatisticParser::epsilon);
    if (epsilon.isEmpty() && minimum >= 1 && minimum < FEWEST_WITHOUT_NOISE) {
      problems.warn(
          file,
          yaml.lineOf("minimum-subjects"),
          "minimum-subjects",
          "cells of "
              + (minimum == 1 ? "one subject" : "two subjects")
              + " are published without noise: a cell of one subject is that person's numbers,"
              + " and one of two is, to either of them, the other's",
          "raise minimum-subjects to "
              + FEWEST_WITHOUT_NOISE
              + " or more (10 is common), or add noise (noise: {epsilon: ...})");
    }
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
            // finite, and small enough for their noise to be drawn (GeometricNoise.MAX_SCALE)
            if (lower < upper
                && column.isPresent()
                && Math.abs(lower) <= MAX_BOUND
                && Math.abs(upper) <= MAX_BOUND) {
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
                "a sum needs bounds: the least and the most one row may add, each between -"
                    + MAX_BOUND_TEXT
                    + " and "
                    + MAX_BOUND_TEXT,
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

  /**
   * The largest bound of a sum: its noise's scale is the bound over a share of epsilon, and noise
   * of a scale beyond 10^12 cannot be drawn.
   */
  static final double MAX_BOUND = 1e9;

  static final String MAX_BOUND_TEXT = "1000000000";

  /** The fewest subjects a published cell should have where no noise protects it. */
  static final int FEWEST_WITHOUT_NOISE = 3;

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

  static boolean isStatistic(YamlMap yaml) {
    return yaml.has("statistic");
  }
}
