package dev.lethe.store.mariadb;

import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;

/**
 * Checks statistics against a MariaDB catalog, as {@code StatisticChecks} does on PostgreSQL: the
 * table and columns exist, the time is a time, the subject a key, sums numbers, each related column
 * is reached through a one-column key, browser-family reads text.
 */
final class MariaStatisticChecks {

  private final MariaDbStore store;
  private final Problems problems;

  MariaStatisticChecks(MariaDbStore store, Problems problems) {
    this.store = store;
    this.problems = problems;
  }

  void check(Statistic statistic) {
    var found = store.table(statistic.table());
    if (found.isEmpty()) {
      error(
          statistic,
          statistic.lineOf("table"),
          "table",
          "no table '" + statistic.table() + "' in store '" + store.name() + "'",
          "check the name and the database");
      return;
    }
    var table = found.get();
    var columns = table.columns();
    if (column(statistic, table, "time", statistic.time())
        && !columns.get(statistic.time()).isTime()) {
      error(
          statistic,
          statistic.lineOf("time"),
          "time",
          "column '"
              + statistic.time()
              + "' is "
              + columns.get(statistic.time()).columnType()
              + ", not a point in time",
          "name a date, datetime or timestamp column");
    }
    if (column(statistic, table, "subject", statistic.subject())) {
      var subject = columns.get(statistic.subject());
      if (!subject.isWholeNumber() && !subject.isText()) {
        error(
            statistic,
            statistic.lineOf("subject"),
            "subject",
            "column '" + statistic.subject() + "' is " + subject.columnType(),
            "name a column holding the subject key as an integer or text");
      }
    }
    for (var measure : statistic.measures()) {
      if (measure.kind() == Statistic.Measure.Kind.SUM
          && column(statistic, table, "measures", measure.column())
          && !columns.get(measure.column()).isNumber()) {
        error(
            statistic,
            statistic.lineOf("measures"),
            "measures",
            "column '"
                + measure.column()
                + "' is "
                + columns.get(measure.column()).columnType()
                + ", not a number",
            "sum a decimal, integer or floating-point column");
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
                + statistic.table());
      } else {
        column(statistic, table, "where", condition.column());
      }
    }
  }

  private void checkDimension(Statistic statistic, MariaTable table, Statistic.Dimension d) {
    var source = table;
    if (d.via() != null) {
      if (!table.columns().containsKey(d.via())) {
        error(
            statistic,
            d.line(),
            "dimensions",
            "no column '" + d.via() + "' in " + statistic.table(),
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
            other.get().name() + " has no one-column key",
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
          "no column '" + d.column() + "' in " + source.name(),
          "use one of " + String.join(", ", source.columns().keySet()));
      return;
    }
    var column = source.columns().get(d.column());
    if (d.kind() == Statistic.Dimension.Kind.BAND && !column.isNumber() && !column.isTime()) {
      error(
          statistic,
          d.line(),
          "dimensions",
          "band needs a number or a date, and column '"
              + d.column()
              + "' is "
              + column.columnType(),
          "put a number or a birth date in bands");
    }
    if (d.kind() == Statistic.Dimension.Kind.BROWSER_FAMILY && !column.isText()) {
      error(
          statistic,
          d.line(),
          "dimensions",
          "browser-family reads a user-agent string, and column '"
              + d.column()
              + "' is "
              + column.columnType(),
          "name a text column");
    }
  }

  private boolean column(Statistic statistic, MariaTable table, String field, String column) {
    if (table.columns().containsKey(column)) {
      return true;
    }
    error(
        statistic,
        statistic.lineOf(field),
        field,
        "no column '" + column + "' in " + statistic.table(),
        "use one of " + String.join(", ", table.columns().keySet()));
    return false;
  }

  private void error(Statistic statistic, int line, String field, String message, String fix) {
    problems.error(statistic.file(), line, field, message, fix);
  }
}
