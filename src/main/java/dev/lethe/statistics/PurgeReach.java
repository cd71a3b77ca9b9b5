package dev.lethe.statistics;

import dev.lethe.policy.PolicyCatalogue;
import dev.lethe.policy.Statistic;
import dev.lethe.store.StoreRegistry;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How far back purges have reached into a statistic's table: the latest cutoff of a delete step
 * that began on it. A bucket that begins before that moment can no longer be computed from the rows
 * still there (some of them may be gone, and nothing says which), so neither a first run nor a
 * backfill computes it.
 *
 * <p>Each delete step records its cutoff, store and table in {@code lethe.purge_reach} before it
 * removes its first row (committed on its own), so a run killed mid-step is counted too. A record
 * that names no table (from a report whose policy was gone) may be any table, and counts for all.
 * Erasures on request take one subject's rows, not a bucket's, and are not purges: a bucket
 * computed after one leaves the erased subject out.
 */
public class PurgeReach {

  private final JdbcClient jdbc;
  private final StoreRegistry stores;

  public PurgeReach(JdbcClient jdbc, StoreRegistry stores) {
    this.jdbc = jdbc;
    this.stores = stores;
  }

  /** The latest moment before which a delete step may have removed rows, and whose step it was. */
  public record Reach(Instant before, String policy, long run) {

    /** "policy views (run 12) began deleting rows before 2025-12-31T00:00Z". */
    public String describe(ZoneId zone) {
      return "policy "
          + policy
          + " (run "
          + run
          + ") began deleting rows before "
          + before.atZone(zone).toOffsetDateTime();
    }

    /** The first bucket that begins at or after this reach: the earliest one still whole. */
    public LocalDate firstWholeBucket(Statistic.Bucket bucket, ZoneId zone) {
      var day = before.atZone(zone).toLocalDate();
      var first = StatisticsService.bucketOf(bucket, day);
      return first.atStartOfDay(zone).toInstant().isBefore(before)
          ? StatisticsService.next(bucket, first)
          : first;
    }
  }

  /**
   * The reach of purges into the statistic's table; empty where no delete step has begun on it. A
   * record and the statistic meet where their tables have one identity (database and partition
   * root: a delete on a partition reaches a statistic on its parent, and the reverse, under any
   * store name); where either cannot tell, where their store and table names meet.
   */
  /** What the statistic counts: its table's identity, or its store and table names. */
  public String rowsOf(Statistic statistic) {
    return stores.rowsOf(statistic.store(), statistic.table());
  }

  public Optional<Reach> of(Statistic statistic) {
    var rows = stores.store(statistic.store()).reachIdentities(statistic.table());
    return jdbc
        .sql("SELECT run_id, policy, store, table_name, reached, cutoff FROM lethe.purge_reach")
        .query(
            (rs, n) -> {
              var store = rs.getString(3);
              var reached = rs.getString(5);
              boolean meets =
                  reached != null && !rows.isEmpty()
                      ? rows.contains(reached)
                      : store == null
                          || (Objects.equals(store, statistic.store())
                              && PolicyCatalogue.sameTable(rs.getString(4), statistic.table()));
              return meets
                  ? new Reach(rs.getTimestamp(6).toInstant(), rs.getString(2), rs.getLong(1))
                  : null;
            })
        .list()
        .stream()
        .filter(Objects::nonNull)
        .max(Comparator.comparing(Reach::before));
  }
}
