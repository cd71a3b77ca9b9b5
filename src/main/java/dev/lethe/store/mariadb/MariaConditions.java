package dev.lethe.store.mariadb;

import dev.lethe.policy.Condition;
import dev.lethe.policy.Retention;
import dev.lethe.store.mariadb.MariaSql.Part;
import java.time.ZonedDateTime;
import java.util.List;

/** Conditions on a MariaDB table's columns, and moments as values of its columns. */
final class MariaConditions {

  private MariaConditions() {}

  /**
   * Conditions on columns of {@code table}, each named by {@code col}, all of which must hold;
   * every value bound. TRUE where there are none.
   */
  static Part of(
      MariaTable table,
      java.util.function.UnaryOperator<String> col,
      List<Condition> where,
      ZonedDateTime now) {
    var part = Part.of("");
    for (var c : where) {
      var column = col.apply(c.column());
      part =
          part.and(
              switch (c.operator()) {
                case EQUALS -> Part.of(column + " = ?", c.values().get(0));
                case IN ->
                    new Part(
                        column
                            + " IN ("
                            + String.join(", ", c.values().stream().map(v -> "?").toList())
                            + ")",
                        List.copyOf(c.values()));
                case IS_NULL -> Part.of(column + " IS NULL");
                case IS_NOT_NULL -> Part.of(column + " IS NOT NULL");
                case BEFORE -> Part.of(column + " < ?", c.values().get(0));
                case AFTER -> Part.of(column + " > ?", c.values().get(0));
                case NEWER_THAN ->
                    Part.of(
                        column + " > ?",
                        point(
                            table,
                            c.column(),
                            Retention.parse(c.values().get(0)).orElseThrow().cutoff(now)));
                case OLDER_THAN ->
                    Part.of(
                        column + " < ?",
                        point(
                            table,
                            c.column(),
                            Retention.parse(c.values().get(0)).orElseThrow().cutoff(now)));
              });
    }
    return part.text().isEmpty() ? Part.of("TRUE") : part;
  }

  /** A moment as a value of the column's type, as {@link MariaTime} reads it. */
  static Object point(MariaTable table, String column, ZonedDateTime at) {
    return MariaTime.value(table.columns().get(column), at);
  }
}
