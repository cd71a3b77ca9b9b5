package dev.lethe.store.mariadb;

import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import java.util.Optional;

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
    if (policy.clock() != null) {
      var clock = policy.clock();
      var clockTable =
          clock.related()
              ? relatedTable(table, clock.table(), clock.via(), policy.lineOf("clock"), "clock")
              : Optional.of(table);
      clockTable.ifPresent(
          in -> {
            var column = in.columns().get(clock.column());
            if (column == null) {
              error(
                  "clock",
                  "no column '" + clock.column() + "' in " + in.name(),
                  "use one of " + String.join(", ", in.columns().keySet()));
            } else if (!column.isTime()) {
              error(
                  "clock",
                  "column '" + clock.column() + "' is " + column.type() + ", not a point in time",
                  "name a date, datetime or timestamp column");
            }
          });
    }
    // an erasure's transform is a pseudonymise stage due at once: the same marker and checks
    var transforms = new MariaTransformChecks(policy, table, problems);
    policy.pseudonymiseStage().ifPresent(stage -> transforms.check(stage, true));
    policy
        .onErasure()
        .transform()
        .ifPresent(stage -> transforms.check(stage, policy.pseudonymiseStage().isEmpty()));
    for (var condition : policy.where()) {
      var where =
          condition.related()
              ? relatedTable(table, condition.table(), condition.via(), condition.line(), "where")
              : Optional.of(table);
      if (where.isEmpty()) {
        continue;
      }
      var in = where.get();
      if (!in.columns().containsKey(condition.column())) {
        problems.error(
            policy.file(),
            condition.line(),
            "where",
            "no column '" + condition.column() + "' in " + in.name(),
            "use one of " + String.join(", ", in.columns().keySet()));
      } else if (condition.operator().takesPeriod()
          && !in.columns().get(condition.column()).isTime()) {
        problems.error(
            policy.file(),
            condition.line(),
            condition.operator().yamlName(),
            "column '" + condition.column() + "' is not a point in time",
            "use it on a date, datetime or timestamp column");
      } else if (!condition.operator().takesPeriod()) {
        var column = in.columns().get(condition.column());
        condition.values().stream()
            .filter(value -> !column.accepts(value))
            .findFirst()
            .ifPresent(
                value ->
                    problems.error(
                        policy.file(),
                        condition.line(),
                        condition.operator().yamlName(),
                        "'"
                            + value
                            + "' is not a value of column '"
                            + condition.column()
                            + "' ("
                            + column.columnType()
                            + "): MariaDB would compare it as "
                            + (column.isNumber() ? "0" : "no date")
                            + " and match the wrong rows",
                        "write a " + column.columnType() + " value"));
      }
    }
    checkContact(table);
    checkCascades(table);
    checkPrivileges(table);
  }

  /**
   * The store's user may do what the policy's stages do: SELECT always, DELETE for a delete stage,
   * UPDATE for a transform. Each is tried as a statement that touches no row, in a transaction
   * rolled back: MariaDB checks privileges (its users', roles' and wildcard grants alike) before it
   * looks at a row, and no trigger fires for none.
   */
  private void checkPrivileges(MariaTable table) {
    var q = table.qualified();
    var key = MariaTable.quote(policy.key().get(0));
    var probes = new java.util.LinkedHashMap<String, String>();
    probes.put("SELECT", "SELECT 1 FROM " + q + " WHERE FALSE");
    if (policy.deleteStage().isPresent()) {
      probes.put("DELETE", "DELETE FROM " + q + " WHERE FALSE");
    }
    if (policy.pseudonymiseStage().isPresent() || policy.onErasure().transform().isPresent()) {
      probes.put("UPDATE", "UPDATE " + q + " SET " + key + " = " + key + " WHERE FALSE");
    }
    var missing = new java.util.ArrayList<String>();
    try (var c = store.dataSource().getConnection();
        var s = c.createStatement()) {
      c.setAutoCommit(false);
      try {
        for (var probe : probes.entrySet()) {
          try {
            s.execute(probe.getValue());
          } catch (java.sql.SQLException e) {
            // 1142: the command is denied on the table; anything else the other checks name
            if (e.getErrorCode() == 1142) {
              missing.add(probe.getKey());
            }
          }
        }
      } finally {
        c.rollback();
      }
    } catch (java.sql.SQLException e) {
      return; // the store cannot be reached: said where the store is checked
    }
    if (!missing.isEmpty()) {
      error(
          "table",
          "the store's user may not "
              + String.join(", ", missing)
              + " on "
              + policy.table()
              + ", which the policy's stages need",
          "GRANT "
              + String.join(", ", missing)
              + " ON "
              + policy.table()
              + " TO the user of lethe.stores."
              + store.name());
    }
  }

  /**
   * A delete must not reach rows no policy decides on: a foreign key that cascades (or sets null or
   * a default) into this table is an error unless the policy says {@code allow-cascade}. (Even
   * then, rows still referenced are kept, as they are through any foreign key on MariaDB.)
   */
  private void checkCascades(MariaTable table) {
    if (policy.deleteStage().isEmpty() || policy.allowCascade()) {
      return;
    }
    for (var reference : table.referencedBy()) {
      if (reference.cascades()) {
        error(
            "table",
            "deleting rows of "
                + policy.table()
                + " would reach "
                + reference.schema()
                + "."
                + reference.table()
                + ": its foreign key "
                + reference.constraint()
                + " is ON DELETE "
                + reference.deleteRule()
                + ", and changes rows no policy of this table decides on, held rows included",
            "add a policy for "
                + reference.table()
                + " that runs first, and 'allow-cascade: true' to this policy if the cascade is"
                + " intended");
      }
    }
  }

  /** The contact column holds an address as text: its token goes on the suppression list. */
  private void checkContact(MariaTable table) {
    var contact = policy.contact();
    if (contact == null) {
      return;
    }
    var column = table.columns().get(contact);
    if (column == null) {
      noColumn("contact", contact, table);
    } else if (!column.isText()) {
      error(
          "contact",
          "column '" + contact + "' is " + column.columnType() + ", not text",
          "name the column holding the e-mail address or phone number, such as 'email'");
    } else if (policy.legalBasis() != dev.lethe.policy.LegalBasis.CONSENT) {
      error(
          "contact",
          "only a policy whose legal basis is consent keeps a suppression list",
          "remove 'contact', or set legal-basis: consent if the data is held by consent");
    }
  }

  /**
   * Another table a clock or condition reaches through {@code via}: it exists, has a one-column
   * key, and {@code via} is a column of this table.
   */
  private Optional<MariaTable> relatedTable(
      MariaTable own, String name, String via, int line, String field) {
    var other = store.table(name);
    if (other.isEmpty()) {
      problems.error(
          policy.file(),
          line,
          field,
          "no table '" + name + "' in store '" + store.name() + "'",
          "write the other table as table.column (same database) or database.table.column");
      return Optional.empty();
    }
    if (other.get().singleKey().isEmpty()) {
      problems.error(
          policy.file(),
          line,
          field,
          name + " has no one-column unique key to reach it by",
          "reach a table with a one-column primary key");
      return Optional.empty();
    }
    if (!own.columns().containsKey(via)) {
      problems.error(
          policy.file(),
          line,
          field,
          "no column '" + via + "' in " + policy.table(),
          "name in 'via' the column that holds the key of " + name);
      return Optional.empty();
    }
    return other;
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
