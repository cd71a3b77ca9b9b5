package dev.lethe.store.jdbc;

import dev.lethe.policy.Condition;
import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks policies against a PostgreSQL catalog: the table and columns exist, the key is unique, the
 * clock is a time, condition values fit their columns, deletes cascade nowhere unannounced, and
 * policies on the same table are reported as overlapping.
 */
final class PolicyChecks {

  private final JdbcStore store;
  private final Connection connection;
  private final Problems problems;

  PolicyChecks(JdbcStore store, Connection connection, Problems problems) {
    this.store = store;
    this.connection = connection;
    this.problems = problems;
  }

  void check(List<Policy> policies) throws SQLException {
    var checked = new ArrayList<Policy>();
    for (var policy : policies) {
      var table = store.table(policy.table());
      if (table.isEmpty()) {
        error(
            policy,
            "table",
            "no table '" + policy.table() + "' in store '" + store.name() + "'",
            "check the name and the schema (write schema.table when it is not on the search path)");
        continue;
      }
      if (checkColumns(policy, table.get())) {
        checked.add(policy);
        checkCascades(policy, table.get());
      }
    }
    reportOverlaps(checked);
  }

  private boolean checkColumns(Policy policy, Table table) throws SQLException {
    var columns = table.columns();
    boolean ok = true;
    for (var key : policy.key()) {
      ok &= exists(policy, table, "key", key);
    }
    if (ok && !table.isUniqueKey(policy.key())) {
      error(
          policy,
          "key",
          "("
              + String.join(", ", policy.key())
              + ") is not a unique, not-null key of "
              + table.displayName(),
          "name the primary key or the columns of a unique index, such as "
              + table.uniqueKeys().stream().findFirst().map(Object::toString).orElse("[id]"));
      ok = false;
    }
    if (exists(policy, table, "subject", policy.subject())) {
      var family = columns.get(policy.subject()).family();
      if (family != ColumnType.Family.INTEGER
          && family != ColumnType.Family.TEXT
          && family != ColumnType.Family.UUID) {
        error(
            policy,
            "subject",
            "column '" + policy.subject() + "' is " + columns.get(policy.subject()).sqlType(),
            "name a column holding the subject key as an integer, text or uuid");
        ok = false;
      }
    } else {
      ok = false;
    }
    if (exists(policy, table, "clock", policy.clock())) {
      var clock = columns.get(policy.clock());
      if (!clock.family().isTime()) {
        error(
            policy,
            "clock",
            "column '" + policy.clock() + "' is " + clock.sqlType() + ", not a point in time",
            "name a date, timestamp or timestamptz column");
        ok = false;
      }
    } else {
      ok = false;
    }
    for (var condition : policy.where()) {
      ok &= checkCondition(policy, table, condition);
    }
    return ok;
  }

  private boolean exists(Policy policy, Table table, String field, String column) {
    if (table.columns().containsKey(column)) {
      return true;
    }
    error(
        policy,
        field,
        "no column '" + column + "' in " + table.displayName(),
        "use one of " + String.join(", ", table.columns().keySet()));
    return false;
  }

  private boolean checkCondition(Policy policy, Table table, Condition condition)
      throws SQLException {
    if (!table.columns().containsKey(condition.column())) {
      problems.error(
          policy.file(),
          condition.line(),
          "where",
          "no column '" + condition.column() + "' in " + table.displayName(),
          "use one of " + String.join(", ", table.columns().keySet()));
      return false;
    }
    var type = table.columns().get(condition.column()).sqlType();
    for (var value : condition.values()) {
      connection.setAutoCommit(false);
      try (var ps = connection.prepareStatement("SELECT CAST(? AS " + type + ")")) {
        ps.setString(1, value);
        ps.executeQuery().close();
      } catch (SQLException e) {
        problems.error(
            policy.file(),
            condition.line(),
            condition.operator().yamlName(),
            "'" + value + "' is not a value of column '" + condition.column() + "' (" + type + ")",
            "write a " + type + " value");
        return false;
      } finally {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    }
    return true;
  }

  private void checkCascades(Policy policy, Table table) {
    if (policy.allowCascade()) {
      return;
    }
    for (var fk : table.referencedBy()) {
      if (fk.cascades()) {
        var what =
            switch (fk.onDelete()) {
              case 'c' -> "ON DELETE CASCADE deletes";
              case 'n' -> "ON DELETE SET NULL changes";
              default -> "ON DELETE SET DEFAULT changes";
            };
        error(
            policy,
            "table",
            "deleting rows of "
                + table.displayName()
                + " would reach "
                + fk.childSchema()
                + "."
                + fk.childTable()
                + ": its foreign key "
                + fk.constraint()
                + " "
                + what
                + " rows no policy of this table decides on, held rows included",
            "add a policy for "
                + fk.childTable()
                + " that runs first, and 'allow-cascade: true'"
                + " to this policy if the cascade is intended");
      }
    }
  }

  private void reportOverlaps(List<Policy> policies) {
    for (int i = 0; i < policies.size(); i++) {
      for (int j = i + 1; j < policies.size(); j++) {
        var a = policies.get(i);
        var b = policies.get(j);
        var ta = store.table(a.table()).orElseThrow();
        var tb = store.table(b.table()).orElseThrow();
        if (ta.oid() == tb.oid()) {
          problems.warn(
              b.file(),
              b.lineOf("table"),
              "table",
              "policies '"
                  + a.name()
                  + "' ("
                  + a.file().getFileName()
                  + ") and '"
                  + b.name()
                  + "' both cover "
                  + tb.displayName()
                  + "; where both apply, keeping wins:"
                  + " a row goes only when every policy covering it lets it go",
              "narrow one with 'where' if they are meant for different rows");
        }
      }
    }
  }

  private void error(Policy policy, String field, String message, String fix) {
    problems.error(policy.file(), policy.lineOf(field), field, message, fix);
  }
}
