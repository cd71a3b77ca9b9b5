package dev.lethe.store.jdbc;

import static dev.lethe.store.jdbc.TableAccess.T;

import dev.lethe.store.SparedSubjects;
import dev.lethe.store.WindowOutcome;
import dev.lethe.transform.Tokens;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Transforms one window of rows whose pseudonymise stage has come, and sets their marker in the
 * same statement, so that no row is ever transformed without being marked, nor marked without being
 * transformed (docs/decisions/0006).
 *
 * <p>Where the database can compute every transform, the window is one UPDATE. Where one needs
 * Lethe (a token: the key never goes to the database), the window reads its rows' keys and old
 * values once, computes the new values, and writes them back in one UPDATE joined to arrays of them
 * ({@code unnest}): two statements per window, never one per row. That UPDATE changes a row only if
 * the values it read are still there and the row is still unmarked: a row changed in between is
 * left for the next run rather than given a token of a value it no longer holds.
 */
final class Pseudonymiser {

  private final TableAccess access;
  private final Map<String, ColumnTransforms.Way> ways = new LinkedHashMap<>();
  private final Optional<Tokens> tokens;

  Pseudonymiser(TableAccess access, ZoneId zone, Optional<Tokens> tokens) {
    this.access = access;
    this.tokens = tokens;
    var table = access.self().table();
    access
        .self()
        .step()
        .stage()
        .transforms()
        .forEach(
            (column, transform) ->
                ways.put(
                    column, ColumnTransforms.of(transform, table.columns().get(column), zone)));
    ways.forEach(
        (column, way) -> {
          if (way instanceof ColumnTransforms.Unfit unfit) {
            throw new IllegalStateException(unfit.message()); // validate refuses this first
          }
        });
  }

  /**
   * Whether the database computes every transform, and the subject column keeps its value (the
   * UPDATE can then return the subject of each row it changed; otherwise the window is read first).
   */
  private boolean allInSql() {
    return ways.values().stream().allMatch(ColumnTransforms.InSql.class::isInstance)
        && !transformsSubject();
  }

  /** Whether the stage transforms the subject column itself (page views' account id). */
  private boolean transformsSubject() {
    return ways.containsKey(subjectColumn());
  }

  private String subjectColumn() {
    return access.self().policy().subject();
  }

  /** The rows a statement changed, in all and per subject (rows of no subject left out). */
  private record Changed(long total, Map<String, Long> bySubject) {}

