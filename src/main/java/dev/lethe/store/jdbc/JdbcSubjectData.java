package dev.lethe.store.jdbc;

import static dev.lethe.store.jdbc.TableAccess.T;

import dev.lethe.store.HoldCheck;
import dev.lethe.store.Outbox;
import dev.lethe.store.RequestKeepers;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.StoreException;
import dev.lethe.store.SubjectData;
import dev.lethe.transform.Tokens;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A subject's rows under one policy on one PostgreSQL table. Each request's change to the table is
 * one transaction of at most three statements: the delete, the transform of what must stay, and the
 * count of what is still referenced.
 */
final class JdbcSubjectData implements SubjectData {

  private final DataSource dataSource;
  private final Predicates deleting;
  private final Optional<Predicates> transforming;
  private final List<Predicates> sameTable;
  private final Optional<Tokens> tokens;

  /**
   * @param deleting the policy's predicates as a delete (so that references are checked)
   * @param transforming the policy's predicates with its {@code on-erasure} transform, if any
   * @param sameTable the other policies on the same table
   */
  JdbcSubjectData(
      DataSource dataSource,
      Predicates deleting,
      Optional<Predicates> transforming,
      List<Predicates> sameTable,
      Optional<Tokens> tokens) {
    this.dataSource = dataSource;
    this.deleting = deleting;
    this.transforming = transforming;
    this.sameTable = sameTable;
    this.tokens = tokens;
  }

  private Table table() {
    return deleting.table();
  }

  private ColumnType subjectColumnType() {
    return table().columns().get(deleting.policy().subject());
  }

