package dev.lethe.store.jdbc;

import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import dev.lethe.transform.Transform;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneOffset;

/**
 * Checks what a policy's pseudonymise stage does against the catalog: its marker, and that every
 * transform fits its column and leaves alone the columns that identify or age the row.
 */
final class TransformChecks {

  private final Connection connection;
  private final Problems problems;

  TransformChecks(Connection connection, Problems problems) {
    this.connection = connection;
    this.problems = problems;
  }

  /** The marker: a nullable time or boolean column that nothing else of the policy uses. */
  boolean checkMarker(Policy policy, Table table) {
    var marker = policy.marker();
    if (marker == null && !policy.transformingStages().isEmpty()) {
      // a database row can carry its own mark; a store of log files records it elsewhere
      error(
          policy,
          "marker",
          "is missing: a pseudonymise stage (or on-erasure transform) must know which rows it has"
              + " already transformed, or a second run would transform them again",
          "add 'marker: COLUMN' naming a nullable timestamptz, timestamp, date or boolean column"
              + " that Lethe sets on each row it transforms (ALTER TABLE ... ADD COLUMN"
              + " pseudonymised_at timestamptz)");
      return false;
    }
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
  boolean checkTransforms(Policy policy, Table table) throws SQLException {
    boolean ok = true;
    for (var stage : policy.transformingStages()) {
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
    if (fits(connection, type, value)) {
      return true;
    }
    problems.error(
        policy.file(),
        line,
        "transform",
        "the constant for column '" + column + "' is not a " + type + " value",
        "write a " + type + " value");
    return false;
  }

  /** Whether PostgreSQL takes {@code value} as a value of {@code type}; nothing is changed. */
  static boolean fits(Connection connection, String type, String value) throws SQLException {
    connection.setAutoCommit(false);
    try (var ps = connection.prepareStatement("SELECT CAST(? AS " + type + ")")) {
      ps.setString(1, value);
      ps.executeQuery().close();
      return true;
    } catch (SQLException e) {
      return false;
    } finally {
      connection.rollback();
      connection.setAutoCommit(true);
    }
  }

  private void error(Policy policy, String field, String message, String fix) {
    problems.error(policy.file(), policy.lineOf(field), field, message, fix);
  }

  private boolean exists(Policy policy, Table table, String field, String column) {
    return PolicyChecks.exists(problems, policy, table, field, column);
  }
}
