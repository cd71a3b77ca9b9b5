package dev.lethe.store.mariadb;

import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreException;
import dev.lethe.store.SubjectData;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A subject's rows under one policy on a MariaDB table: read for an export; on erasure, decided for
 * the whole table as on PostgreSQL: a hold on any policy of the table keeps them; a policy whose
 * {@code on-erasure} pseudonymises keeps them without the person; otherwise they are deleted, and
 * rows still referenced get the policy's {@code on-erasure} transform where it gives one.
 */
final class MariaSubjectData implements SubjectData {

  private final MariaDbStore store;
  private final Policy policy;
  private final MariaTable table;
  private final List<Policy> sameTable;
  private final Optional<MariaPseudonymiser> transforming;

  MariaSubjectData(MariaDbStore store, Policy policy, RetentionScope scope) {
    this.store = store;
    this.policy = policy;
    this.table = store.existing(policy);
    this.transforming =
        policy
            .onErasure()
            .transform()
            .map(
                stage ->
                    new MariaPseudonymiser(
                        table,
                        new PolicyStep(policy, stage),
                        new MariaSql(table, policy, List.of(), store::related),
                        scope.now(),
                        scope.tokens()));
    this.sameTable = scope.allPolicies().stream().filter(p -> store.isOn(p, table)).toList();
  }

  @Override
  public boolean fits(String subject) {
    var column = table.columns().get(policy.subject());
    if (column.isWholeNumber()) {
      try {
        Long.parseLong(subject.trim());
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return subject.trim().length() <= 255;
  }

  @Override
  public String subjectColumn() {
    return table.displayName()
        + "."
        + policy.subject()
        + " ("
        + table.columns().get(policy.subject()).columnType()
        + ")";
  }

  @Override
  public String tableIdentity() {
    return table.qualified();
  }

  private String subjectSql() {
    return table.qualified() + "." + MariaTable.quote(policy.subject());
  }

  @Override
  public List<Map<String, Object>> rows(String subject) {
    return inConnection(
        "reading",
        c -> {
          var rows = new ArrayList<Map<String, Object>>();
          try (var ps =
              c.prepareStatement(
                  "SELECT * FROM " + table.qualified() + " WHERE " + subjectSql() + " = ?")) {
            ps.setString(1, subject.trim());
            try (var rs = ps.executeQuery()) {
              var meta = rs.getMetaData();
              while (rs.next()) {
                var row = new LinkedHashMap<String, Object>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                  var value = rs.getObject(i);
                  row.put(
                      meta.getColumnLabel(i),
                      value instanceof Number || value instanceof Boolean || value == null
                          ? value
                          : rs.getString(i));
                }
                rows.add(row);
              }
            }
          }
          return rows;
        });
  }

  /** The subject's addresses in the policy's {@code contact} column, for the suppression list. */
  @Override
  public List<String> contacts(String subject) {
    var contact = policy.contact();
    if (contact == null) {
      return List.of();
    }
    var column = table.qualified() + "." + MariaTable.quote(contact);
    return inConnection(
        "reading",
        c -> {
          var values = new ArrayList<String>();
          try (var ps =
                  subjectRows(subject)
                      .prepare(
                          c,
                          "SELECT DISTINCT CAST("
                              + column
                              + " AS CHAR) FROM "
                              + table.qualified()
                              + " WHERE ",
                          " AND " + column + " IS NOT NULL");
              var rs = ps.executeQuery()) {
            while (rs.next()) {
              values.add(rs.getString(1));
            }
          }
          return values;
        });
  }

  @Override
  public ErasureOutcome erase(String subject, Set<String> heldPolicies) {
    var held =
        sameTable.stream().map(Policy::name).filter(heldPolicies::contains).sorted().toList();
    if (!held.isEmpty()) {
      // a hold on any policy of the table keeps the subject's rows there as they are
      return new ErasureOutcome(0, 0, 0, String.join(", ", held), null);
    }
    var keeper = sameTable.stream().filter(p -> p.onErasure().keepsRows()).findFirst().orElse(null);
    if (keeper != null && !keeper.name().equals(policy.name())) {
      return inConnection(
          "reading",
          c ->
              count(c, subjectRows(subject)) == 0
                  ? new ErasureOutcome(0, 0, 0, null, null)
                  : new ErasureOutcome(0, 0, 0, null, keeper.name()));
    }
    return inConnection(
        "erasing a subject's rows in",
        c -> {
          c.setAutoCommit(false);
          try {
            var outcome =
                keeper != null
                    ? new ErasureOutcome(0, transform(c, subject), 0, null, null)
                    : delete(c, subject);
            c.commit();
            return outcome;
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          }
        });
  }

  /**
   * Deletes what nothing references any more; transforms what is still referenced, where the policy
   * says how; counts what is left of the person.
   */
  private ErasureOutcome delete(Connection c, String subject) throws SQLException {
    var sql = new MariaSql(table, policy, List.of(), store::related);
    var rows = subjectRows(subject);
    long deleted;
    try (var ps =
        rows.and(MariaSql.Part.of("NOT " + sql.referenced().text()))
            .prepare(c, "DELETE FROM " + table.qualified() + " WHERE ", "")) {
      deleted = ps.executeLargeUpdate();
    }
    long pseudonymised = transforming.isPresent() ? transform(c, subject) : 0;
    var left = transforming.isPresent() ? rows.and(transforming.get().notYetTransformed()) : rows;
    return new ErasureOutcome(deleted, pseudonymised, count(c, left), null, null);
  }

  /** Transforms the subject's rows not transformed yet; the marker keeps a rerun from it. */
  private long transform(Connection c, String subject) throws SQLException {
    var pseudonymiser = transforming.orElseThrow();
    return pseudonymiser
        .transform(c, subjectRows(subject).and(pseudonymiser.notYetTransformed()))
        .rows();
  }

  private MariaSql.Part subjectRows(String subject) {
    return MariaSql.Part.of(subjectSql() + " = ?", subject.trim());
  }

  private long count(Connection c, MariaSql.Part rows) throws SQLException {
    try (var ps = rows.prepare(c, "SELECT count(*) FROM " + table.qualified() + " WHERE ", "");
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private interface Work<R> {
    R apply(Connection c) throws SQLException;
  }

  private <R> R inConnection(String doing, Work<R> work) {
    try (var c = store.dataSource().getConnection()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw new StoreException(
          doing + " " + policy.table() + " failed: " + MariaErrors.describe(e), e);
    }
  }
}
