package dev.lethe.store.jdbc;

import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import dev.lethe.store.StatisticBesideDelete;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * What a delete reaches of a statistic's rows in one PostgreSQL database, from the catalog: the
 * table's partition root (a statistic on a partition meets a delete on its parent, and the
 * reverse), a check constraint that proves a row's time never comes after the delete's clock (so
 * the delete's cutoff is a cutoff in the statistic's time too), and foreign keys that cascade a
 * delete into the statistic's table.
 */
final class StatisticDeleteChecks {

  private final DataSource dataSource;
  private final Function<String, Optional<Table>> tables;
  private final Optional<String> database;

  StatisticDeleteChecks(
      DataSource dataSource, Function<String, Optional<Table>> tables, Optional<String> database) {
    this.dataSource = dataSource;
    this.tables = tables;
    this.database = database;
  }

  /** The database and the oid of the table's partition root (the table, where it is none). */
  Optional<String> reachIdentity(String table) {
    if (database.isEmpty()) {
      return Optional.empty();
    }
    return tables
        .apply(table)
        .flatMap(t -> root(t.oid()))
        .map(r -> database.get() + ", table oid " + r);
  }

  void check(List<Statistic> statistics, List<Policy> policies, Problems problems) {
    // each delete's table looked up once, not once per statistic
    var deletes = new java.util.LinkedHashMap<Policy, Optional<String>>();
    for (var policy : policies) {
      if (policy.deleteStage().isPresent()) {
        deletes.put(policy, reachIdentity(policy.table()));
      }
    }
    for (var statistic : statistics) {
      var rows = reachIdentity(statistic.table());
      var table = tables.apply(statistic.table());
      if (rows.isEmpty() || table.isEmpty()) {
        continue; // the statistic's own check names the missing table
      }
      for (var delete : deletes.entrySet()) {
        var policy = delete.getKey();
        if (rows.equals(delete.getValue())) {
          boolean sameClock =
              !policy.clock().related() && policy.clock().column().equals(statistic.time());
          if (!sameClock
              && (policy.clock().related()
                  || !proves(table.get(), statistic.time(), policy.clock().column()))) {
            StatisticBesideDelete.otherClock(
                statistic,
                policy,
                policy.clock().related()
                    ? Optional.empty()
                    : Optional.of(
                        "prove that a row's "
                            + statistic.time()
                            + " never comes after its "
                            + policy.clock().column()
                            + ": ALTER TABLE "
                            + table.get().displayName()
                            + " ADD CHECK ("
                            + statistic.time()
                            + " <= "
                            + policy.clock().column()
                            + ")"),
                problems);
          }
          continue;
        }
        cascadeInto(policy, rows.get())
            .ifPresent(fk -> StatisticBesideDelete.cascade(statistic, policy, fk, problems));
      }
    }
  }

  /**
   * The foreign key through which a delete of the policy's rows reaches rows of identity {@code
   * rows} (ON DELETE CASCADE, SET NULL or SET DEFAULT, over any number of tables), in words.
   */
  private Optional<String> cascadeInto(Policy policy, String rows) {
    var start = tables.apply(policy.table());
    if (start.isEmpty()) {
      return Optional.empty();
    }
    var seen = new HashSet<Long>();
    var next = new ArrayDeque<Table>(List.of(start.get()));
    while (!next.isEmpty()) {
      var parent = next.poll();
      if (!seen.add(parent.oid())) {
        continue;
      }
      for (var fk : parent.referencedBy()) {
        if (!fk.cascades()) {
          continue;
        }
        var child = fk.childSchema() + "." + fk.childTable();
        if (database.map(d -> d + ", table oid " + fk.childRootOid()).orElse("").equals(rows)) {
          return Optional.of(
              "its foreign key "
                  + fk.constraint()
                  + " from "
                  + child
                  + " (ON DELETE "
                  + (fk.onDelete() == 'c'
                      ? "CASCADE"
                      : fk.onDelete() == 'n' ? "SET NULL" : "SET DEFAULT")
                  + ")");
        }
        tables
            .apply(Sql.quote(fk.childSchema()) + "." + Sql.quote(fk.childTable()))
            .ifPresent(next::add);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a validated check constraint on the table says {@code time <= clock} (or {@code <}, or
   * written the other way round): then every row a delete by the clock takes before a cutoff has
   * its time before the cutoff too.
   */
  private boolean proves(Table table, String time, String clock) {
    var forms =
        List.of(time + "<=" + clock, time + "<" + clock, clock + ">=" + time, clock + ">" + time);
    try (var c = dataSource.getConnection();
        var ps =
            c.prepareStatement(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ?"
                    + " AND contype = 'c' AND convalidated")) {
      ps.setLong(1, table.oid());
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          var text = rs.getString(1).replaceFirst("^CHECK", "").replaceAll("[()\"\\s]", "");
          if (forms.contains(text)) {
            return true;
          }
        }
      }
      return false;
    } catch (SQLException e) {
      return false;
    }
  }

  private Optional<Long> root(long oid) {
    try (var c = dataSource.getConnection();
        var ps =
            c.prepareStatement(
                "SELECT coalesce(pg_partition_root(CAST(? AS oid))::oid, CAST(? AS oid))::bigint")) {
      ps.setLong(1, oid);
      ps.setLong(2, oid);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return Optional.of(rs.getLong(1));
      }
    } catch (SQLException e) {
      return Optional.empty();
    }
  }
}
