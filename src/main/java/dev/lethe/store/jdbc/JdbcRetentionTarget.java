package dev.lethe.store.jdbc;

import dev.lethe.store.HeldBack;
import dev.lethe.store.PlanCounts;
import dev.lethe.store.RetentionTarget;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.StoreException;
import dev.lethe.store.WindowOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * One policy's purge of one PostgreSQL table in keyset windows. Each window is one transaction and
 * one DELETE with the whole predicate (expired, covered, not kept by a longer policy, subject not
 * spared, row not referenced); the same statement counts what it held back, so the counts in a
 * report are the database's own.
 */
final class JdbcRetentionTarget implements RetentionTarget {

  private static final String T = "t";

  private final DataSource dataSource;
  private final Predicates self;
  private final List<Predicates> sameTable;
  private final Plans plans;
  private final Sql referenced;

  JdbcRetentionTarget(
      DataSource dataSource, Predicates self, List<Predicates> sameTable, Plans plans) {
    this.dataSource = dataSource;
    this.self = self;
    this.sameTable = sameTable;
    this.plans = plans;
    this.referenced = self.referenced(T, 0, fk -> Optional.empty());
  }

  private String table() {
    return self.table().qualified();
  }

  private List<String> key() {
    return self.policy().key();
  }

  @Override
  public long totalRows() {
    var estimate =
        Sql.of(
            "SELECT CASE WHEN bool_and(c.reltuples >= 0) THEN sum(c.reltuples)::bigint ELSE -1 END"
                + " FROM pg_partition_tree(CAST(? AS oid)) p JOIN pg_class c ON c.oid = p.relid"
                + " WHERE p.isleaf",
            Long.toString(self.table().oid()));
    return inConnection(
        c -> {
          long estimated = Statements.longs(c, estimate)[0];
          return estimated >= 0
              ? estimated
              : Statements.longs(c, Sql.of("SELECT count(*) FROM " + table()))[0];
        });
  }

  /**
   * The key of the last expired row. Either way of finding it visits at most about half the table,
   * if the right one is chosen: walking the key index backwards reads the rows that have not
   * expired until it meets one that has, while reading every expired row (through the clock's
   * index, if there is one) reads those that have. The planner's estimate of how many rows have
   * expired decides which; a fence (OFFSET 0) keeps it from the backward walk when few have, as in
   * a nightly run, where that walk would read almost the whole table.
   */
  @Override
  public Survey survey(SparedSubjects spared) {
    if (key().size() == 1 && !countsAsItGoes()) {
      return surveyInOnePass(spared);
    }
    var last = lastExpiredPosition();
    if (last.isEmpty() || countsAsItGoes()) {
      return new Survey(last, HeldBack.NONE);
    }
    return new Survey(last, countSpared(spared));
  }

  /**
   * With a one-column key, the last expired row and the spared rows come from one read of the
   * table. The clock's condition is kept from the index (IS TRUE): when about half the rows have
   * expired, a sequential read is much cheaper than fetching each through the clock's index.
   */
  private Survey surveyInOnePass(SparedSubjects spared) {
    var held = self.subjectIn(T, spared.held()).wrap("coalesce(", ", false)");
    var restricted = self.subjectIn(T, spared.restricted()).wrap("coalesce(", ", false)");
    var sql =
        held.wrap(
                "SELECT max("
                    + T
                    + "."
                    + Sql.quote(key().get(0))
                    + ")::text, count(*) FILTER (WHERE ",
                ")")
            .then(", count(*) FILTER (WHERE NOT ", held)
            .then(" AND ", restricted)
            .then(") FROM " + table() + " " + T + " WHERE (", self.eligible(T, sameTable))
            .then(") IS TRUE", Sql.of(""));
    var row =
        inConnection(
                c -> {
                  // one core for the survey; the windows beside it need the others
                  try (var s = c.createStatement()) {
                    s.execute("SET max_parallel_workers_per_gather = 0");
                  }
                  try {
                    return Statements.firstRow(c, sql);
                  } finally {
                    try (var s = c.createStatement()) {
                      s.execute("RESET max_parallel_workers_per_gather");
                    }
                  }
                })
            .orElseThrow();
    if (row.get(0) == null) {
      return new Survey(Optional.empty(), HeldBack.NONE);
    }
    return new Survey(
        Optional.of(List.of(row.get(0))),
        new HeldBack(Long.parseLong(row.get(1)), Long.parseLong(row.get(2))));
  }

