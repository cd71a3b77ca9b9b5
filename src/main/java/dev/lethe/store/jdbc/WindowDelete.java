package dev.lethe.store.jdbc;

import static dev.lethe.store.jdbc.TableAccess.T;

import dev.lethe.store.SparedSubjects;
import dev.lethe.store.WindowOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The DELETE of one window's expired rows, sparing the spared subjects and rows still referenced,
 * in one statement: plain under {@code audit: counts}; otherwise returning each deleted row's
 * subject for the audit trail; where foreign keys reference the table, also counting what it held
 * back.
 */
final class WindowDelete {

  private final TableAccess access;

  WindowDelete(TableAccess access) {
    this.access = access;
  }

  WindowOutcome delete(
      Connection connection,
      Sql window,
      List<String> reached,
      SparedSubjects spared,
      boolean last,
      int windowRows)
      throws SQLException {
    var self = access.self();
    var scope = Sql.and(List.of(window, access.eligible()));
    var free = access.free(spared);
    var subject = T + "." + Sql.quote(self.policy().subject());
    if (!access.isReferenced() && !self.policy().auditsSubjects()) {
      // audit: counts: the plain DELETE, as fast as it gets
      var plain =
          Sql.and(List.of(scope, free))
              .wrap("DELETE FROM " + access.table() + " " + T + " WHERE ", "");
      try (var ps = Statements.prepare(connection, plain)) {
        long deleted = ps.executeLargeUpdate();
        return new WindowOutcome(reached, last, deleted, deleted, 0, 0, 0, 0, Map.of());
      }
    }
    // The rows deleted per subject come back with the delete, for the audit trail (one entry per
    // window, with each subject's rows). They are counted here, not grouped in the statement: a
    // window has up to as many subjects as rows, and grouping them in the database (a hash
    // aggregate past work_mem) tripled the window's time.
    var delete =
        Sql.and(List.of(scope, free))
            .wrap(
                "WITH gone AS (DELETE FROM " + access.table() + " " + T + " WHERE ",
                " RETURNING " + subject + " AS s) ");
    // sized for the window at once: growing a map of a hundred thousand subjects copies it again
    // and again
    var bySubject = new HashMap<String, Long>((int) Math.min(windowRows * 4L / 3 + 1, 1 << 18));
    if (!access.isReferenced()) {
      // What the windows hold back is counted once for the whole run (ExpiredRows): counting it
      // here would read every window twice.
      // RETURNING straight to Lethe: the same DELETE in a WITH query (as the referenced case
      // needs) keeps every subject in a tuple store first, and took a quarter longer in psql
      var family = self.subjectFamily();
      if (family == ColumnType.Family.INTEGER || family == ColumnType.Family.BIGINT) {
        return deleteNumbered(connection, Sql.and(List.of(scope, free)), reached, last, windowRows);
      }
      var sql =
          Sql.and(List.of(scope, free))
              .wrap(
                  "DELETE FROM " + access.table() + " " + T + " WHERE ",
                  " RETURNING " + subject + "::text");
      long deleted = 0;
      boolean anyCase = self.subjectAnyCase();
      try (var ps = Statements.prepare(connection, sql);
          var rs = ps.executeQuery()) {
        while (rs.next()) {
          deleted++;
          countSubject(bySubject, rs.getString(1), anyCase);
        }
      }
      return new WindowOutcome(reached, last, deleted, deleted, 0, 0, 0, 0, bySubject);
    }
    // The same statement counts what it held back: a row kept because another still references
    // it can only be told while the window is looked at (the counts see the window as it was).
    // One row of counts (part 0), and one row per deleted row (part 1).
    var sql =
        delete
            .then(", counts AS (SELECT count(*) AS examined, ", Sql.of(""))
            .then("", access.heldBackCounts(spared, Optional.of(access.referenced())))
            .then(" FROM " + access.table() + " " + T + " WHERE ", scope)
            .then(
                ") SELECT 0 AS part, NULL::text AS s, c.* FROM counts c"
                    + " UNION ALL SELECT 1, g.s::text, 0, 0, 0, 0, 0 FROM gone g",
                Sql.of(""));
    long deleted = 0;
    long[] counts = new long[5];
    boolean anyCase = self.subjectAnyCase();
    try (var ps = Statements.prepare(connection, sql);
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        if (rs.getInt(1) == 0) {
          for (int i = 0; i < 5; i++) {
            counts[i] = rs.getLong(3 + i);
          }
        } else {
          deleted++;
          countSubject(bySubject, rs.getString(2), anyCase);
        }
      }
    }
    return new WindowOutcome(
        reached, last, counts[0], deleted, counts[1], counts[2], counts[3], counts[4], bySubject);
  }

  /**
   * As the text case, where the subject is a whole number: each deleted row's subject comes back as
   * the number, counted without a string (the column's text is the number's, as Java writes it).
   */
  private WindowOutcome deleteNumbered(
      Connection connection, Sql where, List<String> reached, boolean last, int windowRows)
      throws SQLException {
    var subject = T + "." + Sql.quote(access.self().policy().subject());
    var sql =
        where.wrap("DELETE FROM " + access.table() + " " + T + " WHERE ", " RETURNING " + subject);
    var bySubject = new NumberSubjectRows(windowRows);
    long deleted = 0;
    try (var ps = Statements.prepare(connection, sql);
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        deleted++;
        long number = rs.getLong(1);
        if (!rs.wasNull()) {
          bySubject.add(number); // rows without a subject belong to no one in the trail
        }
      }
    }
    return new WindowOutcome(reached, last, deleted, deleted, 0, 0, 0, 0, bySubject);
  }

  /** Rows without a subject are counted as deleted but belong to no one in the audit trail. */
  private static void countSubject(Map<String, Long> bySubject, String subject, boolean anyCase) {
    if (subject != null) {
      bySubject.merge(Predicates.recordedKey(subject, anyCase), 1L, Long::sum);
    }
  }
}
