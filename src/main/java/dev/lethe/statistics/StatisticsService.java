package dev.lethe.statistics;

import dev.lethe.hold.SubjectFlags;
import dev.lethe.policy.Statistic;
import dev.lethe.store.StatisticSource.Aggregate;
import dev.lethe.store.StoreRegistry;
import dev.lethe.system.BadInputException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.codec.digest.DigestUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Computes a statistic's buckets that have closed since it last ran, from the raw rows, and stores
 * what may be published of them in the control database. A bucket is computed once: a stored bucket
 * is never computed again, so a rerun adds nothing and a purge of its rows changes nothing.
 */
public class StatisticsService {

  private final JdbcClient jdbc;
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(StatisticsService.class);

  private final TransactionTemplate transaction;
  private final StoreRegistry stores;
  private final SubjectFlags flags;
  private final GeometricNoise noise;
  private final Clock clock;
  private final PurgeReach reach;
  private final EarlierSeries earlierSeries;
  private final dev.lethe.transform.Keys keys;
  private final StoredBuckets buckets;

  public StatisticsService(
      JdbcClient jdbc,
      PlatformTransactionManager transactions,
      StoreRegistry stores,
      SubjectFlags flags,
      GeometricNoise noise,
      Clock clock,
      PurgeReach reach,
      dev.lethe.transform.Keys keys) {
    this.keys = keys;
    this.jdbc = jdbc;
    this.transaction = new TransactionTemplate(transactions);
    this.stores = stores;
    this.flags = flags;
    this.noise = noise;
    this.clock = clock;
    this.reach = reach;
    this.buckets = new StoredBuckets(jdbc, transaction, clock);
    this.earlierSeries = new EarlierSeries(buckets, reach);
  }

  /**
   * The checksum that names a definition's series: of the definition and of the zone whose days its
   * buckets are. A changed zone is a new series, as a changed definition is, so that no bucket of
   * one is continued by the other (their days overlap, and rows would be counted twice).
   */
  public static String definition(Statistic statistic, ZoneId zone) {
    // normalised: UTC, Etc/UTC and Z are one zone
    return DigestUtils.sha256Hex(
        statistic.definitionText() + "\ntime-zone: " + zone.normalized().getId());
  }

  /**
   * The first day a statistic counts: rows of before 1900 (or of -infinity) belong to no bucket, as
   * no run is as of a day before it.
   */
  public static final LocalDate EARLIEST = LocalDate.of(1900, 1, 1);

  /** The first day of the bucket holding {@code day}. */
  public static LocalDate bucketOf(Statistic.Bucket bucket, LocalDate day) {
    return switch (bucket) {
      case DAY -> day;
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
      case MONTH -> day.withDayOfMonth(1);
    };
  }

  static LocalDate next(Statistic.Bucket bucket, LocalDate start) {
    return switch (bucket) {
      case DAY -> start.plusDays(1);
      case WEEK -> start.plusWeeks(1);
      case MONTH -> start.plusMonths(1);
    };
  }

  /**
   * Computes and stores every bucket closed by {@code now} and not stored yet. A first run starts
   * at the first bucket no purge has reached (see {@link PurgeReach}); so does a run that finds a
   * purge got ahead of its statistic, and its outcome says which buckets were left out and why.
   *
   * @param runId the run that computes them, recorded with each bucket
   */
  public StatisticOutcome compute(Statistic statistic, ZonedDateTime now, long runId) {
    ZoneId zone = now.getZone();
    var definition = definition(statistic, zone);
    buckets.adoptSeriesWithoutZone(statistic, definition, zone);
    // the bucket holding "now" is still open: everything before it is closed
    var upTo = bucketOf(statistic.bucket(), now.toLocalDate());
    var last = buckets.last(statistic, definition);
    // a first run reads from 1900 on: a row of earlier (or of -infinity) is no bucket's
    Optional<LocalDate> from =
        Optional.of(last.map(l -> next(statistic.bucket(), l)).orElse(EARLIEST));
    String notComputed = null;
    var taken = earlierSeries.taken(statistic, definition, zone);
    if (taken.isPresent() && from.get().isBefore(taken.get().from())) {
      notComputed = taken.get().why(from.get());
      LOG.warn("statistic {}: {}", statistic.name(), notComputed);
      from = Optional.of(taken.get().from());
    }
    if (from.isPresent() && !from.get().isBefore(upTo)) {
      return StatisticOutcome.NONE.notComputed(notComputed);
    }
    var reached = reach.of(statistic);
    if (reached.isPresent()) {
      var whole = reached.get().firstWholeBucket(statistic.bucket(), zone);
      if (from.get().isBefore(whole)) {
        notComputed =
            (last.isEmpty() && notComputed == null
                    ? "buckets before "
                    : "buckets from " + from.get() + " to before ")
                + whole
                + " are not computed: "
                + reached.get().describe(zone)
                + ", so they would count only the rows left"
                + (notComputed == null ? "" : "; " + notComputed);
        LOG.warn("statistic {}: {}", statistic.name(), notComputed);
        from = Optional.of(whole);
      }
      if (!from.get().isBefore(upTo)) {
        return StatisticOutcome.NONE.notComputed(notComputed);
      }
    }
    // a purge that began while the rows were read may have taken some of them: what it reached
    // is left out, as it would have been had it begun before
    var said = new String[] {notComputed};
    var stored =
        publish(
            statistic,
            definition,
            zone,
            from,
            upTo,
            runId,
            results -> {
              var now2 = reach.of(statistic);
              if (now2.isEmpty()) {
                return results;
              }
              var whole = now2.get().firstWholeBucket(statistic.bucket(), zone);
              if (results.keySet().stream().noneMatch(b -> b.isBefore(whole))) {
                return results;
              }
              said[0] =
                  "buckets before "
                      + whole
                      + " are not computed: "
                      + now2.get().describe(zone)
                      + " while this run read them, so they would count only the rows left";
              LOG.warn("statistic {}: {}", statistic.name(), said[0]);
              var kept = new LinkedHashMap<LocalDate, Publication.Bucket>();
              results.forEach(
                  (bucket, result) -> {
                    if (!bucket.isBefore(whole)) {
                      kept.put(bucket, result);
                    }
                  });
              return kept;
            });
    return outcome(stored).notComputed(said[0]);
  }