  private Optional<List<String>> lastExpiredPosition() {
    var columns = String.join(", ", key().stream().map(k -> T + "." + Sql.quote(k)).toList());
    var asText =
        String.join(", ", key().stream().map(k -> "s." + Sql.quote(k) + "::text").toList());
    var descending =
        String.join(", ", key().stream().map(k -> "s." + Sql.quote(k) + " DESC").toList());
    var eligible = self.eligible(T, sameTable);
    var fence = mostRowsExpired(eligible) ? "" : " OFFSET 0";
    var sql =
        eligible.wrap(
            "SELECT "
                + asText
                + " FROM (SELECT "
                + columns
                + " FROM "
                + table()
                + " "
                + T
                + " WHERE ",
            fence + ") s ORDER BY " + descending + " LIMIT 1");
    return inConnection(c -> Statements.firstRow(c, sql));
  }

  private boolean mostRowsExpired(Sql eligible) {
    return inConnection(
        c -> {
          double expired =
              estimatedRows(c, eligible.wrap("SELECT 1 FROM " + table() + " " + T + " WHERE ", ""));
          double all = estimatedRows(c, Sql.of("SELECT 1 FROM " + table() + " " + T));
          return expired > all / 2;
        });
  }

  private static double estimatedRows(Connection connection, Sql query) throws SQLException {
    var plan =
        Statements.firstRow(connection, query.wrap("EXPLAIN (FORMAT JSON) ", "")).orElseThrow();
    var matcher =
        java.util.regex.Pattern.compile("\"Plan Rows\": ([0-9.e+]+)").matcher(plan.get(0));
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  @Override
  public WindowOutcome purgeNextWindow(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      SparedSubjects spared,
      WindowCheck beforeCommit) {
    try (var connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        var bound = upperBound(connection, after, last, windowSize);
        boolean isLast = bound.isEmpty() || bound.equals(last);
        var upTo = bound.isPresent() ? bound : last;
        var outcome = deleteWindow(connection, after, upTo, spared, isLast);
        beforeCommit.check(outcome);
        connection.commit();
        return outcome;
      } catch (RuntimeException | SQLException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(
          "purge of " + self.table().displayName() + " failed: " + StoreErrors.describe(e), e);
    }
  }

  /**
   * The key of the {@code windowSize}-th row after {@code after} (up to {@code last} when known),
   * read from the key's index alone.
   */
  private Optional<List<String>> upperBound(
      Connection connection,
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize)
      throws SQLException {
    var select =
        String.join(", ", key().stream().map(k -> T + "." + Sql.quote(k) + "::text").toList());
    var order = String.join(", ", key().stream().map(k -> T + "." + Sql.quote(k)).toList());
    var sql =
        window(after, last)
            .wrap(
                "SELECT " + select + " FROM " + table() + " " + T + " WHERE ",
                " ORDER BY " + order + " OFFSET ? LIMIT 1")
            .then("", new Sql("", List.of(windowSize - 1)));
    return Statements.firstRow(connection, sql);
  }

  private WindowOutcome deleteWindow(
      Connection connection,
      Optional<List<String>> after,
      Optional<List<String>> upTo,
      SparedSubjects spared,
      boolean last)
      throws SQLException {
    var scope = Sql.and(List.of(window(after, upTo), self.eligible(T, sameTable)));
    var free =
        Sql.and(
            List.of(
                self.subjectNotIn(T, spared.held()),
                self.subjectNotIn(T, spared.restricted()),
                referenced.wrap("NOT ", "")));
    var delete =
        Sql.and(List.of(scope, free)).wrap("DELETE FROM " + table() + " " + T + " WHERE ", "");
    if (!countsAsItGoes()) {
      // Nothing references the table: the window is best read page by page in physical order (a
      // bitmap heap scan), as fast per row as one DELETE of the whole table, where an index scan
      // fetches row by row and is a third slower. SET LOCAL ends with the window's transaction.
      // What the window held back is counted once, at the end (heldBack).
      try (var s = connection.createStatement()) {
        s.execute("SET LOCAL enable_indexscan = off");
      }
      try (var ps = Statements.prepare(connection, delete)) {
        long deleted = ps.executeLargeUpdate();
        return new WindowOutcome(upTo.orElse(List.of()), last, deleted, deleted, 0, 0, 0);
      }
    }
    // The same statement counts what it held back: a row kept because another still references
    // it can only be told while the window is looked at.
    var held = self.subjectIn(T, spared.held()).wrap("coalesce(", ", false)");
    var restricted = self.subjectIn(T, spared.restricted()).wrap("coalesce(", ", false)");
    var sql =
        delete
            .wrap("WITH gone AS (", " RETURNING 1)")
            .then(" SELECT (SELECT count(*) FROM gone), count(*), count(*) FILTER (WHERE ", held)
            .then("), count(*) FILTER (WHERE NOT ", held)
            .then(" AND ", restricted)
            .then("), count(*) FILTER (WHERE NOT ", held)
            .then(" AND NOT ", restricted)
            .then(" AND ", referenced)
            .then(") FROM " + table() + " " + T + " WHERE ", scope);
    var n = Statements.longs(connection, sql);
    return new WindowOutcome(upTo.orElse(List.of()), last, n[1], n[0], n[2], n[3], n[4]);
  }

  @Override
  public boolean countsAsItGoes() {
    return !referenced.text().equals("FALSE");
  }

  /**
   * The expired rows still there of the subjects spared during the run: after the last window,
   * these are exactly the rows the windows held back. One statement, which an index on the subject
   * column turns into a look-up of those subjects' rows alone.
   */
  @Override
  public HeldBack heldBack(SparedSubjects sparedDuringRun) {
    return countsAsItGoes() ? HeldBack.NONE : countSpared(sparedDuringRun);
  }

  /**
   * The expired rows of spared subjects. The clock's condition is kept from the index (IS TRUE), so
   * that the planner reads either the subjects' rows through an index on the subject or the table
   * once, rather than every expired row's index entry, dead ones included.
   */
  private HeldBack countSpared(SparedSubjects sparedDuringRun) {
    var all = new java.util.HashSet<>(sparedDuringRun.held());
    all.addAll(sparedDuringRun.restricted());
    if (all.isEmpty()) {
      return HeldBack.NONE;
    }
    var held = self.subjectIn(T, sparedDuringRun.held()).wrap("coalesce(", ", false)");
    var restricted = self.subjectIn(T, sparedDuringRun.restricted()).wrap("coalesce(", ", false)");
    var sql =
        held.wrap("SELECT count(*) FILTER (WHERE ", ")")
            .then(", count(*) FILTER (WHERE NOT ", held)
            .then(" AND ", restricted)
            .then(") FROM " + table() + " " + T + " WHERE (", self.eligible(T, sameTable))
            .then(") IS TRUE AND ", self.subjectIn(T, all));
    var n = inConnection(c -> Statements.longs(c, sql));
    return new HeldBack(n[0], n[1]);
  }

  /** Rows with a key after {@code after} and up to {@code upTo}, where these are given. */
  private Sql window(Optional<List<String>> after, Optional<List<String>> upTo) {
    var parts = new ArrayList<Sql>();
    after.ifPresent(a -> parts.add(keyCompare(">", a)));
    upTo.ifPresent(u -> parts.add(keyCompare("<=", u)));
    return Sql.and(parts);
  }

  private Sql keyCompare(String operator, List<String> values) {
    var columns = new ArrayList<String>();
    var casts = new ArrayList<String>();
    for (var k : key()) {
      columns.add(T + "." + Sql.quote(k));
      casts.add("CAST(? AS " + self.table().columns().get(k).sqlType() + ")");
    }
    return new Sql(
        "(" + String.join(", ", columns) + ") " + operator + " (" + String.join(", ", casts) + ")",
        List.copyOf(values));
  }

  @Override
  public PlanCounts plan(Function<String, SparedSubjects> sparedFor) {
    var spared = sparedFor.apply(self.policy().name());
    var scope = plans.eligibleInPlan(self, T, 0, sameTable, sparedFor);
    var referenced = plans.referencedInPlan(self, T, 0, sparedFor);
    var held = self.subjectIn(T, spared.held()).wrap("coalesce(", ", false)");
    var restricted = self.subjectIn(T, spared.restricted()).wrap("coalesce(", ", false)");
    var sql =
        held.wrap("SELECT count(*), count(*) FILTER (WHERE ", ")")
            .then(", count(*) FILTER (WHERE NOT ", held)
            .then(" AND ", restricted)
            .then("), count(*) FILTER (WHERE NOT ", held)
            .then(" AND NOT ", restricted)
            .then(" AND ", referenced)
            .then(") FROM " + table() + " " + T + " WHERE ", scope);
    var n = inConnection(c -> Statements.longs(c, sql));
    long wouldDelete = n[0] - n[1] - n[2] - n[3];
    return new PlanCounts(totalRows(), n[0], wouldDelete, n[1], n[2], n[3]);
  }

  private <R> R inConnection(SqlFunction<R> work) {
    try (var connection = dataSource.getConnection()) {
      return work.apply(connection);
    } catch (SQLException e) {
      throw new StoreException(
          "reading " + self.table().displayName() + " failed: " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  interface SqlFunction<R> {
    R apply(Connection connection) throws SQLException;
  }
}
