package dev.lethe.store.jdbc;

import dev.lethe.store.SparedSubjects;
import dev.lethe.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What the parts of one policy's work on one table share: the connection pool, the policy's
 * predicates (and those of the other policies on the table), and the SQL pieces built from them.
 */
final class TableAccess {

  static final String T = "t";

  private final DataSource dataSource;
  private final Predicates self;
  private final List<Predicates> sameTable;
  private final Sql referenced;
  private final Optional<Sql> rowsOverride;

  TableAccess(DataSource dataSource, Predicates self, List<Predicates> sameTable) {
    this(dataSource, self, sameTable, Optional.empty());
  }

  /**
   * @param rows the rows to act on, when they are not the policy's expired rows (a subject's rows
   *     for a request)
   */
  TableAccess(
      DataSource dataSource, Predicates self, List<Predicates> sameTable, Optional<Sql> rows) {
    this.dataSource = dataSource;
    this.self = self;
    this.sameTable = sameTable;
    this.referenced = self.referenced(T, 0, fk -> Optional.empty());
    this.rowsOverride = rows;
  }

  DataSource dataSource() {
    return dataSource;
  }

  Predicates self() {
    return self;
  }

  List<Predicates> sameTable() {
    return sameTable;
  }

  /** The row is still referenced through a foreign key that does not cascade. */
  Sql referenced() {
    return referenced;
  }

  /** Whether any foreign key must be checked before a row of this table goes. */
  boolean isReferenced() {
    return !referenced.text().equals("FALSE");
  }

  String table() {
    return self.table().qualified();
  }

  List<String> key() {
    return self.policy().key();
  }

  /**
   * Expired rows the policy may take (or the rows given instead), with the row alias {@link #T}.
   */
  Sql eligible() {
    return rowsOverride.orElseGet(() -> self.eligible(T, sameTable));
  }

  /**
   * Of the eligible rows, those a delete takes: of subjects not {@code spared}, and no longer
   * referenced (a pseudonymisation's {@link #referenced} is FALSE: it takes those too).
   */
  Sql free(SparedSubjects spared) {
    return Sql.and(List.of(self.subjectNotIn(T, spared.all()), referenced.wrap("NOT ", "")));
  }

  /**
   * The select list that sorts held-back rows by reason: held by a hold; else by an open request;
   * else restricted; else (where {@code referenced} is given) referenced.
   */
  Sql heldBackCounts(SparedSubjects spared, Optional<Sql> referenced) {
    var held = self.subjectIn(T, spared.held()).wrap("coalesce(", ", false)");
    var requested = self.subjectIn(T, spared.requested()).wrap("coalesce(", ", false)");
    var restricted = self.subjectIn(T, spared.restricted()).wrap("coalesce(", ", false)");
    var counts =
        held.wrap("count(*) FILTER (WHERE ", ")")
            .then(", count(*) FILTER (WHERE NOT ", held)
            .then(" AND ", requested)
            .then(")", Sql.of(""))
            .then(", count(*) FILTER (WHERE NOT ", held)
            .then(" AND NOT ", requested)
            .then(" AND ", restricted)
            .then(")", Sql.of(""));
    if (referenced.isEmpty()) {
      return counts;
    }
    return counts
        .then(", count(*) FILTER (WHERE NOT ", held)
        .then(" AND NOT ", requested)
        .then(" AND NOT ", restricted)
        .then(" AND ", referenced.get())
        .then(")", Sql.of(""));
  }

  <R> R inConnection(SqlWork<R> work) {
    try (var connection = dataSource.getConnection()) {
      return work.apply(connection);
    } catch (SQLException e) {
      throw new StoreException(
          "reading " + self.table().displayName() + " failed: " + StoreErrors.describe(e), e);
    }
  }

  /** Work on a connection that may throw SQL's checked exception. */
  @FunctionalInterface
  interface SqlWork<R> {
    R apply(Connection connection) throws SQLException;
  }
}