  /** What {@link #backfill} did: buckets computed now, and those in the range stored before. */
  public record Backfill(
      StatisticOutcome computed, long alreadyStored, LocalDate from, LocalDate to) {}

  /**
   * Computes the closed buckets from the one holding {@code from} to the one holding {@code to}
   * that are not stored yet, from the rows still there: for a new or changed statistic, whose
   * series would otherwise begin at its first run. Refused, with nothing stored, where a purge has
   * begun to remove the rows of a bucket in the range (so also where one does so while the rows are
   * read), or where no bucket of the range has closed.
   */
  public Backfill backfill(Statistic statistic, LocalDate from, LocalDate to, ZonedDateTime now) {
    ZoneId zone = now.getZone();
    if (from.isBefore(EARLIEST)) {
      throw new BadInputException(
          "--from "
              + from
              + " is before "
              + EARLIEST
              + ", the first day a statistic counts. Fix:"
              + " give --from "
              + EARLIEST
              + " or later");
    }
    if (to.isBefore(from)) {
      throw new BadInputException(
          "--to " + to + " is before --from " + from + ". Fix: give the earlier day as --from");
    }
    var first = bucketOf(statistic.bucket(), from);
    var open = bucketOf(statistic.bucket(), now.toLocalDate());
    var end = next(statistic.bucket(), bucketOf(statistic.bucket(), to));
    if (end.isAfter(open)) {
      end = open;
    }
    if (!first.isBefore(end)) {
      throw new BadInputException(
          "no "
              + statistic.bucket().yamlName()
              + " bucket from "
              + first
              + " has closed yet (the one of "
              + now.toLocalDate()
              + " begins "
              + open
              + "). Fix: give a --from before "
              + open);
    }
    refuseReached(statistic, zone, first);
    var definition = definition(statistic, zone);
    buckets.adoptSeriesWithoutZone(statistic, definition, zone);
    var taken = earlierSeries.taken(statistic, definition, zone);
    if (taken.isPresent() && first.isBefore(taken.get().from())) {
      throw new BadInputException(
          "statistic '"
              + statistic.name()
              + "': "
              + taken.get().why(first)
              + ". Nothing was computed. Fix: "
              + (taken.get().otherTime()
                  ? "none for these rows: count other rows, or keep to the earlier series"
                  : "give --from " + taken.get().from() + " or later"));
    }
    // the job's runs go on from the series' last bucket: one filled in after it would leave the
    // buckets between it and the last never computed
    var last = buckets.last(statistic, definition);
    if (last.isPresent() && end.isAfter(next(statistic.bucket(), last.get()))) {
      throw new BadInputException(
          "statistic '"
              + statistic.name()
              + "': the buckets after "
              + last.get()
              + ", its series' last, are computed by the runs of its job, each in turn; one"
              + " computed here would leave those between never computed. Nothing was computed."
              + " Fix: give --to "
              + last.get()
              + " or earlier");
    }
    var lastDay = end;
    long before =
        jdbc.sql(
                "SELECT count(*) FROM lethe.statistic_bucket WHERE statistic = ? AND definition = ?"
                    + " AND bucket >= ? AND bucket < ?")
            .params(statistic.name(), definition, first, lastDay)
            .query(Long.class)
            .single();
    var stored =
        publish(
            statistic,
            definition,
            zone,
            Optional.of(first),
            end,
            null,
            // a purge that removed rows before the aggregate read them was under way before it
            // began: its run is there to see now, and nothing is stored
            results -> {
              refuseReached(statistic, zone, first);
              return results;
            });
    return new Backfill(outcome(stored), before, first, end);
  }

