package dev.lethe.statistics;

import dev.lethe.policy.Statistic;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.codec.digest.DigestUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A statistic's stored series in the control database: its buckets and their cells, each bucket
 * stored once under a lock on the statistic, the series' shape beside its first bucket, and series
 * stored before the zone was part of their name taken over.
 */
final class StoredBuckets {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(StoredBuckets.class);

  private final JdbcClient jdbc;
  private final TransactionTemplate transaction;
  private final Clock clock;

  StoredBuckets(JdbcClient jdbc, TransactionTemplate transaction, Clock clock) {
    this.jdbc = jdbc;
    this.transaction = transaction;
    this.clock = clock;
  }

  /** The series' last stored bucket; empty where it has none. */
  Optional<LocalDate> last(Statistic statistic, String definition) {
    return jdbc.sql(
            "SELECT max(bucket) FROM lethe.statistic_bucket WHERE statistic = ? AND definition = ?")
        .params(statistic.name(), definition)
        .query(LocalDate.class)
        .optional();
  }

  /**
   * What earlier series of the same rows published: of this statistic (an earlier definition, or
   * another zone) or of another statistic of the same rows (a statistic renamed). A new series may
   * not publish those hours again, noise or not (each new series drew the same day's noise afresh:
   * found by an outside attack). Each end is taken in its series' zone; where that was not kept, in
   * the zone in which the day ends latest (UTC-12).
   *
   * @param end when the last of their buckets ends
   * @param otherTime whether one of them counted by another time column (its rows' hours in this
   *     one's are not known)
   */
  record Published(java.time.Instant end, boolean otherTime) {}

  Optional<Published> publishedBeforeByOtherSeries(
      Statistic statistic, String definition, String rows) {
    return jdbc.sql(
            "SELECT max(CAST(b.bucket_end AS timestamp) AT TIME ZONE coalesce(s.zone,"
                + " 'Etc/GMT+12')), bool_or(coalesce(s.time_column <> ?, b.statistic <> ?)) FROM"
                + " lethe.statistic_bucket b LEFT JOIN lethe.statistic_series s ON s.statistic ="
                + " b.statistic AND s.definition = b.definition WHERE NOT (b.statistic = ? AND"
                + " b.definition = ?) AND (b.statistic = ? OR s.rows_identity = ?)")
        .params(
            statistic.time(),
            statistic.name(),
            statistic.name(),
            definition,
            statistic.name(),
            rows)
        .query(
            (rs, n) ->
                rs.getTimestamp(1) == null
                    ? null
                    : new Published(rs.getTimestamp(1).toInstant(), rs.getBoolean(2)))
        .optional();
  }

  /** The checksum of series stored before the zone was part of a series' name. */
  private static String withoutZone(Statistic statistic) {
    return DigestUtils.sha256Hex(statistic.definitionText());
  }

