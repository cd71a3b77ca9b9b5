package dev.lethe.store.jdbc;

import dev.lethe.policy.Condition;
import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import dev.lethe.transform.Transform;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
      if (!family.isWholeNumber()
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
    ok &= checkClock(policy, table);
    ok &= checkMarker(policy, table);
    ok &= checkTransforms(policy, table);
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

  private boolean checkCondition(Policy policy, Table own, Condition condition)
      throws SQLException {
    var table = own;
    if (condition.related()) {
      var other =
          relatedTable(policy, own, condition.table(), condition.via(), "where", condition.line());
      if (other.isEmpty()) {
        return false;
      }
      table = other.get();
    }
    if (condition.operator().takesPeriod()
        && table.columns().containsKey(condition.column())
        && !table.columns().get(condition.column()).family().isTime()) {
      problems.error(
          policy.file(),
          condition.line(),
          condition.operator().yamlName(),
          "column '"
              + condition.column()
              + "' is "
              + table.columns().get(condition.column()).sqlType()
              + ", not a point in time",
          "use " + condition.operator().yamlName() + " on a date, timestamp or timestamptz column");
      return false;
    }
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
    if (condition.operator().takesPeriod()) {
      return true;
    }
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

  private boolean checkClock(Policy policy, Table table) {
    var clock = policy.clock();
    var clockTable = table;
    if (clock.related()) {
      var other =
          relatedTable(policy, table, clock.table(), clock.via(), "clock", policy.lineOf("clock"));
      if (other.isEmpty()) {
        return false;
      }
      clockTable = other.get();
    }
    if (!exists(policy, clockTable, "clock", clock.column())) {
      return false;
    }
    var type = clockTable.columns().get(clock.column());
    if (!type.family().isTime()) {
      error(
          policy,
          "clock",
          "column '" + clock.column() + "' is " + type.sqlType() + ", not a point in time",
          "name a date, timestamp or timestamptz column");
      return false;
    }
    return true;
  }

  /**
   * Another table a clock or condition reaches through {@code via}: it exists, has a one-column
   * key, and {@code via} is a column of this table of the same kind.
   */
  private Optional<Table> relatedTable(
      Policy policy, Table own, String name, String via, String field, int line) {
    var other = store.related(policy, name);
    if (other.isEmpty()) {
      problems.error(
          policy.file(),
          line,
          field,
          "no table '" + name + "' in store '" + store.name() + "'",
          "write the other table as table.column (same schema) or schema.table.column");
      return Optional.empty();
    }
    var key = other.get().singleKey();
    if (key.isEmpty()) {
      problems.error(
          policy.file(),
          line,
          field,
          other.get().displayName() + " has no one-column key that 'via' could hold",
          "reach a table with a one-column primary key");
      return Optional.empty();
    }
    if (!own.columns().containsKey(via)) {
      problems.error(
          policy.file(),
          line,
          "via",
          "no column '" + via + "' in " + own.displayName(),
          "name this table's column that holds " + other.get().displayName() + "." + key.get());
      return Optional.empty();
    }
    var viaFamily = own.columns().get(via).family();
    var keyFamily = other.get().columns().get(key.get()).family();
    if (viaFamily != keyFamily && !(viaFamily.isWholeNumber() && keyFamily.isWholeNumber())) {
      problems.error(
          policy.file(),
          line,
          "via",
          "column '"
              + via
              + "' is "
              + own.columns().get(via).sqlType()
              + " but "
              + other.get().displayName()
              + "."
              + key.get()
              + " is "
              + other.get().columns().get(key.get()).sqlType(),
          "name the column that holds " + other.get().displayName() + "." + key.get());
      return Optional.empty();
    }
    return other;
  }

  /** The marker: a nullable time or boolean column that nothing else of the policy uses. */
  private boolean checkMarker(Policy policy, Table table) {
    var marker = policy.marker();
    if (marker == null) {
      return true;
    }
    if (!exists(policy, table, "marker", marker)) {
      return false;
    }
    var type = table.columns().get(marker);
    if (!(type.family().isTime() || type.family() == ColumnType.Family.BOOLEAN) || type.notNull()) {
      error(
          policy,
          "marker",
          "column '" + marker + "' is " + type.sqlType() + (type.notNull() ? " NOT NULL" : ""),
          "name a nullable timestamptz, timestamp, date or boolean column that only Lethe sets,"
              + " such as one added by ALTER TABLE ... ADD COLUMN pseudonymised_at timestamptz");
      return false;
    }
    return true;
  }

  /**
   * Every transform fits its column, and touches no column the policy or the database relies on:
   * the key, the clock, what conditions read, the marker, or a foreign key.
   */
  private boolean checkTransforms(Policy policy, Table table) throws SQLException {
    boolean ok = true;
    for (var stage : policy.stages()) {
      for (var entry : stage.transforms().entrySet()) {
        var column = entry.getKey();
        var line = stage.lineOf(column);
        if (!table.columns().containsKey(column)) {
          problems.error(
              policy.file(),
              line,
              "transform",
              "no column '" + column + "' in " + table.displayName(),
              "use one of " + String.join(", ", table.columns().keySet()));
          ok = false;
          continue;
        }
        var reason = reserved(policy, table, column);
        if (reason != null) {
          problems.error(
              policy.file(),
              line,
              "transform",
              "column '" + column + "' " + reason + ", so it cannot be transformed",
              "transform other columns; the row keeps what identifies and ages it");
          ok = false;
          continue;
        }
        var way =
            ColumnTransforms.of(entry.getValue(), table.columns().get(column), ZoneOffset.UTC);
        if (way instanceof ColumnTransforms.Unfit unfit) {
          problems.error(policy.file(), line, "transform", unfit.message(), unfit.fix());
          ok = false;
        } else if (entry.getValue() instanceof Transform.Constant constant) {
          ok &=
              fitsColumn(
                  policy, line, column, table.columns().get(column).sqlType(), constant.value());
        }
      }
    }
    return ok;
  }

  /** Why a column must not be transformed, or null when it may be. */
  private static String reserved(Policy policy, Table table, String column) {
    if (policy.key().contains(column)) {
      return "is part of the policy's key";
    }
    var clock = policy.clock();
    if (!clock.related() && clock.column().equals(column)) {
      return "is the policy's clock";
    }
    if (clock.related() && clock.via().equals(column)) {
      return "leads to the policy's clock";
    }
    for (var condition : policy.where()) {
      if ((!condition.related() && condition.column().equals(column))
          || (condition.related() && condition.via().equals(column))) {
        return "decides which rows the policy covers";
      }
    }
    if (column.equals(policy.marker())) {
      return "is the policy's marker";
    }
    if (table.inForeignKey(column)) {
      return "is in a foreign key, which a new value would break";
    }
    return null;
  }

  private boolean fitsColumn(Policy policy, int line, String column, String type, String value)
      throws SQLException {
    connection.setAutoCommit(false);
    try (var ps = connection.prepareStatement("SELECT CAST(? AS " + type + ")")) {
      ps.setString(1, value);
      ps.executeQuery().close();
      return true;
    } catch (SQLException e) {
      problems.error(
          policy.file(),
          line,
          "transform",
          "the constant for column '" + column + "' is not a " + type + " value",
          "write a " + type + " value");
      return false;
    } finally {
      connection.rollback();
      connection.setAutoCommit(true);
    }
  }

  private void checkCascades(Policy policy, Table table) {
    if (policy.deleteStage().isEmpty() || policy.allowCascade()) {
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
        if (ta.oid() == tb.oid() && a.deleteStage().isPresent() && b.deleteStage().isPresent()) {
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
