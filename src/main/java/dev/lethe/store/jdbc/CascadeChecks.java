package dev.lethe.store.jdbc;

import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;

/**
 * A delete must not reach rows no policy decides on: a foreign key that cascades (or sets null or a
 * default) from the policy's table is an error unless the policy says {@code allow-cascade}.
 */
final class CascadeChecks {

  private CascadeChecks() {}

  static void check(Policy policy, Table table, Problems problems) {
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
        problems.error(
            policy.file(),
            policy.lineOf("table"),
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
}