  /**
   * Counts per subject of the {@code s} column of {@code changed}, a WITH of the changed rows;
   * under {@code audit: counts}, only how many.
   */
  private Changed grouped(Connection connection, Sql changed) throws SQLException {
    if (!access.self().policy().auditsSubjects()) {
      var count = changed.then(" SELECT count(*) FROM changed", Sql.of(""));
      return new Changed(Statements.longs(connection, count)[0], Map.of());
    }
    // counted here rather than grouped in the statement: see KeysetWindows
    var sql = changed.then(" SELECT s::text FROM changed", Sql.of(""));
    var bySubject = new java.util.HashMap<String, Long>();
    boolean anyCase = access.self().subjectAnyCase();
    long total = 0;
    try (var ps = Statements.prepare(connection, sql);
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        total++;
        var key = rs.getString(1);
        if (key != null) {
          bySubject.merge(Predicates.recordedKey(key, anyCase), 1L, Long::sum);
        }
      }
    }
    return new Changed(total, bySubject);
  }

  WindowOutcome transform(
      Connection connection, Sql window, SparedSubjects spared, List<String> reached, boolean last)
      throws SQLException {
    var self = access.self();
    var rows = Sql.and(List.of(window, access.eligible(), self.subjectNotIn(T, spared.all())));
    var changed = allInSql() ? inSql(connection, rows) : inLethe(connection, rows);
    return new WindowOutcome(
        reached, last, changed.total(), changed.total(), 0, 0, 0, 0, changed.bySubject());
  }

  private Sql sqlAssignments() {
    var parts = new ArrayList<Sql>();
    ways.forEach(
        (column, way) -> {
          if (way instanceof ColumnTransforms.InSql sql) {
            parts.add(
                sql.expression()
                    .apply(T + "." + Sql.quote(column))
                    .wrap(Sql.quote(column) + " = ", ""));
          }
        });
    parts.add(
        access.self().markerValue().wrap(Sql.quote(access.self().policy().marker()) + " = ", ""));
    return join(parts, ", ");
  }

  private Changed inSql(Connection connection, Sql rows) throws SQLException {
    var update =
        sqlAssignments()
            .wrap("WITH changed AS (UPDATE " + access.table() + " " + T + " SET ", " WHERE ")
            .then("", rows)
            .then(
                " RETURNING " + T + "." + Sql.quote(subjectColumn()) + "::text AS s)", Sql.of(""));
    return grouped(connection, update);
  }

  private Changed inLethe(Connection connection, Sql rows) throws SQLException {
    var inLethe = new ArrayList<String>();
    ways.forEach(
        (column, way) -> {
          if (way instanceof ColumnTransforms.InLethe) {
            inLethe.add(column);
          }
        });
    var read =
        ReadRows.read(
            connection, access, rows, inLethe, transformsSubject() ? subjectColumn() : null);
    if (read.isEmpty()) {
      return new Changed(0, Map.of());
    }
    var token = tokens.orElse(null);
    var news = new ArrayList<String[]>();
    for (int i = 0; i < inLethe.size(); i++) {
      var way = (ColumnTransforms.InLethe) ways.get(inLethe.get(i));
      if (way.needsKey() && token == null) {
        throw new IllegalStateException("no key for hmac"); // validate refuses this first
      }
      var olds = read.olds(i);
      var values = new String[olds.size()];
      // the subject's token is of its key, without the blanks around it, as holds and erasures
      // look it up: " x1" made another token, which no hold on x1 found (found by an outside
      // attack)
      boolean subjectKey = way.needsKey() && inLethe.get(i).equals(subjectColumn());
      boolean foldsCase = access.self().subjectAnyCase();
      // the database waits while Lethe computes: use every core for it
      java.util.stream.IntStream.range(0, values.length)
          .parallel()
          .forEach(
              r -> {
                var old = olds.get(r);
                values[r] =
                    old == null
                        ? null
                        : way.function()
                            .apply(
                                token, subjectKey ? SubjectArrays.tokenKey(old, foldsCase) : old);
              });
      news.add(values);
    }
    return write(connection, inLethe, read, news);
  }

  /**
   * Writes the new values back in one UPDATE joined to the rows read, as arrays; a row changed
   * since it was read is left for the next run.
   */
  private Changed write(
      Connection connection, List<String> columns, ReadRows read, List<String[]> news)
      throws SQLException {
    var table = access.self().table();
    var assignments = new ArrayList<Sql>();
    for (int i = 0; i < columns.size(); i++) {
      var column = columns.get(i);
      assignments.add(
          Sql.of(
              Sql.quote(column)
                  + " = CAST(u.n"
                  + i
                  + " AS "
                  + table.columns().get(column).sqlType()
                  + ")"));
    }
    assignments.add(sqlAssignments());
    var update =
        join(assignments, ", ")
            .wrap("WITH changed AS (UPDATE " + access.table() + " " + T + " SET ", " FROM ")
            .then("", read.unnest(news))
            .then(" WHERE " + read.matchesTableRow() + " AND ", access.self().notYetTransformed(T))
            .then(
                // the subject each row had before: the audit trail records subjects, not tokens
                transformsSubject()
                    ? " RETURNING u.s)"
                    : " RETURNING " + T + "." + Sql.quote(subjectColumn()) + " AS s)",
                Sql.of(""));
    return grouped(connection, update);
  }

  private static Sql join(List<Sql> parts, String separator) {
    var result = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      result = result.then(separator, parts.get(i));
    }
    return result;
  }
}
