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
    for (var given : where) {
      var c = inLethesZone(table, given, now);
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

  /**
   * A date or time written without an offset and compared with a TIMESTAMP is a moment in Lethe's
   * zone; the sessions read a literal in UTC, so it is given to them in UTC.
   */
  private static Condition inLethesZone(MariaTable table, Condition c, ZonedDateTime now) {
    var column = table.columns().get(c.column());
    if (column == null || !MariaTime.isMoment(column)) {
      return c;
    }
    var values =
        c.values().stream()
            .map(
                v ->
                    dev.lethe.store.ZonelessValues.asMoment(v, now.getZone())
                        .map(m -> MariaTime.value(column, m).toString().replace('T', ' '))
                        .orElse(v))
            .toList();
    return new Condition(c.column(), c.operator(), values, c.line(), c.table(), c.via());
  }

  /** A moment as a value of the column's type, as {@link MariaTime} reads it. */
  static Object point(MariaTable table, String column, ZonedDateTime at) {
    return MariaTime.value(table.columns().get(column), at);
  }
}
