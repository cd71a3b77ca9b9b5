package dev.lethe.store.jdbc;

import static dev.lethe.store.jdbc.TableAccess.T;

import dev.lethe.policy.Policy;
import dev.lethe.store.Outbox;
import dev.lethe.store.RetentionTarget.WindowCheck;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.StoreException;
import dev.lethe.store.WindowOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A delete step's whole partitions: the range partitions of its table (partitioned by its clock)
 * whose every row has come to the step, emptied with {@code TRUNCATE} instead of deleted row by
 * row, for a policy with no conditions on a table no other policy keeps rows of. What the step must
 * keep there (held, requested or restricted subjects' rows) is copied aside first and put back, so
 * the cost follows what is kept and the grouped read the audit trail needs, not what goes.
 *
 * <p>One partition is one transaction: under an exclusive lock on the partition (never on the
 * table), one grouped read counts the rows that go per subject and the rows that stay, the guards
 * and the audit record see those counts, the kept rows go to a temporary table, the partition is
 * truncated, the kept rows go back, the record goes into the store's outbox, and it all commits
 * together or not at all: a crash at any point leaves the partition as it was, or done and
 * recorded. A partition this cannot take as a whole is left to the windows, which take its rows as
 * they take any others: one whose lock is not had within the lock timeout, one with insert triggers
 * (they would see the kept rows go back in) or row security (a truncate takes rows the role cannot
 * see), one Lethe may not truncate, one where more would be kept than goes.
 */
final class WholePartitions {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(WholePartitions.class);

  /** The upper bound in a range partition's bound: {@code FOR VALUES FROM (...) TO (...)}. */
  private static final Pattern UPPER =
      Pattern.compile("^FOR VALUES FROM \\((.+)\\) TO \\((.+)\\)$");

  private final TableAccess access;
  private Deque<Partition> left;

  WholePartitions(TableAccess access) {
    this.access = access;
  }

  /** A partition that may be taken whole: every row due by its bound. */
  record Partition(long oid, String qualified, String name, String bound) {}

  /**
   * Whether the step may take partitions whole at all: a delete, of a table partitioned by its own
   * clock, that no foreign key references (a referenced partition cannot be truncated, and each
   * row's references must be looked at).
   */
  boolean applies() {
    var self = access.self();
    // only where what stays is the spared subjects' rows: a condition or another policy could
    // read other tables, which the partition's lock does not hold still
    return self.step().action() == Policy.Action.DELETE
        && self.table().partitioned()
        && !self.policy().clock().related()
        && self.policy().where().isEmpty()
        && access.sameTable().isEmpty()
        && self.table().referencedBy().isEmpty()
        && !access.isReferenced();
  }

  /**
   * Takes the next partition that can be taken whole, in its own transaction, committed once {@code
   * beforeCommit} has seen it; empty once none is left. One at a time: side by side on two cores
   * they were slower (their grouped reads and their records compete for the cores). A veto or a
   * lost connection is thrown, with nothing of that partition changed.
   */
  Optional<WindowOutcome> purgeNext(SparedSubjects spared, WindowCheck beforeCommit) {
    if (!applies()) {
      return Optional.empty();
    }
    if (left == null) {
      left = new ArrayDeque<>(access.inConnection(this::candidates));
    }
    while (!left.isEmpty()) {
      var outcome = purge(left.poll(), spared, beforeCommit);
      if (outcome.isPresent()) {
        return outcome;
      }
    }
    return Optional.empty();
  }

  /** The leaf range partitions of the table whose upper bound lies at or before the cutoff. */
  private List<Partition> candidates(Connection connection) throws SQLException {
    var self = access.self();
    var sql =
        Sql.of(
            """
            SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname),
                   n.nspname || '.' || c.relname, pg_get_expr(c.relpartbound, c.oid),
                   CASE
                     WHEN c.relrowsecurity OR p.relrowsecurity
                       THEN 'has row security (a truncate would take rows this role cannot see)'
                     -- its own, and its parents' (a statement trigger or a rule on the table
                     -- is not the partition's, and a truncate of the partition fires none of
                     -- them: found by an outside attack)
                     WHEN EXISTS (SELECT 1 FROM pg_trigger tg
                                  WHERE tg.tgrelid IN (SELECT relid FROM pg_partition_ancestors(c.oid))
                                  AND NOT tg.tgisinternal AND tg.tgenabled <> 'D'
                                  AND (tg.tgtype & (4 | 8 | 32)) <> 0)
                       THEN 'has insert, delete or truncate triggers, or its table has (a truncate'
                            || ' fires no delete trigger, and the kept rows would go back through'
                            || ' the insert ones)'
                     WHEN EXISTS (SELECT 1 FROM pg_rewrite rw
                                  WHERE rw.ev_class IN (SELECT relid FROM pg_partition_ancestors(c.oid))
                                  AND rw.rulename <> '_RETURN')
                       THEN 'has rules, or its table has (the kept rows could go elsewhere than'
                            || ' back, and a rule on delete sees no truncate)'
                     WHEN EXISTS (SELECT 1 FROM pg_constraint fk WHERE fk.contype = 'f'
                                  AND fk.confrelid IN (SELECT relid FROM pg_partition_ancestors(c.oid)))
                       THEN 'is referenced by a foreign key'
                     WHEN EXISTS (SELECT 1 FROM pg_publication_tables pub
                                  JOIN pg_namespace pn ON pn.nspname = pub.schemaname
                                  JOIN pg_class pc ON pc.relnamespace = pn.oid
                                   AND pc.relname = pub.tablename
                                  WHERE pc.oid IN (SELECT relid FROM pg_partition_ancestors(c.oid)))
                       THEN 'is published for logical replication (a subscriber would not see the'
                            || ' truncate as the rows'' deletes)'
                     WHEN NOT (has_table_privilege(c.oid, 'TRUNCATE')
                               AND has_table_privilege(c.oid, 'INSERT')
                               AND has_table_privilege(c.oid, 'SELECT')
                               AND has_database_privilege(current_database(), 'TEMPORARY'))
                       THEN 'may not be truncated, written and copied aside by this role (GRANT'
                            || ' TRUNCATE, INSERT, and TEMPORARY on the database, let a whole'
                            || ' partition go at once)'
                   END
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_class p ON p.oid = i.inhparent
            JOIN pg_partitioned_table pt ON pt.partrelid = i.inhparent
            JOIN pg_attribute a ON a.attrelid = i.inhparent AND a.attnum = pt.partattrs[0]
            WHERE i.inhparent = CAST(? AS oid) AND c.relkind = 'r' AND pt.partstrat = 'r'
              AND pt.partnatts = 1 AND a.attname = ?
            ORDER BY c.oid""",
            Long.toString(self.table().oid()),
            self.policy().clock().column());
    var found = new ArrayList<Partition>();
    var bounds = new ArrayList<String>();
    try (var ps = Statements.prepare(connection, sql);
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        var name = rs.getString(3);
        var matcher = UPPER.matcher(rs.getString(4));
        if (!matcher.matches() || matcher.group(2).equals("MAXVALUE")) {
          continue; // the default partition, or one open above
        }
        if (rs.getString(5) != null) {
          LOG.info("partition {} {}: its rows go in windows", name, rs.getString(5));
          continue;
        }
        found.add(new Partition(rs.getLong(1), rs.getString(2), name, rs.getString(4)));
        bounds.add(literal(matcher.group(2)));
      }
    }
    var due = new ArrayList<Partition>();
    for (int i = 0; i < found.size(); i++) {
      var check = access.self().dueBelow(bounds.get(i));
      if (check.isPresent()
          && Statements.longs(connection, check.get().wrap("SELECT (", ")::int"))[0] == 1) {
        due.add(found.get(i));
      }
    }
    return due;
  }

  /** A bound's value as text: a quoted literal unquoted, a number as it is. */
  private static String literal(String bound) {
    var b = bound.trim();
    if (b.startsWith("'") && b.endsWith("'") && b.length() >= 2) {
      return b.substring(1, b.length() - 1).replace("''", "'");
    }
    return b;
  }

  /**
   * One partition in one transaction; empty where it is left to the windows: its lock was not free,
   * it is no longer this table's partition, or a statement failed there (a constraint the kept rows
   * no longer meet, a privilege). A veto is thrown; so is a lost connection, after which whether
   * the commit happened is told by the outbox, and the next run takes what is left.
   */
  private Optional<WindowOutcome> purge(
      Partition partition, SparedSubjects spared, WindowCheck beforeCommit) {
    try (var connection = access.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      // the count, the copy aside and the truncate see one snapshot
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        var outcome = purge(connection, partition, spared, beforeCommit);
        if (outcome.isEmpty()) {
          connection.rollback();
        }
        return outcome;
      } catch (SQLException e) {
        rollBack(connection);
        if (StoreErrors.isLockTimeout(e)) {
          LOG.info("partition {} is in use: its rows go in windows", partition.name());
          return Optional.empty();
        }
        if (!lost(connection, e)) {
          LOG.warn(
              "partition {} could not go whole ({}): its rows go in windows",
              partition.name(),
              StoreErrors.describe(e));
          return Optional.empty();
        }
        throw e;
      } catch (RuntimeException e) {
        rollBack(connection);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(
          "delete of partition "
              + partition.name()
              + " of "
              + access.self().table().displayName()
              + " failed: "
              + StoreErrors.describe(e),
          e);
    }
  }

  /** Whether the connection went (or the server ended it), rather than a statement failing. */
  private static boolean lost(Connection connection, SQLException e) {
    var state = e.getSQLState();
    if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
      return true;
    }
    try {
      return connection.isClosed();
    } catch (SQLException closed) {
      return true;
    }
  }

  private Optional<WindowOutcome> purge(
      Connection connection, Partition partition, SparedSubjects spared, WindowCheck beforeCommit)
      throws SQLException {
    var self = access.self();
    // no row comes or goes in the partition while it is counted and emptied
    // NOWAIT: a partition in use goes in windows at once, and no query of the application's
    // queues behind a lock that waits
    update(
        connection,
        Sql.of("LOCK TABLE " + partition.qualified() + " IN ACCESS EXCLUSIVE MODE NOWAIT"));
    // still this table's partition, with the same bound (it may have been detached meanwhile)
    var still =
        Statements.firstRow(
            connection,
            Sql.of(
                "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c JOIN pg_inherits i ON"
                    + " i.inhrelid = c.oid WHERE c.oid = CAST(? AS oid) AND i.inhparent = CAST(?"
                    + " AS oid)",
                Long.toString(partition.oid()),
                Long.toString(self.table().oid())));
    if (still.isEmpty() || !partition.bound().equals(still.get().get(0))) {
      LOG.info("partition {} is no longer as it was listed: left alone", partition.name());
      return Optional.empty();
    }
    // Every row of a due partition has come to the step (the policy has no conditions, and no
    // other policy keeps rows of the table: applies()), so only the spared subjects' rows stay.
    var free = self.subjectNotIn(T, spared.all());
    boolean bySubject = self.policy().auditsSubjects();
    var column = T + "." + Sql.quote(self.policy().subject());
    var family = self.subjectFamily();
    Sql counts;
    if (family == ColumnType.Family.INTEGER
        || family == ColumnType.Family.BIGINT
        || family == ColumnType.Family.UUID) {
      // a key whose equal values are one spelling: grouped first, then each subject tested once
      // (the groups under the row's alias)
      counts =
          free.wrap(
              "SELECT " + column + "::text, ",
              ", "
                  + T
                  + ".n FROM (SELECT "
                  + column
                  + ", count(*) AS n FROM "
                  + partition.qualified()
                  + " "
                  + T
                  + " GROUP BY 1) "
                  + T);
    } else {
      // text may compare equal in other spellings (citext, a case-insensitive collation): each row
      // tested as the windows test it, and recorded as the windows record it
      counts =
          free.wrap(
              "SELECT s, g, count(*) FROM (SELECT (" + column + "::text) COLLATE \"C\" AS s, ",
              " AS g FROM " + partition.qualified() + " " + T + ") x GROUP BY s, g");
    }
    long began = System.nanoTime();
    long deleted = 0;
    long kept = 0;
    var gone = new HashMap<String, Long>();
    boolean anyCase = self.subjectAnyCase();
    try (var ps = Statements.prepare(connection, counts);
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        long n = rs.getLong(3);
        if (rs.getBoolean(2)) {
          deleted += n;
          if (bySubject && rs.getString(1) != null) {
            gone.merge(Predicates.recordedKey(rs.getString(1), anyCase), n, Long::sum);
          }
        } else {
          kept += n;
        }
      }
    }
    if (deleted == 0 || kept > deleted) {
      return Optional.empty();
    }
    long counted = System.nanoTime();
    if (kept > 0) {
      var columns = columns(connection, partition);
      // what stays: the spared subjects' rows (through an index on the subject, where there is
      // one), or whatever the predicate does not take
      var stays = self.subjectIn(T, spared.all());
      long aside =
          update(
              connection,
              stays.wrap(
                  "CREATE TEMPORARY TABLE pg_temp.lethe_kept ON COMMIT DROP AS SELECT "
                      + columns
                      + " FROM "
                      + partition.qualified()
                      + " "
                      + T
                      + " WHERE ",
                  ""));
      if (aside != kept) {
        throw new StoreException(
            "partition " + partition.name() + ": " + kept + " rows to keep, " + aside + " found",
            null);
      }
      update(connection, Sql.of("TRUNCATE " + partition.qualified()));
      long back =
          update(
              connection,
              Sql.of(
                  "INSERT INTO "
                      + partition.qualified()
                      + " ("
                      + columns
                      + ") OVERRIDING SYSTEM VALUE SELECT "
                      + columns
                      + " FROM pg_temp.lethe_kept"));
      if (back != kept) {
        throw new StoreException(
            "partition " + partition.name() + ": " + kept + " rows to keep, " + back + " put back",
            null);
      }
    } else {
      update(connection, Sql.of("TRUNCATE " + partition.qualified()));
    }
    long emptied = System.nanoTime();
    var outcome =
        new WindowOutcome(List.of(), false, deleted, deleted, 0, 0, 0, 0, Map.copyOf(gone));
    Outbox.Entry entry = beforeCommit.check(outcome); // a veto rolls it all back
    long recorded = System.nanoTime();
    if (entry != null) {
      PostgresOutbox.write(connection, entry);
      outcome = outcome.withRecord(entry.id());
    }
    Statements.checkDeferredNow(connection);
    beforeCommit.lastLook(); // a veto rolls it all back
    long written = System.nanoTime();
    try {
      connection.commit();
    } catch (SQLException lost) {
      if (outcome.record() != null && PostgresOutbox.has(access.dataSource(), outcome.record())) {
        return Optional.of(outcome); // it committed before the connection went
      }
      throw lost;
    }
    LOG.info(
        "partition {} emptied whole: {} rows deleted, {} kept (counted in {} ms, emptied in {}"
            + " ms, its record made in {} ms and written in {} ms, committed in {} ms)",
        partition.name(),
        deleted,
        kept,
        (counted - began) / 1_000_000,
        (emptied - counted) / 1_000_000,
        (recorded - emptied) / 1_000_000,
        (written - recorded) / 1_000_000,
        (System.nanoTime() - written) / 1_000_000);
    return Optional.of(outcome);
  }

  /** The partition's columns a row can be written with: not dropped, not generated. */
  private static String columns(Connection connection, Partition partition) throws SQLException {
    var names = new ArrayList<String>();
    try (var ps =
        connection.prepareStatement(
            "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = ? AND attnum > 0"
                + " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum")) {
      ps.setLong(1, partition.oid());
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return String.join(", ", names);
  }

  private static long update(Connection connection, Sql sql) throws SQLException {
    try (var ps = Statements.prepare(connection, sql)) {
      return ps.executeLargeUpdate();
    }
  }

  private static void rollBack(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // a broken connection has rolled back on the server
    }
  }
}
