package dev.lethe.store.jdbc;

import static dev.lethe.store.jdbc.TableAccess.T;

import dev.lethe.policy.Policy;
import dev.lethe.store.HeldBack;
import dev.lethe.store.PlanCounts;
import dev.lethe.store.RetentionTarget;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.WindowOutcome;
import dev.lethe.transform.Tokens;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * One policy's work on one PostgreSQL table: purged in {@link KeysetWindows}, surveyed and counted
 * as a whole by {@link ExpiredRows}, planned with the run's own predicates ({@link Plans}).
 */
final class JdbcRetentionTarget implements RetentionTarget {

  private final TableAccess access;
  private final KeysetWindows windows;
  private final ExpiredRows expired;
  private final WholePartitions partitions;
  private final Plans plans;

  JdbcRetentionTarget(
      DataSource dataSource,
      Predicates self,
      List<Predicates> sameTable,
      Plans plans,
      Optional<Tokens> tokens) {
    this.access = new TableAccess(dataSource, self, sameTable);
    this.windows =
        new KeysetWindows(
            access,
            self.step().action() == Policy.Action.PSEUDONYMISE
                ? Optional.of(new Pseudonymiser(access, self.now().getZone(), tokens))
                : Optional.empty());
    this.expired = new ExpiredRows(access);
    this.partitions = new WholePartitions(access);
    this.plans = plans;
  }

  @Override
  public long totalRows() {
    // the planner's estimate per partition; a partition with none (never analysed, or emptied
    // whole by a run: TRUNCATE forgets it) is counted, and only it, so that a run after a
    // partitioned purge does not count the whole table; a table that is not partitioned is counted
    return access.inConnection(
        c -> {
          double estimated = 0;
          int leaves = 0;
          var unknown = new java.util.ArrayList<String>();
          try (var ps =
              c.prepareStatement(
                  "SELECT c.reltuples, format('%I.%I', n.nspname, c.relname) FROM"
                      + " pg_partition_tree(?::oid) p JOIN pg_class c ON c.oid = p.relid JOIN"
                      + " pg_namespace n ON n.oid = c.relnamespace WHERE p.isleaf")) {
            ps.setLong(1, access.self().table().oid());
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                leaves++;
                if (rs.getDouble(1) >= 0) {
                  estimated += rs.getDouble(1);
                } else {
                  unknown.add(rs.getString(2));
                }
              }
            }
          }
          if (leaves == 0 || unknown.size() > UNKNOWN_PARTITIONS_COUNTED) {
            return rowsOf(c, List.of(access.table()));
          }
          return (long) estimated + rowsOf(c, unknown);
        });
  }

  /** The rows of these tables, counted in one statement; none without a table. */
  private static long rowsOf(java.sql.Connection c, List<String> tables)
      throws java.sql.SQLException {
    if (tables.isEmpty()) {
      return 0;
    }
    var counts = tables.stream().map(t -> "(SELECT count(*) FROM " + t + ")").toList();
    return Statements.longs(c, Sql.of("SELECT " + String.join(" + ", counts)))[0];
  }

  /** Beyond so many partitions without an estimate, one count of the table is cheaper. */
  private static final int UNKNOWN_PARTITIONS_COUNTED = 64;

  @Override
  public long dueBetween(
      Optional<List<String>> after, Optional<List<String>> upTo, SparedSubjects spared) {
    try {
      return windows.due(after, upTo, spared);
    } catch (RuntimeException e) {
      return -1; // the report says the rows were not counted; they are still due next run
    }
  }

  @Override
  public Survey survey(SparedSubjects spared) {
    return expired.survey(spared);
  }

  @Override
  public Optional<WindowOutcome> purgeWholePart(SparedSubjects spared, WindowCheck beforeCommit) {
    return partitions.purgeNext(spared, beforeCommit);
  }

  @Override
  public WindowOutcome purgeNextWindow(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      SparedSubjects spared,
      WindowCheck beforeCommit) {
    return windows.purgeNext(after, last, windowSize, 1, spared, beforeCommit).get(0);
  }

  @Override
  public List<WindowOutcome> purgeNextWindows(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      int count,
      SparedSubjects spared,
      WindowCheck beforeCommit) {
    return windows.purgeNext(after, last, windowSize, count, spared, beforeCommit);
  }

  /** Where a foreign key references the table, each window counts what it held back. */
  @Override
  public boolean countsAsItGoes() {
    return access.isReferenced();
  }

  /**
   * After the last window, the expired rows still there of the subjects spared during the run are
   * exactly the rows the windows held back.
   */
  @Override
  public HeldBack heldBack(SparedSubjects sparedDuringRun) {
    return countsAsItGoes() ? HeldBack.NONE : expired.countSpared(sparedDuringRun);
  }

  @Override
  public PlanCounts plan(Function<String, SparedSubjects> sparedFor) {
    var self = access.self();
    var spared = sparedFor.apply(self.policy().name());
    var scope = plans.eligibleInPlan(self, T, 0, access.sameTable(), sparedFor);
    var referenced = plans.referencedInPlan(self, T, 0, sparedFor);
    var sql =
        access
            .heldBackCounts(spared, Optional.of(referenced))
            .wrap("SELECT count(*), ", " FROM " + access.table() + " " + T + " WHERE ")
            .then("", scope);
    var n = access.inConnection(c -> Statements.longs(c, sql));
    long wouldChange = n[0] - n[1] - n[2] - n[3] - n[4];
    return new PlanCounts(totalRows(), n[0], wouldChange, n[1], n[2], n[3], n[4]);
  }
}
