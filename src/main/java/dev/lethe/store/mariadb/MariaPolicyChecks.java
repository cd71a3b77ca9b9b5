package dev.lethe.store.mariadb;

import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;

/** What a policy on a MariaDB store may say, checked against the information schema. */
final class MariaPolicyChecks {

  private final MariaDbStore store;
  private final Policy policy;
  private final Problems problems;

  MariaPolicyChecks(MariaDbStore store, Policy policy, Problems problems) {
    this.store = store;
    this.policy = policy;
    this.problems = problems;
  }

  void check() {
    if (policy.table() == null || policy.key().isEmpty()) {
      error(
          policy.table() == null ? "table" : "key",
          "is missing: a policy on database store '" + store.name() + "' names its table and key",
          "add 'table: database.table' and 'key: id'");
      return;
    }
    var found = store.table(policy.table());
    if (found.isEmpty()) {
      error(
          "table",
          "no table '" + policy.table() + "' in store '" + store.name() + "'",
          "check the name, and write database.table when it is not the connection's database");
      return;
    }
    var table = found.get();
    if (!table.isUniqueKey(policy.key())) {
      error(
          "key",
          "("
              + String.join(", ", policy.key())
              + ") is not a unique, not-null key of "
              + policy.table(),
          "name the primary key or the column of a unique index");
    }
    var subject = table.columns().get(policy.subject());
    if (subject == null) {
      noColumn("subject", policy.subject(), table);
    } else if (!subject.isWholeNumber() && !subject.isText()) {
      error(
          "subject",
          "column '" + policy.subject() + "' is " + subject.type(),
          "name a column holding the subject key as an integer or text");
    }
    if (policy.clock() != null && policy.clock().related()) {
      error(
          "clock",
          "a clock in another table is not read on MariaDB stores yet",
          "use a column of the table");
    } else if (policy.clock() != null) {
      var clock = table.columns().get(policy.clock().column());
      if (clock == null) {
        noColumn("clock", policy.clock().column(), table);
      } else if (!clock.isTime()) {
        error(
            "clock",
            "column '" + policy.clock().column() + "' is " + clock.type() + ", not a point in time",
            "name a date, datetime or timestamp column");
      }
    }
    // an erasure's transform is a pseudonymise stage due at once: the same marker and checks
    policy.pseudonymiseStage().ifPresent(stage -> checkPseudonymise(stage, table, true));
    policy
        .onErasure()
        .transform()
        .ifPresent(stage -> checkPseudonymise(stage, table, policy.pseudonymiseStage().isEmpty()));
    for (var condition : policy.where()) {
      if (condition.related()) {
        problems.error(
            policy.file(),
            condition.line(),
            "where",
            "a condition on another table is not read on MariaDB stores yet (issue #8)",
            "use a column of the table");
      } else if (!table.columns().containsKey(condition.column())) {
        problems.error(
            policy.file(),
            condition.line(),
            "where",
            "no column '" + condition.column() + "' in " + policy.table(),
            "use one of " + String.join(", ", table.columns().keySet()));
      } else if (condition.operator().takesPeriod()
          && !table.columns().get(condition.column()).isTime()) {
        problems.error(
            policy.file(),
            condition.line(),
            condition.operator().yamlName(),
            "column '" + condition.column() + "' is not a point in time",
            "use it on a date, datetime or timestamp column");
      }
    }
    if (policy.contact() != null) {
      error("contact", "suppression lists are not kept for MariaDB stores yet", "remove 'contact'");
    }
  }

  /** The marker (once per policy), and every transform against its column. */
  private void checkPseudonymise(
      dev.lethe.policy.Stage stage, MariaTable table, boolean checkMarker) {
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
      noColumn("marker", policy.marker(), table);
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

  private void noColumn(String field, String column, MariaTable table) {
    error(
        field,
        "no column '" + column + "' in " + policy.table(),
        "use one of " + String.join(", ", table.columns().keySet()));
  }

  private void error(String field, String message, String fix) {
    problems.error(policy.file(), policy.lineOf(field), field, message, fix);
  }
}
