package dev.lethe.statistics;

import dev.lethe.policy.Statistic;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * What earlier series of a statistic's rows published, and so what a new series may not: the same
 * hours again, cut another way (other dimensions, another minimum, another zone's days, another
 * statistic of the same table, a rename), noise or not. Two such series gave away the cells each
 * leaves out, and new series redrew a day's noise again and again (found by outside attacks;
 * decision 0008).
 */
final class EarlierSeries {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(StatisticsService.class);

  private final StoredBuckets buckets;
  private final PurgeReach reach;

  EarlierSeries(StoredBuckets buckets, PurgeReach reach) {
    this.buckets = buckets;
    this.reach = reach;
  }

  /**
   * Where this series may begin: after the hours earlier series of the same rows published (empty
   * where there are none), or never where one counted them by another time column.
   */
  Optional<Taken> taken(Statistic statistic, String definition, ZoneId zone) {
    return buckets
        .publishedBeforeByOtherSeries(statistic, definition, reach.rowsOf(statistic))
        .map(
            published -> {
              if (published.otherTime()) {
                // by another time column, any of this one's days may hold rows it counted
                return new Taken(statistic.name(), LocalDate.MAX, true);
              }
              // the first of this series' buckets that begins once the other's last has ended:
              // in another zone the same date is other hours (found by an outside attack)
              var day = LocalDate.ofInstant(published.end(), zone);
              if (day.atStartOfDay(zone).toInstant().isBefore(published.end())) {
                day = day.plusDays(1);
              }
              var first = StatisticsService.bucketOf(statistic.bucket(), day);
              return new Taken(
                  statistic.name(),
                  first.isBefore(day) ? StatisticsService.next(statistic.bucket(), first) : first,
                  false);
            });
  }

  /** The first bucket a series may publish after those of the statistic's other series. */
  record Taken(String statistic, LocalDate from, boolean otherTime) {
    String why(LocalDate since) {
      var which =
          otherTime
              ? (since.equals(StatisticsService.EARLIEST)
                  ? "buckets "
                  : "buckets from " + since + " on ")
              : (since.equals(StatisticsService.EARLIEST)
                  ? "buckets before " + from + " "
                  : "buckets from " + since + " to before " + from + " ");
      return which
          + "are not computed: an earlier series of the same rows (this statistic's under another"
          + " definition or zone, or another statistic's) published "
          + (otherTime
              ? "them by another time column, whose rows any day of this one may hold"
              : "those days")
          + ", and the two cut differently would give away the cells each leaves out (a new"
          + " series, noise or not, never publishes them again). Its numbers stand ('lethe stats"
          + " series "
          + statistic
          + "')";
    }
  }

  /**
   * The buckets another series of the same rows has not published: told again under the lock on the
   * rows, where a run of another process may have stored its own since this one looked.
   */
  LinkedHashMap<LocalDate, Publication.Bucket> without(
      Statistic statistic,
      String definition,
      ZoneId zone,
      LinkedHashMap<LocalDate, Publication.Bucket> computed) {
    var taken = taken(statistic, definition, zone);
    if (taken.isEmpty()) {
      return computed;
    }
    var kept = new LinkedHashMap<LocalDate, Publication.Bucket>();
    computed.forEach(
        (bucket, result) -> {
          if (!bucket.isBefore(taken.get().from())) {
            kept.put(bucket, result);
          }
        });
    if (kept.size() < computed.size()) {
      LOG.warn(
          "statistic {}: {}",
          statistic.name(),
          taken.get().why(computed.keySet().iterator().next()));
    }
    return kept;
  }
}
