package dev.lethe.store.jdbc;

import static dev.lethe.store.jdbc.TableAccess.T;

import dev.lethe.store.RetentionTarget.WindowCheck;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.StoreException;
import dev.lethe.store.WindowOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Purges a table in windows of its key: {@code key > after AND key <= upTo}, where {@code upTo} is
 * the key of the N-th row after {@code after}. One transaction and one DELETE per window; no row
 * travels to Lethe.
 */
final class KeysetWindows {

  private final TableAccess access;
  private final Optional<Pseudonymiser> pseudonymiser;

  /**
   * @param pseudonymiser present where the step pseudonymises rather than deletes
   */
  KeysetWindows(TableAccess access, Optional<Pseudonymiser> pseudonymiser) {
    this.access = access;
    this.pseudonymiser = pseudonymiser;
  }

  WindowOutcome purgeNext(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      SparedSubjects spared,
      WindowCheck beforeCommit) {
    try (var connection = access.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      try {
        var bound = upperBound(connection, after, last, windowSize);
        boolean isLast = bound.isEmpty() || bound.equals(last);
        var upTo = bound.isPresent() ? bound : last;
        var outcome =
            pseudonymiser.isPresent()
                ? pseudonymiser
                    .get()
                    .transform(
                        connection, window(after, upTo), spared, upTo.orElse(List.of()), isLast)
                : delete(connection, after, upTo, spared, isLast);
        beforeCommit.check(outcome);
        connection.commit();
        return outcome;
      } catch (RuntimeException | SQLException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(
          access.self().step().action().yamlName()
              + " of "
              + access.self().table().displayName()
              + " failed: "
              + StoreErrors.describe(e),
          e);
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
    var key = access.key();
    var select =
        String.join(", ", key.stream().map(k -> T + "." + Sql.quote(k) + "::text").toList());
    var order = String.join(", ", key.stream().map(k -> T + "." + Sql.quote(k)).toList());
    var sql =
        window(after, last)
            .wrap(
                "SELECT " + select + " FROM " + access.table() + " " + T + " WHERE ",
                " ORDER BY " + order + " OFFSET ? LIMIT 1")
            .then("", new Sql("", List.of(windowSize - 1)));
    return Statements.firstRow(connection, sql);
  }

  private WindowOutcome delete(
      Connection connection,
      Optional<List<String>> after,
      Optional<List<String>> upTo,
      SparedSubjects spared,
      boolean last)
      throws SQLException {
    var self = access.self();
    var scope = Sql.and(List.of(window(after, upTo), access.eligible()));
    var free =
        Sql.and(List.of(self.subjectNotIn(T, spared.all()), access.referenced().wrap("NOT ", "")));
    var subject = T + "." + Sql.quote(self.policy().subject());
    // The rows deleted per subject come back with the delete, for the audit trail (one entry per
    // window, with each subject's rows): grouped in the statement, one row per subject.
    var delete =
        Sql.and(List.of(scope, free))
            .wrap(
                "WITH gone AS (DELETE FROM " + access.table() + " " + T + " WHERE ",
                " RETURNING "
                    + subject
                    + " AS s), by_subject AS (SELECT s::text AS s, count(*)"
                    + " AS n FROM gone GROUP BY gone.s) ");
    var reached = upTo.orElse(List.of());
    if (!access.isReferenced() && !self.policy().auditsSubjects()) {
      // audit: counts: the plain DELETE, as fast as it gets
      var plain =
          Sql.and(List.of(scope, free))
              .wrap("DELETE FROM " + access.table() + " " + T + " WHERE ", "");
      try (var ps = Statements.prepare(connection, plain)) {
        long deleted = ps.executeLargeUpdate();
        return new WindowOutcome(reached, last, deleted, deleted, 0, 0, 0, 0, java.util.Map.of());
      }
    }
    if (!access.isReferenced()) {
      // What the windows hold back is counted once for the whole run (ExpiredRows): counting it
      // here would read every window twice.
      var sql = delete.then("SELECT s, n FROM by_subject", Sql.of(""));
      var bySubject = new java.util.HashMap<String, Long>();
      long deleted = 0;
      try (var ps = Statements.prepare(connection, sql);
          var rs = ps.executeQuery()) {
        while (rs.next()) {
          deleted += rs.getLong(2);
          var key = rs.getString(1);
          if (key != null) {
            bySubject.put(key, rs.getLong(2));
          }
        }
      }
      return new WindowOutcome(reached, last, deleted, deleted, 0, 0, 0, 0, bySubject);
    }
    // The same statement counts what it held back: a row kept because another still references
    // it can only be told while the window is looked at (the counts see the window as it was).
    var sql =
        delete
            .then(", counts AS (SELECT count(*) AS examined, ", Sql.of(""))
            .then("", access.heldBackCounts(spared, Optional.of(access.referenced())))
            .then(" FROM " + access.table() + " " + T + " WHERE ", scope)
            .then(
                ") SELECT g.s, g.n, c.* FROM counts c LEFT JOIN by_subject g ON true", Sql.of(""));
    var bySubject = new java.util.HashMap<String, Long>();
    long deleted = 0;
    long[] counts = null;
    try (var ps = Statements.prepare(connection, sql);
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        if (counts == null) {
          counts = new long[5];
          for (int i = 0; i < 5; i++) {
            counts[i] = rs.getLong(3 + i);
          }
        }
        deleted += rs.getLong(2);
        var key = rs.getString(1);
        if (key != null) {
          bySubject.put(key, rs.getLong(2));
        }
      }
    }
    return new WindowOutcome(
        reached, last, counts[0], deleted, counts[1], counts[2], counts[3], counts[4], bySubject);
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
    for (var k : access.key()) {
      columns.add(T + "." + Sql.quote(k));
      casts.add("CAST(? AS " + access.self().table().columns().get(k).sqlType() + ")");
    }
    return new Sql(
        "(" + String.join(", ", columns) + ") " + operator + " (" + String.join(", ", casts) + ")",
        List.copyOf(values));
  }
}