  @Override
  public boolean fits(String subject) {
    var key = subject.trim();
    try {
      return switch (subjectColumnType().family()) {
        case INTEGER -> {
          var n = Tokens.wholeNumber(key);
          yield n.isPresent() && n.get() >= Integer.MIN_VALUE && n.get() <= Integer.MAX_VALUE;
        }
        case BIGINT -> Tokens.wholeNumber(key).isPresent();
        case UUID -> {
          UUID.fromString(key);
          yield true;
        }
        default -> subjectColumnType().maxLength().orElse(Integer.MAX_VALUE) >= key.length();
      };
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String subjectColumn() {
    return table().displayName()
        + "."
        + deleting.policy().subject()
        + " ("
        + subjectColumnType().sqlType()
        + ")";
  }

  @Override
  public boolean anyCase() {
    return deleting.subjectAnyCase();
  }

  @Override
  public String tableIdentity() {
    return Long.toString(table().oid());
  }

  private Sql subjectRows(String subject) {
    return deleting.subjectIn(T, Set.of(subject.trim()));
  }

  @Override
  public List<Map<String, Object>> rows(String subject) {
    var order = String.join(", ", deleting.policy().key().stream().map(Sql::quote).toList());
    var select =
        subjectRows(subject)
            .wrap("SELECT " + T + ".* FROM " + table().qualified() + " " + T + " WHERE ", "")
            .then(" ORDER BY " + order, Sql.of(""));
    return inConnection(
        "reading",
        c -> {
          var rows = new ArrayList<Map<String, Object>>();
          try (var ps = Statements.prepare(c, select);
              var rs = ps.executeQuery()) {
            var meta = rs.getMetaData();
            while (rs.next()) {
              var row = new LinkedHashMap<String, Object>();
              for (int i = 1; i <= meta.getColumnCount(); i++) {
                var name = meta.getColumnName(i);
                var type = table().columns().get(name);
                row.put(name, value(rs, i, type));
              }
              rows.add(row);
            }
          }
          return rows;
        });
  }

  /**
   * Numbers and booleans as such (a machine reads them so), everything else as PostgreSQL writes
   * it.
   */
  private static Object value(java.sql.ResultSet rs, int column, ColumnType type)
      throws SQLException {
    var family = type == null ? ColumnType.Family.OTHER : type.family();
    Object value =
        switch (family) {
          case INTEGER, BIGINT, NUMERIC, FLOAT, BOOLEAN -> rs.getObject(column);
          default -> rs.getString(column);
        };
    return rs.wasNull() ? null : value;
  }

  /** The policies on the table, this one first. */
  private List<Predicates> onTable() {
    var onTable = new ArrayList<Predicates>(sameTable);
    onTable.add(0, deleting);
    return onTable;
  }

  /**
   * The subject's rows the request reaches: all of them, or, for a withdrawal on a table that other
   * purposes share, those the ended policies cover.
   */
  private Sql reached(String subject, RequestKeepers keepers) {
    var rows = subjectRows(subject);
    var onTable = onTable();
    if (keepers.reachesAll(onTable.stream().map(Predicates::policy).toList())) {
      return rows;
    }
    var covered = new ArrayList<Sql>();
    for (var p : onTable) {
      if (!keepers.keeps(p.policy())) {
        covered.add(p.covers(T).wrap("coalesce((", "), false)"));
      }
    }
    return Sql.and(List.of(rows, anyOf(covered)));
  }

  @Override
  public List<String> contacts(String subject, RequestKeepers keepers) {
    var contact = deleting.policy().contact();
    if (contact == null) {
      return List.of();
    }
    var select =
        reached(subject, keepers)
            .wrap(
                "SELECT DISTINCT "
                    + T
                    + "."
                    + Sql.quote(contact)
                    + " FROM "
                    + table().qualified()
                    + " "
                    + T
                    + " WHERE ",
                " AND " + T + "." + Sql.quote(contact) + " IS NOT NULL");
    return inConnection(
        "reading",
        c -> {
          var values = new ArrayList<String>();
          try (var ps = Statements.prepare(c, select);
              var rs = ps.executeQuery()) {
            while (rs.next()) {
              values.add(rs.getString(1));
            }
          }
          return values;
        });
  }

  @Override
  public ErasureOutcome erase(
      String subject, HoldCheck holds, RequestKeepers keepers, Recorder recorder) {
    var heldPolicies = holds.heldPolicies();
    var onTable = onTable();
    var held = heldOnTable(onTable, heldPolicies);
    if (!held.isEmpty()) {
      // a hold on any policy of the table keeps the subject's rows there as they are; where the
      // table holds none, the hold keeps nothing here, and a response saying "held" of data there
      // is not would tell the person of data that does not exist
      long rows = inConnection("counting a subject's rows in", c -> count(c, subjectRows(subject)));
      return rows == 0 ? ErasureOutcome.none() : ErasureOutcome.held(String.join(", ", held));
    }
    var keeping = new LinkedHashMap<String, Sql>();
    for (var p : onTable) {
      if (keepers.keeps(p.policy())) {
        keeping.put(p.policy().name(), keepers.unlessReleased() ? p.notReleased(T) : p.keeps(T));
      }
    }
    var kept = anyOf(keeping.values());
    var heldElse = heldUnderAnotherKey(holds);
    return inConnection(
        "erasing a subject's rows in",
        c -> {
          c.setAutoCommit(false);
          Outbox.Entry record = null;
          boolean committing = false;
          try {
            var outcome =
                erase(c, reached(subject, keepers), kept, heldElse, keeping, keepers)
                    .withRemaining(count(c, subjectRows(subject)));
            // the change's record in its own transaction: its rows never leave without it
            record = recorder.recordOf(outcome, deleting.subjectAnyCase());
            if (record != null) {
              PostgresOutbox.write(c, record);
            }
            Statements.checkDeferredNow(c);
            // the last look before the commit: a hold placed while the change waited keeps it
            var heldNow = heldOnTable(onTable, holds.heldBeforeCommit());
            if (!heldNow.isEmpty()) {
              c.rollback();
              if (record != null) {
                recorder.undone(record.id());
              }
              return ErasureOutcome.held(String.join(", ", heldNow));
            }
            committing = true;
            c.commit();
            return outcome;
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            if (record != null && !committing) {
              recorder.undone(record.id()); // rolled back before its commit: it did not happen
            }
            throw e;
          }
        });
  }

  /**
   * The rows a hold on another key keeps: a text column may take two keys for one value ("ALICE"
   * and "alice" under citext or a case-insensitive collation), and the purge spares a held key's
   * rows as the column compares, so an erasure of one spelling must not take what a hold on another
   * keeps (found by an outside attack: the erasure of ALICE took the rows a hold on alice kept).
   * Numbers and UUIDs are one key each, asked by {@link HoldCheck#heldPolicies}.
   */
  private Sql heldUnderAnotherKey(HoldCheck holds) {
    if (deleting.subjectFamily() != ColumnType.Family.TEXT) {
      return Sql.of("FALSE");
    }
    var held = holds.heldSubjects();
    return held.isEmpty()
        ? Sql.of("FALSE")
        : deleting.subjectIn(T, held).wrap("coalesce(", ", false)");
  }

  private static List<String> heldOnTable(List<Predicates> onTable, Set<String> held) {
    return onTable.stream().map(p -> p.policy().name()).filter(held::contains).sorted().toList();
  }

  private static Sql anyOf(java.util.Collection<Sql> parts) {
    Sql any = null;
    for (var part : parts) {
      any = any == null ? part.wrap("(", ")") : any.then(" OR ", part.wrap("(", ")"));
    }
    return any == null ? Sql.of("FALSE") : any.wrap("(", ")");
  }

  /**
   * Deletes the rows no keeper keeps and nothing references; transforms what this policy's {@code
   * on-erasure} says (the rows it keeps, or the rows still referenced); counts what is left of the
   * person, and why.
   */
  private ErasureOutcome erase(
      Connection c,
      Sql rows,
      Sql kept,
      Sql heldElse,
      Map<String, Sql> keeping,
      RequestKeepers keepers)
      throws SQLException {
    long held = count(c, Sql.and(List.of(rows, heldElse)));
    if (held > 0) {
      // the held rows stay as they are: neither deleted nor transformed by any keeper
      rows = Sql.and(List.of(rows, heldElse.wrap("NOT ", "")));
    }
    var access = new TableAccess(dataSource, deleting, List.of());
    var notKept = kept.wrap("NOT ", "");
    var delete =
        Sql.and(List.of(rows, notKept, access.referenced().wrap("NOT ", "")))
            .wrap("DELETE FROM " + table().qualified() + " " + T + " WHERE ", "");
    long deleted;
    try (var ps = Statements.prepare(c, delete)) {
      deleted = ps.executeLargeUpdate();
    }
    var self = deleting.policy();
    long pseudonymised = 0;
    var left = Sql.and(List.of(rows, notKept));
    if (transforming.isPresent()) {
      if (self.onErasure().keepsRows()) {
        // a keeper that pseudonymises: the person goes from the rows it keeps
        var own = keeping.get(self.name());
        if (own != null) {
          pseudonymised = transform(c, Sql.and(List.of(rows, own)));
        }
      } else {
        // on-erasure.if-referenced: the rows that must stay because others point at them
        pseudonymised = transform(c, left);
        left = Sql.and(List.of(left, transforming.get().notYetTransformed(T)));
      }
    }
    long referenced = count(c, left);
    long keptRows = keeping.isEmpty() ? 0 : count(c, Sql.and(List.of(rows, kept)));
    String keptBy = null;
    if (keptRows > 0) {
      var by = new ArrayList<String>();
      for (var keeper : keeping.entrySet()) {
        long n = count(c, Sql.and(List.of(rows, keeper.getValue())));
        if (n > 0) {
          by.add(keepers.describe(keeper.getKey()) + ": " + n);
        }
      }
      keptBy = String.join(", ", by);
    }
    return ErasureOutcome.changed(deleted, pseudonymised, referenced, keptRows, keptBy, held);
  }

  private long count(Connection c, Sql rows) throws SQLException {
    return Statements.longs(
        c, rows.wrap("SELECT count(*) FROM " + table().qualified() + " " + T + " WHERE ", ""))[0];
  }

  /** Transforms the given rows not transformed before, and marks them, in one window. */
  private long transform(Connection c, Sql rows) throws SQLException {
    var policy = transforming.orElseThrow();
    var those = Sql.and(List.of(rows, policy.notYetTransformed(T)));
    var access = new TableAccess(dataSource, policy, List.of(), Optional.of(those));
    var none = new SparedSubjects(0, Set.of(), Set.of(), Set.of());
    return new Pseudonymiser(access, policy.now().getZone(), tokens)
        .transform(c, Sql.of("TRUE"), none, List.of(), true)
        .changed();
  }

  private <R> R inConnection(String doing, TableAccess.SqlWork<R> work) {
    try (var connection = dataSource.getConnection()) {
      return work.apply(connection);
    } catch (SQLException e) {
      if (StoreErrors.isLockTimeout(e)) {
        throw new StoreException.LockWait(StoreErrors.lockHolders(dataSource, table()), e);
      }
      throw new StoreException(
          doing + " " + table().displayName() + " failed: " + StoreErrors.describe(e), e);
    }
  }
}
