package dev.lethe.store.jdbc;

import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import java.util.List;

/**
 * Checks statistics against a PostgreSQL catalog: the table and columns exist, the time is a time,
 * the subject a key, sums numbers, and each related column is reached through a one-column key.
 */
final class StatisticChecks {

  private final JdbcStore store;
  private final Problems problems;

  StatisticChecks(JdbcStore store, Problems problems) {
    this.store = store;
    this.problems = problems;
  }

  void check(List<Statistic> statistics) {
    for (var statistic : statistics) {
      var found = store.table(statistic.table());
      if (found.isEmpty()) {
        error(
            statistic,
            statistic.lineOf("table"),
            "table",
            "no table '" + statistic.table() + "' in store '" + store.name() + "'",
            "check the name and the schema");
        continue;
      }
      var table = found.get();
      var columns = table.columns();
      if (column(statistic, table, "time", statistic.time())
          && !columns.get(statistic.time()).family().isTime()) {
        error(
            statistic,
            statistic.lineOf("time"),
            "time",
            "column '"
                + statistic.time()
                + "' is "
                + columns.get(statistic.time()).sqlType()
                + ", not a point in time",
            "name a date, timestamp or timestamptz column");
      }
      if (column(statistic, table, "subject", statistic.subject())) {
        var family = columns.get(statistic.subject()).family();
        if (!family.isWholeNumber()
            && family != ColumnType.Family.TEXT
            && family != ColumnType.Family.UUID) {
          error(
              statistic,
              statistic.lineOf("subject"),
              "subject",
              "column '"
                  + statistic.subject()
                  + "' is "
                  + columns.get(statistic.subject()).sqlType(),
              "name a column holding the subject key as an integer, text or uuid");
        }
      }
      for (var measure : statistic.measures()) {
        if (measure.kind() == Statistic.Measure.Kind.SUM
            && column(statistic, table, "measures", measure.column())
            && !columns.get(measure.column()).family().isNumber()) {
          error(
              statistic,
              statistic.lineOf("measures"),
              "measures",
              "column '"
                  + measure.column()
                  + "' is "
                  + columns.get(measure.column()).sqlType()
                  + ", not a number",
              "sum a numeric, integer or floating-point column");
        }
      }
      for (var d : statistic.dimensions()) {
        checkDimension(statistic, table, d);
      }
      for (var condition : statistic.where()) {
        if (condition.related() || condition.operator().takesPeriod()) {
          error(
              statistic,
              condition.line(),
              "where",
              "a statistic's conditions compare its own columns with values",
              "use equals, in, is-null, is-not-null, before or after on a column of "
                  + table.displayName());
        } else {
          column(statistic, table, "where", condition.column());
        }
      }
    }
  }

  private void checkDimension(Statistic statistic, Table table, Statistic.Dimension d) {
    var source = table;
    if (d.via() != null) {
      if (!table.columns().containsKey(d.via())) {
        error(
            statistic,
            d.line(),
            "dimensions",
            "no column '" + d.via() + "' in " + table.displayName(),
            "name the column that holds the other table's key");
        return;
      }
      var other = store.relatedTable(statistic, table, d);
      if (other.isEmpty()) {
        error(
            statistic,
            d.line(),
            "dimensions",
            d.table() == null
                ? "no foreign key on '" + d.via() + "' says which table it refers to"
                : "no table '" + d.table() + "' in store '" + store.name() + "'",
            "write the column as table.column");
        return;
      }
      if (other.get().singleKey().isEmpty()) {
        error(
            statistic,
            d.line(),
            "dimensions",
            other.get().displayName() + " has no one-column key",
            "reach a table with a one-column primary key");
        return;
      }
      source = other.get();
    }
    if (!source.columns().containsKey(d.column())) {
      error(
          statistic,
          d.line(),
          "dimensions",
          "no column '" + d.column() + "' in " + source.displayName(),
          "use one of " + String.join(", ", source.columns().keySet()));
      return;
    }
    var family = source.columns().get(d.column()).family();
    if (d.kind() == Statistic.Dimension.Kind.BAND && !family.isNumber() && !family.isTime()) {
      error(
          statistic,
          d.line(),
          "dimensions",
          "band needs a number or a date, and column '"
              + d.column()
              + "' is "
              + source.columns().get(d.column()).sqlType(),
          "put a number or a birth date in bands");
    }
    if (d.kind() == Statistic.Dimension.Kind.BROWSER_FAMILY && family != ColumnType.Family.TEXT) {
      error(
          statistic,
          d.line(),
          "dimensions",
          "browser-family reads a user-agent string, and column '"
              + d.column()
              + "' is "
              + source.columns().get(d.column()).sqlType(),
          "name a text column");
    }
  }

  private boolean column(Statistic statistic, Table table, String field, String column) {
    if (table.columns().containsKey(column)) {
      return true;
    }
    error(
        statistic,
        statistic.lineOf(field),
        field,
        "no column '" + column + "' in " + table.displayName(),
        "use one of " + String.join(", ", table.columns().keySet()));
    return false;
  }

  private void error(Statistic statistic, int line, String field, String message, String fix) {
    problems.error(statistic.file(), line, field, message, fix);
  }
}
