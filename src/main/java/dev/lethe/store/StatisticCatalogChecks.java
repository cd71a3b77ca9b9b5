package dev.lethe.store;

import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import java.util.Map;
import java.util.Optional;

/**
 * Checks statistics against a database store's catalog, whatever the database: the table and
 * columns exist, the time is a time, the subject a key, sums numbers, each related column is
 * reached through a one-column key, browser families read text. A store gives its catalog as {@link
 * Catalog}, and the words its users know its types by as {@link Words}.
 */
public final class StatisticCatalogChecks {

  /** A column as the checks see it. */
  public interface Column {
    /** The type as the database prints it, for messages. */
    String typeName();

    boolean isTime();

    boolean isNumber();

    /** Whether it can hold a subject key (an integer, text, or where the store has them, uuid). */
    boolean holdsSubjectKeys();

    boolean isText();
  }

  /** A table as the checks see it. */
  public interface Table {
    /** The name as messages give it. */
    String displayName();

    Map<String, ? extends Column> columns();

    boolean hasSingleKey();
  }

  /** The store's catalog: its tables, and the table a dimension reaches through its {@code via}. */
  public interface Catalog {
    String storeName();

    Optional<? extends Table> table(String name);

    Optional<? extends Table> related(Statistic statistic, Table table, Statistic.Dimension d);
  }

  /**
   * What a store's users call its kinds of columns and where its tables live, for the fixes.
   *
   * @param timeTypes the column types that hold a point in time ("a date, timestamp or
   *     timestamptz")
   * @param subjectTypes the column types that hold a subject key ("an integer, text or uuid")
   * @param namespace where a table lives ("schema", "database")
   */
  public record Words(String timeTypes, String subjectTypes, String namespace) {}

  private final Catalog catalog;
  private final Words words;
  private final Problems problems;

  public StatisticCatalogChecks(Catalog catalog, Words words, Problems problems) {
    this.catalog = catalog;
    this.words = words;
    this.problems = problems;
  }

  public void check(Statistic statistic) {
    var found = catalog.table(statistic.table());
    if (found.isEmpty()) {
      error(
          statistic,
          statistic.lineOf("table"),
          "table",
          "no table '" + statistic.table() + "' in store '" + catalog.storeName() + "'",
          "check the name and the " + words.namespace());
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
              + columns.get(statistic.time()).typeName()
              + ", not a point in time",
          "name " + words.timeTypes() + " column");
    }
    if (column(statistic, table, "subject", statistic.subject())
        && !columns.get(statistic.subject()).holdsSubjectKeys()) {
      error(
          statistic,
          statistic.lineOf("subject"),
          "subject",
          "column '" + statistic.subject() + "' is " + columns.get(statistic.subject()).typeName(),
          "name a column holding the subject key as " + words.subjectTypes());
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
                + columns.get(measure.column()).typeName()
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

  private void checkDimension(Statistic statistic, Table table, Statistic.Dimension d) {
    Table source = table;
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
      var other = catalog.related(statistic, table, d);
      if (other.isEmpty()) {
        error(
            statistic,
            d.line(),
            "dimensions",
            d.table() == null
                ? "no foreign key on '" + d.via() + "' says which table it refers to"
                : "no table '" + d.table() + "' in store '" + catalog.storeName() + "'",
            "write the column as table.column");
        return;
      }
      if (!other.get().hasSingleKey()) {
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
    var column = source.columns().get(d.column());
    if (column == null) {
      error(
          statistic,
          d.line(),
          "dimensions",
          "no column '" + d.column() + "' in " + source.displayName(),
          "use one of " + String.join(", ", source.columns().keySet()));
      return;
    }
    if (d.kind() == Statistic.Dimension.Kind.BAND && !column.isNumber() && !column.isTime()) {
      error(
          statistic,
          d.line(),
          "dimensions",
          "band needs a number or a date, and column '" + d.column() + "' is " + column.typeName(),
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
              + column.typeName(),
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