  /**
   * A series stored before the zone named series (same definition, no zone) is taken as computed in
   * today's zone, the only one it can have been computed in unless the zone changed since, and
   * renamed once, so that it is continued rather than recomputed from rows that may be gone.
   */
  void adoptSeriesWithoutZone(Statistic statistic, String definition, ZoneId zone) {
    var old = withoutZone(statistic);
    transaction.executeWithoutResult(
        status -> {
          jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?), 1)")
              .param("lethe.statistic." + statistic.name())
              .query(Object.class)
              .single();
          var exists =
              "SELECT count(*) FROM lethe.statistic_bucket WHERE statistic = ? AND definition = ?";
          if (jdbc.sql(exists).params(statistic.name(), old).query(Long.class).single() == 0
              || jdbc.sql(exists).params(statistic.name(), definition).query(Long.class).single()
                  > 0) {
            return;
          }
          jdbc.sql(
                  "INSERT INTO lethe.statistic_bucket (statistic, definition, bucket, bucket_end,"
                      + " run_id, computed_at, cells, suppressed_cells, suppressed_rows,"
                      + " total_withheld, epsilon) SELECT statistic, ?, bucket, bucket_end, run_id,"
                      + " computed_at, cells, suppressed_cells, suppressed_rows, total_withheld,"
                      + " epsilon FROM lethe.statistic_bucket WHERE statistic = ? AND definition ="
                      + " ?")
              .params(definition, statistic.name(), old)
              .update();
          jdbc.sql(
                  "UPDATE lethe.statistic_cell SET definition = ? WHERE statistic = ? AND"
                      + " definition = ?")
              .params(definition, statistic.name(), old)
              .update();
          int moved =
              jdbc.sql("DELETE FROM lethe.statistic_bucket WHERE statistic = ? AND definition = ?")
                  .params(statistic.name(), old)
                  .update();
          LOG.info(
              "statistic {}: its {} stored buckets are taken as computed in time zone {} (the"
                  + " zone is now part of a series' name; a later change of zone starts a new"
                  + " series)",
              statistic.name(),
              moved,
              zone.getId());
        });
  }

  /**
   * Stores the buckets and their cells in one transaction, in two batches, and returns those it
   * stored. Under a lock on the statistic, buckets that another run stored meanwhile are left out:
   * a bucket is never stored twice.
   */
  List<Publication.Bucket> store(
      Statistic statistic,
      String definition,
      String rows,
      java.time.ZoneId zone,
      LinkedHashMap<LocalDate, Publication.Bucket> computed,
      java.util.function.UnaryOperator<LinkedHashMap<LocalDate, Publication.Bucket>> underLock,
      Long runId) {
    return transaction.execute(
        status -> {
          jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?), 1)")
              .param("lethe.statistic." + statistic.name())
              .query(Object.class)
              .single();
          // and on its rows: two statistics of one table, run at once by two processes (other
          // definitions, one database), each found the other's days not yet stored, and both
          // published them (found by an outside attack). What may be stored is told under it.
          jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?), 2)")
              .param("lethe.statistic.rows." + rows)
              .query(Object.class)
              .single();
          var results = underLock.apply(computed);
          // a backfill fills buckets before the stored ones: each bucket is stored once
          var already =
              Set.copyOf(
                  jdbc.sql(
                          "SELECT bucket FROM lethe.statistic_bucket"
                              + " WHERE statistic = ? AND definition = ?")
                      .params(statistic.name(), definition)
                      .query(LocalDate.class)
                      .list());
          var stored = new java.util.ArrayList<Publication.Bucket>();
          var bucketDays = new java.util.ArrayList<String>();
          var ends = new java.util.ArrayList<String>();
          var cellKinds = new java.util.ArrayList<String>();
          var cellBuckets = new java.util.ArrayList<String>();
          var cellDimensions = new java.util.ArrayList<String>();
          var cellMeasures = new java.util.ArrayList<String>();
          var counts = new java.util.ArrayList<long[]>();
          var withheld = new java.util.ArrayList<Boolean>();
          var epsilons = new java.util.ArrayList<String>();
          results.forEach(
              (bucket, result) -> {
                if (already.contains(bucket)) {
                  return;
                }
                stored.add(result);
                bucketDays.add(bucket.toString());
                ends.add(StatisticsService.next(statistic.bucket(), bucket).toString());
                counts.add(
                    new long[] {
                      result.cells().stream().filter(c -> c.kind().equals("cell")).count(),
                      result.suppressedCells(),
                      result.suppressedRows()
                    });
                withheld.add(result.totalWithheld());
                epsilons.add(
                    statistic.epsilon().isPresent()
                        ? Double.toString(result.epsilonSpent())
                        : null);
                for (var cell : result.cells()) {
                  cellBuckets.add(bucket.toString());
                  cellKinds.add(cell.kind());
                  cellDimensions.add(ArrayLiteral.of(cell.dimensions()));
                  cellMeasures.add(
                      ArrayLiteral.of(
                          cell.measures().stream().map(BigDecimal::toPlainString).toList()));
                }
              });
          if (stored.isEmpty()) {
            return stored;
          }
          // the first bucket of a series says what the series is, for its export once it is old
          jdbc.sql(
                  "INSERT INTO lethe.statistic_series (statistic, definition, description,"
                      + " first_stored_at, rows_identity, zone, time_column) VALUES (?, ?,"
                      + " CAST(? AS jsonb), ?, ?, ?, ?)"
                      // a series stored before descriptions (or its rows) were kept is this
                      // definition
                      + " ON CONFLICT (statistic, definition) DO UPDATE SET description = CASE"
                      + " WHEN statistic_series.description = '{}' THEN EXCLUDED.description ELSE"
                      + " statistic_series.description END, rows_identity ="
                      + " coalesce(statistic_series.rows_identity, EXCLUDED.rows_identity), zone"
                      + " = coalesce(statistic_series.zone, EXCLUDED.zone), time_column ="
                      + " coalesce(statistic_series.time_column, EXCLUDED.time_column)")
              .params(
                  statistic.name(),
                  definition,
                  SeriesShape.of(statistic, definition).toJson(),
                  Timestamp.from(clock.instant()),
                  rows,
                  zone.getId(),
                  statistic.time())
              .update();
          // the buckets in one statement, their cells in another: arrays, not a row at a time
          jdbc.sql(
                  "INSERT INTO lethe.statistic_bucket (statistic, definition, bucket, bucket_end,"
                      + " run_id, computed_at, cells, suppressed_cells, suppressed_rows,"
                      + " total_withheld, epsilon)"
                      + " SELECT ?, ?, b, e, CAST(? AS bigint), ?, c, s, r, w, n FROM unnest(CAST(? AS date[]),"
                      + " CAST(? AS date[]), CAST(? AS int[]), CAST(? AS int[]), CAST(? AS int8[]),"
                      + " CAST(? AS boolean[]), CAST(? AS numeric[])) AS u(b, e, c, s, r, w, n)")
              .params(
                  statistic.name(),
                  definition,
                  runId,
                  Timestamp.from(clock.instant()),
                  bucketDays.toArray(String[]::new),
                  ends.toArray(String[]::new),
                  counts.stream().mapToLong(c -> c[0]).toArray(),
                  counts.stream().mapToLong(c -> c[1]).toArray(),
                  counts.stream().mapToLong(c -> c[2]).toArray(),
                  withheld.toArray(Boolean[]::new),
                  epsilons.toArray(String[]::new))
              .update();
          jdbc.sql(
                  "INSERT INTO lethe.statistic_cell (statistic, definition, bucket, kind, dimensions,"
                      + " measures) SELECT ?, ?, b, k, CAST(d AS text[]), CAST(m AS numeric[])"
                      + " FROM unnest(CAST(? AS date[]), CAST(? AS text[]), CAST(? AS text[]),"
                      + " CAST(? AS text[])) AS u(b, k, d, m)")
              .params(
                  statistic.name(),
                  definition,
                  cellBuckets.toArray(String[]::new),
                  cellKinds.toArray(String[]::new),
                  cellDimensions.toArray(String[]::new),
                  cellMeasures.toArray(String[]::new))
              .update();
          return stored;
        });
  }
}
