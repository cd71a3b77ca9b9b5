package dev.lethe.store.jdbc;

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

  JdbcRetentionTarget(
      DataSource dataSource, Predicates self, List<Predicates> sameTable, Plans plans) {
    this.dataSource = dataSource;
    this.self = self;
    this.sameTable = sameTable;
    this.plans = plans;
  }

  private String table() {
    return self.table().qualified();
  }

  private List<String> key() {
    return self.policy().key();
  }

  @Override
  public long totalRows() {
    return inConnection(c -> Statements.longs(c, Sql.of("SELECT count(*) FROM " + table()))[0]);
  }

  @Override
  public Optional<List<String>> lastExpiredPosition() {
    var inner = String.join(", ", key().stream().map(k -> T + "." + Sql.quote(k)).toList());
    var outer = String.join(", ", key().stream().map(k -> "s." + Sql.quote(k) + "::text").toList());
    var desc = String.join(", ", key().stream().map(k -> "s." + Sql.quote(k) + " DESC").toList());
    // OFFSET 0 keeps the planner from walking the key index backwards through unexpired rows
    var sql =
        self.eligible(T, sameTable)
            .wrap(
                "SELECT "
                    + outer
                    + " FROM (SELECT "
                    + inner
                    + " FROM "
                    + table()
                    + " "
                    + T
                    + " WHERE ",
                " OFFSET 0) s ORDER BY " + desc + " LIMIT 1");
    return inConnection(c -> Statements.firstRow(c, sql));
  }

  @Override
  public WindowOutcome purgeNextWindow(
      Optional<List<String>> after,
      List<String> last,
      int windowSize,
      SparedSubjects spared,
      WindowCheck beforeCommit) {
    try (var connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        var bound = upperBound(connection, after, last, windowSize);
        var upTo = bound.orElse(last);
        var outcome =
            deleteWindow(
                connection, after, upTo, spared, bound.isEmpty() || bound.get().equals(last));
        beforeCommit.check(outcome);
        connection.commit();
        return outcome;
      } catch (RuntimeException | SQLException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(
          "purge of " + self.table().displayName() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The key of the {@code windowSize}-th row after {@code after}, if it lies before {@code last}.
   */
  private Optional<List<String>> upperBound(
      Connection connection, Optional<List<String>> after, List<String> last, int windowSize)
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
      List<String> upTo,
      SparedSubjects spared,
      boolean last)
      throws SQLException {
    var scope = Sql.and(List.of(window(after, upTo), self.eligible(T, sameTable)));
    var referenced = self.referenced(T, 0, fk -> Optional.empty());
    var free =
        Sql.and(
            List.of(
                self.subjectNotIn(T, spared.held()),
                self.subjectNotIn(T, spared.restricted()),
                referenced.wrap("NOT ", "")));
    var held = self.subjectIn(T, spared.held()).wrap("coalesce(", ", false)");
    var restricted = self.subjectIn(T, spared.restricted()).wrap("coalesce(", ", false)");
    var sql =
        Sql.and(List.of(scope, free))
            .wrap("WITH gone AS (DELETE FROM " + table() + " " + T + " WHERE ", " RETURNING 1)")
            .then(" SELECT (SELECT count(*) FROM gone), count(*), count(*) FILTER (WHERE ", held)
            .then("), count(*) FILTER (WHERE NOT ", held)
            .then(" AND ", restricted)
            .then("), count(*) FILTER (WHERE NOT ", held)
            .then(" AND NOT ", restricted)
            .then(" AND ", referenced)
            .then(") FROM " + table() + " " + T + " WHERE ", scope);
    var n = Statements.longs(connection, sql);
    return new WindowOutcome(upTo, last, n[1], n[0], n[2], n[3], n[4]);
  }

  /** Rows with a key after {@code after} (if any) and up to {@code upTo}. */
  private Sql window(Optional<List<String>> after, List<String> upTo) {
    var parts = new ArrayList<Sql>();
    after.ifPresent(a -> parts.add(keyCompare(">", a)));
    parts.add(keyCompare("<=", upTo));
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
