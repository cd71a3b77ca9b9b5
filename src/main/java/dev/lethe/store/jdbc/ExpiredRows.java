package dev.lethe.store.jdbc;

import static dev.lethe.store.jdbc.TableAccess.T;

import dev.lethe.store.HeldBack;
import dev.lethe.store.RetentionTarget.Survey;
import dev.lethe.store.SparedSubjects;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Looks over a table's expired rows as a whole: where the last one is, and how many the spared
 * subjects hold. Reads that may cover half the table, so they are written to be read once.
 */
final class ExpiredRows {

  private static final Pattern PLAN_ROWS = Pattern.compile("\"Plan Rows\": ([0-9.e+]+)");

  private final TableAccess access;

  ExpiredRows(TableAccess access) {
    this.access = access;
  }

  Survey survey(SparedSubjects spared) {
    if (access.key().size() == 1 && !access.isReferenced()) {
      return surveyInOnePass(spared);
    }
    var last = lastPosition();
    if (last.isEmpty() || access.isReferenced()) {
      return new Survey(last, HeldBack.NONE);
    }
    return new Survey(last, countSpared(spared));
  }

  /**
   * With a one-column key, the last expired row and the spared rows come from one read of the
   * table. The clock's condition is kept from its index (IS TRUE): when many rows have expired, a
   * sequential read is much cheaper than fetching each through the clock's index.
   */
  private Survey surveyInOnePass(SparedSubjects spared) {
    var sql =
        access
            .heldBackCounts(spared, Optional.empty())
            .wrap("SELECT max(" + T + "." + Sql.quote(access.key().get(0)) + ")::text, ", "")
            .then(" FROM " + access.table() + " " + T + " WHERE (", access.eligible())
            .then(") IS TRUE", Sql.of(""));
    var row = access.inConnection(c -> onOneCore(c, sql)).orElseThrow();
    if (row.get(0) == null) {
      return new Survey(Optional.empty(), HeldBack.NONE);
    }
    return new Survey(
        Optional.of(List.of(row.get(0))),
        new HeldBack(
            Long.parseLong(row.get(1)), Long.parseLong(row.get(2)), Long.parseLong(row.get(3))));
  }

  /** One core for the survey: the windows beside it need the others. */
  private static Optional<List<String>> onOneCore(Connection connection, Sql sql)
      throws SQLException {
    try (var s = connection.createStatement()) {
      s.execute("SET max_parallel_workers_per_gather = 0");
    }
    try {
      return Statements.firstRow(connection, sql);
    } finally {
      try (var s = connection.createStatement()) {
        s.execute("RESET max_parallel_workers_per_gather");
      }
    }
  }

  /**
   * The key of the last expired row. Either way of finding it visits about half the table at most,
   * if the right one is chosen: walking the key's index backwards reads the rows that have not
   * expired until it meets one that has; reading every expired row (through the clock's index, if
   * there is one) reads those that have. The planner's estimate of how many have expired decides; a
   * fence (OFFSET 0) keeps it from the backward walk when few have, as in a nightly run, where that
   * walk would read almost the whole table.
   */
  private Optional<List<String>> lastPosition() {
    var key = access.key();
    var columns = String.join(", ", key.stream().map(k -> T + "." + Sql.quote(k)).toList());
    var asText = String.join(", ", key.stream().map(k -> "s." + Sql.quote(k) + "::text").toList());
    var descending =
        String.join(", ", key.stream().map(k -> "s." + Sql.quote(k) + " DESC").toList());
    var eligible = access.eligible();
    var fence = mostRowsExpired(eligible) ? "" : " OFFSET 0";
    var sql =
        eligible.wrap(
            "SELECT "
                + asText
                + " FROM (SELECT "
                + columns
                + " FROM "
                + access.table()
                + " "
                + T
                + " WHERE ",
            fence + ") s ORDER BY " + descending + " LIMIT 1");
    return access.inConnection(c -> Statements.firstRow(c, sql));
  }

  private boolean mostRowsExpired(Sql eligible) {
    return access.inConnection(
        c -> {
          var from = "SELECT 1 FROM " + access.table() + " " + T;
          double expired = estimatedRows(c, eligible.wrap(from + " WHERE ", ""));
          double all = estimatedRows(c, Sql.of(from));
          return expired > all / 2;
        });
  }

  private static double estimatedRows(Connection connection, Sql query) throws SQLException {
    var plan =
        Statements.firstRow(connection, query.wrap("EXPLAIN (FORMAT JSON) ", "")).orElseThrow();
    var matcher = PLAN_ROWS.matcher(plan.get(0));
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  /**
   * The expired rows of spared subjects still there. The clock's condition is kept from its index
   * (IS TRUE), so that the planner reads either the subjects' rows through an index on the subject
   * or the table once, rather than every expired row's index entry, dead ones included.
   */
  HeldBack countSpared(SparedSubjects spared) {
    var all = spared.all();
    if (all.isEmpty()) {
      return HeldBack.NONE;
    }
    var sql =
        access
            .heldBackCounts(spared, Optional.empty())
            .wrap("SELECT ", " FROM " + access.table() + " " + T + " WHERE (")
            .then("", access.eligible())
            .then(") IS TRUE AND ", access.self().subjectIn(T, all));
    var n = access.inConnection(c -> Statements.longs(c, sql));
    return new HeldBack(n[0], n[1], n[2]);
  }
}
