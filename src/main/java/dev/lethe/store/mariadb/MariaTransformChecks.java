package dev.lethe.store.mariadb;

import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import dev.lethe.policy.Stage;

/**
 * A pseudonymise stage (or an erasure's transform) against a MariaDB table: the marker that tells
 * transformed rows, and each transform against its column. Columns that identify, age or select the
 * row, or hold a foreign key, are not transformed.
 */
final class MariaTransformChecks {

  private final Policy policy;
  private final MariaTable table;
  private final Problems problems;

  MariaTransformChecks(Policy policy, MariaTable table, Problems problems) {
    this.policy = policy;
    this.table = table;
    this.problems = problems;
  }

  /**
   * The marker (where {@code checkMarker}: once per policy), and every transform against its
   * column.
   */
  void check(Stage stage, boolean checkMarker) {
    var marker = policy.marker() == null ? null : table.columns().get(policy.marker());
    if (!checkMarker) {
      // checked with the policy's pseudonymise stage
    } else if (policy.marker() == null) {
      error(
          "marker",
          "is missing: a pseudonymise stage must know which rows it has already transformed",
          "add 'marker: COLUMN' naming a nullable DATETIME, TIMESTAMP, DATE or TINYINT column"
              + " (ALTER TABLE ... ADD COLUMN pseudonymised_at DATETIME NULL)");
    } else if (marker == null) {
      error(
          "marker",
          "no column '" + policy.marker() + "' in " + policy.table(),
          "use one of " + String.join(", ", table.columns().keySet()));
    } else if (!marker.nullable() || !(marker.isTime() || marker.type().equals("tinyint"))) {
      error(
          "marker",
          "column '"
              + policy.marker()
              + "' is "
              + marker.columnType()
              + (marker.nullable() ? "" : " NOT NULL"),
          "name a nullable DATETIME, TIMESTAMP, DATE or TINYINT column that only Lethe sets");
    }
    stage
        .transforms()
        .forEach(
            (column, transform) -> {
              var type = table.columns().get(column);
              String problem = null;
              if (type == null) {
                problem = "no column '" + column + "' in " + policy.table();
              } else if (policy.key().contains(column)
                  || column.equals(policy.marker())
                  || (policy.clock() != null && column.equals(policy.clock().column()))) {
                problem = "column '" + column + "' identifies or ages the row";
              } else if (decides(column)) {
                problem =
                    "column '"
                        + column
                        + "' decides which rows the policy covers (a condition or a via):"
                        + " transformed, it would change what the policy covers";
              } else if (table.inForeignKey(column)) {
                problem =
                    "column '"
                        + column
                        + "' is in a foreign key: a transformed value would refer to nothing,"
                        + " or leave rows referring to nothing";
              } else {
                problem =
                    MariaTransforms.unfit(transform, type)
                        .map(p -> "column '" + column + "': " + p)
                        .orElse(null);
              }
              if (problem != null) {
                problems.error(
                    policy.file(),
                    stage.lineOf(column),
                    "transform",
                    problem,
                    "transform another column, or another way");
              }
            });
  }

  /** Whether the column is one a condition of the policy reads, or a via to another table. */
  private boolean decides(String column) {
    var clock = policy.clock();
    return (clock != null && clock.related() && column.equals(clock.via()))
        || policy.where().stream()
            .anyMatch(c -> c.related() ? column.equals(c.via()) : column.equals(c.column()));
  }

  private void error(String field, String message, String fix) {
    problems.error(policy.file(), policy.lineOf(field), field, message, fix);
  }
}
