package dev.lethe.store.jdbc;

import dev.lethe.policy.Condition;
import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import dev.lethe.store.PolicyOverlaps;
import java.sql.Connection;
import java.sql.SQLException;
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

  /**
   * The store's user may do what the policy's stages do: SELECT always, DELETE for a delete stage,
   * UPDATE for a pseudonymise stage. Without them the run would fail half-way, after windows of
   * other policies committed; validate says so first.
   */
  private void checkPrivileges(Policy policy, Table table) throws SQLException {
    var needed = new ArrayList<String>();
    needed.add("SELECT");
    if (policy.deleteStage().isPresent()) {
      needed.add("DELETE");
    }
    if (policy.pseudonymiseStage().isPresent()) {
      needed.add("UPDATE");
    }
    var missing = new ArrayList<String>();
    for (var privilege : needed) {
      try (var ps = connection.prepareStatement("SELECT has_table_privilege(CAST(? AS oid), ?)")) {
        ps.setLong(1, table.oid());
        ps.setString(2, privilege);
        try (var rs = ps.executeQuery()) {
          if (rs.next() && !rs.getBoolean(1)) {
            missing.add(privilege);
          }
        }
      }
    }
    if (!missing.isEmpty()) {
      error(
          policy,
          "table",
          "the store's user may not "
              + String.join(", ", missing)
              + " on "
              + table.displayName()
              + ", which the policy's stages need",
          "GRANT "
              + String.join(", ", missing)
              + " ON "
              + table.displayName()
              + " TO the user"
              + " of lethe.stores."
              + store.name());
    }
  }

  void check(List<Policy> policies) throws SQLException {
    var checked = new ArrayList<Policy>();
    for (var policy : policies) {
      if (policy.table() == null || policy.key().isEmpty()) {
        var field = policy.table() == null ? "table" : "key";
        problems.error(
            policy.file(),
            1,
            field,
            "is missing: a policy on database store '" + store.name() + "' names its " + field,
            policy.table() == null
                ? "add 'table: schema.table'"
                : "add 'key: id', the table's primary key or unique not-null columns");
        continue;
      }
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
        CascadeChecks.check(policy, table.get(), problems);
      }
      checkPrivileges(policy, table.get());
    }
    PolicyOverlaps.report(
        checked,
        p -> {
          var table = store.table(p.table()).orElseThrow();
          var lineage = new java.util.HashSet<String>();
          table.lineage().above().keySet().forEach(oid -> lineage.add(Long.toString(oid)));
          table.lineage().below().keySet().forEach(oid -> lineage.add(Long.toString(oid)));
          return new PolicyOverlaps.Table(Long.toString(table.oid()), table.displayName(), lineage);
        },
        problems);
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
    var transforms = new TransformChecks(connection, problems);
    ok &= transforms.checkMarker(policy, table);
    ok &= transforms.checkTransforms(policy, table);
    for (var condition : policy.where()) {
      ok &= checkCondition(policy, table, condition);
    }
    ok &= checkContact(policy, table);
    return ok;
  }

  /** The contact column holds an address as text: its token goes on the suppression list. */
  private boolean checkContact(Policy policy, Table table) {
    var contact = policy.contact();
    if (contact == null) {
      return true;
    }
    if (!exists(policy, table, "contact", contact)) {
      return false;
    }
    var type = table.columns().get(contact);
    if (type.family() != ColumnType.Family.TEXT) {
      error(
          policy,
          "contact",
          "column '" + contact + "' is " + type.sqlType() + ", not text",
          "name the column holding the e-mail address or phone number, such as 'email'");
      return false;
    }
    if (policy.legalBasis() != dev.lethe.policy.LegalBasis.CONSENT) {
      error(
          policy,
          "contact",
          "only a policy whose legal basis is consent keeps a suppression list",
          "remove 'contact', or set legal-basis: consent if the data is held by consent");
      return false;
    }
    return true;
  }

  private boolean exists(Policy policy, Table table, String field, String column) {
    return exists(problems, policy, table, field, column);
  }

  /** Whether the column exists; if not, the error names the columns there are. */
  static boolean exists(
      Problems problems, Policy policy, Table table, String field, String column) {
    if (table.columns().containsKey(column)) {
      return true;
    }
    problems.error(
        policy.file(),
        policy.lineOf(field),
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
      if (!TransformChecks.fits(connection, type, value)) {
        problems.error(
            policy.file(),
            condition.line(),
            condition.operator().yamlName(),
            "'" + value + "' is not a value of column '" + condition.column() + "' (" + type + ")",
            "write a " + type + " value");
        return false;
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

  private void error(Policy policy, String field, String message, String fix) {
    problems.error(policy.file(), policy.lineOf(field), field, message, fix);
  }
}
