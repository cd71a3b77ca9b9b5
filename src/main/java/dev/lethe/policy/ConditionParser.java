package dev.lethe.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads the conditions under a policy's {@code where}, each with its line. */
final class ConditionParser {

  private ConditionParser() {}

  static List<Condition> conditions(YamlMap yaml) {
    var conditions = new ArrayList<Condition>();
    var operators = new ArrayList<String>();
    for (var op : Condition.Operator.values()) {
      operators.add(op.yamlName());
    }
    var known = new ArrayList<String>(operators);
    known.add(0, "column");
    known.add(1, "via");
    for (var item : yaml.maps("where")) {
      item.rejectUnknown(known);
      var column = item.string("column", true).orElse(null);
      var via = item.string("via", false).orElse(null);
      String table = null;
      if (column != null && column.contains(".")) {
        var related = PolicyParser.related(item, "column", column);
        table = related.map(PolicyParser.RelatedColumn::table).orElse(null);
        column = related.map(PolicyParser.RelatedColumn::column).orElse(null);
        if (via == null) {
          item.problems()
              .error(
                  item.file(),
                  item.lineOf("column"),
                  "via",
                  "is missing: a column of another table is reached through a column of this one",
                  "add 'via: COLUMN' naming this table's column that holds that table's key");
          column = null;
        } else {
          PolicyParser.checkIdentifier(item, "via", via);
        }
      } else if (column != null) {
        PolicyParser.checkIdentifier(item, "column", column);
        if (via != null) {
          item.problems()
              .error(
                  item.file(),
                  item.lineOf("via"),
                  "via",
                  "is only for a column of another table",
                  "write the column as table.column, or remove 'via'");
        }
      }
      var given = item.fields().keySet().stream().filter(operators::contains).toList();
      if (given.size() != 1) {
        item.problems()
            .error(
                item.file(),
                item.line(),
                "where",
                given.isEmpty()
                    ? "a condition needs an operator"
                    : "a condition takes one operator",
                "use exactly one of " + String.join(", ", operators));
        continue;
      }
      var operator =
          Arrays.stream(Condition.Operator.values())
              .filter(o -> o.yamlName().equals(given.get(0)))
              .findFirst()
              .orElseThrow();
      var values = conditionValues(item, operator);
      if (column != null && values != null) {
        conditions.add(
            new Condition(column, operator, values, item.lineOf(operator.yamlName()), table, via));
      }
    }
    return List.copyOf(conditions);
  }

  private static List<String> conditionValues(YamlMap item, Condition.Operator operator) {
    var field = operator.yamlName();
    var node = item.node(field).orElseThrow();
    if (!operator.takesValue()) {
      if (node instanceof ScalarNode s && (s.getValue().equals("true") || s.getValue().isEmpty())) {
        return List.of();
      }
      item.problems()
          .error(
              item.file(),
              item.lineOf(field),
              field,
              "takes no value",
              "write '" + field + ": true'");
      return null;
    }
    if (operator == Condition.Operator.IN) {
      if (node instanceof SequenceNode seq
          && !seq.getValue().isEmpty()
          && seq.getValue().stream().allMatch(ScalarNode.class::isInstance)) {
        return seq.getValue().stream().map(n -> ((ScalarNode) n).getValue()).toList();
      }
      item.problems()
          .error(
              item.file(),
              item.lineOf(field),
              field,
              "must be a list of values",
              "write 'in: [a, b]'");
      return null;
    }
    if (node instanceof ScalarNode s) {
      if (operator.takesPeriod() && Retention.parse(s.getValue().trim()).isEmpty()) {
        item.problems()
            .error(
                item.file(),
                item.lineOf(field),
                field,
                "'" + s.getValue() + "' is not a positive ISO-8601 period of at most 200 years",
                "write it like P18Y (18 years) or P30D");
        return null;
      }
      return List.of(s.getValue());
    }
    item.problems().error(item.file(), item.lineOf(field), field, "must be a single value", null);
    return null;
  }
}
