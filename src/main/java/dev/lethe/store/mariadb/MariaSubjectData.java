package dev.lethe.store.mariadb;

import dev.lethe.policy.Policy;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreException;
import dev.lethe.store.SubjectData;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A subject's rows under one policy on a MariaDB table: read for an export, deleted on erasure. */
final class MariaSubjectData implements SubjectData {

  private final MariaDbStore store;
  private final Policy policy;
  private final MariaTable table;
  private final List<String> sameTable;

  MariaSubjectData(MariaDbStore store, Policy policy, RetentionScope scope) {
    this.store = store;
    this.policy = policy;
    this.table = store.existing(policy);
    this.sameTable =
        scope.allPolicies().stream()
            .filter(
                p ->
                    p.store().equals(store.name())
                        && store
                            .table(p.table())
                            .map(t -> t.qualified().equals(table.qualified()))
                            .orElse(false))
            .map(Policy::name)
            .toList();
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
  public String tableIdentity() {
    return table.qualified();
  }

  private String subjectColumn() {
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
                  "SELECT * FROM " + table.qualified() + " WHERE " + subjectColumn() + " = ?")) {
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

  @Override
  public List<String> contacts(String subject) {
    return List.of();
  }

  @Override
  public ErasureOutcome erase(String subject, Set<String> heldPolicies) {
    var held = sameTable.stream().filter(heldPolicies::contains).sorted().toList();
    if (!held.isEmpty()) {
      return new ErasureOutcome(0, 0, 0, String.join(", ", held), null);
    }
    var sql = new MariaSql(table, policy, List.of());
    return inConnection(
        "erasing a subject's rows in",
        c -> {
          long deleted;
          try (var ps =
              c.prepareStatement(
                  "DELETE FROM "
                      + table.qualified()
                      + " WHERE "
                      + subjectColumn()
                      + " = ? AND NOT "
                      + sql.referenced().text())) {
            ps.setString(1, subject.trim());
            deleted = ps.executeLargeUpdate();
          }
          long referenced;
          try (var ps =
              c.prepareStatement(
                  "SELECT count(*) FROM "
                      + table.qualified()
                      + " WHERE "
                      + subjectColumn()
                      + " = ?")) {
            ps.setString(1, subject.trim());
            try (var rs = ps.executeQuery()) {
              rs.next();
              referenced = rs.getLong(1);
            }
          }
          return new ErasureOutcome(deleted, 0, referenced, null, null);
        });
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