  private void refuseReached(Statistic statistic, ZoneId zone, LocalDate first) {
    var reached = reach.of(statistic);
    if (reached.isEmpty()) {
      return;
    }
    var whole = reached.get().firstWholeBucket(statistic.bucket(), zone);
    if (first.isBefore(whole)) {
      throw new BadInputException(
          "statistic '"
              + statistic.name()
              + "': the buckets before "
              + whole
              + " cannot be computed: "
              + reached.get().describe(zone)
              + ", so they would count only the rows left. Nothing was computed. Fix: give --from "
              + whole
              + " or later");
    }
  }

  /**
   * Aggregates the buckets from {@code from} up to {@code upTo}, decides what may be published of
   * them, and stores those not stored yet; {@code beforeStoring} may still leave some out, or
   * refuse.
   */
  private List<Publication.Bucket> publish(
      Statistic statistic,
      String definition,
      ZoneId zone,
      Optional<LocalDate> from,
      LocalDate upTo,
      Long runId,
      java.util.function.UnaryOperator<LinkedHashMap<LocalDate, Publication.Bucket>>
          beforeStoring) {
    var excluded = new HashSet<>(flags.restricted());
    excluded.addAll(flags.objectors("analytics"));
    // and their tokens, under every key of the ring: a subject column a stage made tokens of
    // holds those, and a restricted subject's tokenised rows were counted (found by an outside
    // attack)
    keys.tokens()
        .ifPresent(
            tokens -> {
              for (var key : List.copyOf(excluded)) {
                for (var form : dev.lethe.transform.Tokens.keyForms(key.trim())) {
                  for (var under : tokens.everyKey()) {
                    excluded.add(under.text(form));
                    excluded.add(Long.toString(under.number(form)));
                  }
                }
              }
            });
    var source = stores.store(statistic.store()).statistic(statistic, zone);
    boolean bound = statistic.epsilon().isPresent();
    var byBucket = new LinkedHashMap<LocalDate, List<Aggregate>>();
    for (var aggregate : source.aggregate(from, upTo, Set.copyOf(excluded), bound)) {
      byBucket.computeIfAbsent(aggregate.bucket(), b -> new java.util.ArrayList<>()).add(aggregate);
    }
    var publication =
        new Publication(
            statistic, statistic.epsilon().isPresent() ? Optional.of(noise) : Optional.empty());
    var drafts = new LinkedHashMap<LocalDate, Publication.Draft>();
    byBucket.forEach((bucket, aggregates) -> drafts.put(bucket, publication.draft(aggregates)));
    var needing = new LinkedHashMap<LocalDate, List<List<String>>>();
    drafts.forEach(
        (bucket, draft) -> {
          if (draft.needsUnion()) {
            needing.put(bucket, draft.suppressed());
          }
        });
    // every bucket's "other" cell in one statement
    var others = source.unions(needing, Set.copyOf(excluded), bound);
    var results = new LinkedHashMap<LocalDate, Publication.Bucket>();
    drafts.forEach(
        (bucket, draft) -> results.put(bucket, publication.finish(draft, others.get(bucket))));
    return buckets.store(
        statistic,
        definition,
        reach.rowsOf(statistic),
        zone,
        beforeStoring.apply(results),
        computed -> earlierSeries.without(statistic, definition, zone, computed),
        runId);
  }

  private static StatisticOutcome outcome(List<Publication.Bucket> stored) {
    long buckets = 0, published = 0, suppressed = 0, rowsSuppressed = 0, withheld = 0;
    double epsilon = 0;
    for (var result : stored) {
      buckets++;
      published += result.cells().stream().filter(c -> c.kind().equals("cell")).count();
      suppressed += result.suppressedCells();
      // the rows of suppressed cells only where their number is published anyway, as the exact
      // "other" cell: where it was withheld (or published with noise), the report's exact count
      // of them, beside a withheld total, was that cell (found by an outside attack)
      boolean otherPublished = result.cells().stream().anyMatch(c -> c.kind().equals("other"));
      if (otherPublished && result.epsilonSpent() == 0) {
        rowsSuppressed += result.suppressedRows();
      }
      withheld += result.totalWithheld() ? 1 : 0;
      epsilon += result.epsilonSpent();
    }
    return new StatisticOutcome(
        buckets, published, suppressed, rowsSuppressed, withheld, epsilon, null);
  }
}
