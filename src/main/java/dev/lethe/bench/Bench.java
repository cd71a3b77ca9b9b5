package dev.lethe.bench;

import dev.lethe.report.RunReport;
import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.RunService;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs one of Lethe's jobs and the raw SQL statement that does the same to the same rows on
 * identical copies of one table, one after the other in the same process, and reports rows per
 * second for each. The delete case also runs its raw statement in Lethe's windows, to tell what
 * chunking costs from what Lethe adds; on request, a warm-up run of the job comes first, to tell
 * the JVM's compiling from Lethe's work.
 */
public final class Bench {

  /** The as-of date of the bench's run: the anchor of its data, two years after the cutoff. */
  public static final LocalDate AS_OF = LocalDate.of(2026, 11, 1);

  /** The bench's key: public, fit for nothing but generated data. */
  public static final String KEY = "bench-key-everyone-knows-never-use-it-for-real-data";

  public static final String KEY_ID = "bench-not-secret";

  private Bench() {}

  /** What is measured: a job of Lethe's, and its raw SQL twin. */
  public enum Case {
    DELETE("bench", "bench/bench-events.yml", "bench/raw-delete.sql", "one DELETE", 0.9),
    PSEUDONYMISE(
        "bench-pseudonymise",
        "bench/bench-pseudonymise.yml",
        "bench/raw-pseudonymise.sql",
        "one UPDATE, pgcrypto hmac()",
        0.7),
    STATISTICS(
        "bench-statistics",
        "bench/bench-daily.yml",
        "bench/raw-statistics.sql",
        "one GROUP BY ... HAVING",
        0.8),
    /** Twelve monthly partitions, six of them past a six-month retention (issue 20). */
    PARTITIONS(
        "bench-partitions",
        "bench/bench-visits.yml",
        "bench/raw-delete-partitions.sql",
        "one DELETE",
        2.0);

    private final String job;
    private final String policy;
    private final String rawScript;
    private final String rawName;
    private final double target;

    Case(String job, String policy, String rawScript, String rawName, double target) {
      this.job = job;
      this.policy = policy;
      this.rawScript = rawScript;
      this.rawName = rawName;
      this.target = target;
    }

    public String job() {
      return job;
    }

    public String policyResource() {
      return policy;
    }

    public String policyName() {
      return policy.substring(policy.indexOf('/') + 1, policy.lastIndexOf('.'));
    }

    /** Whether the case runs on the partitioned visits rather than the events. */
    public boolean partitioned() {
      return this == PARTITIONS;
    }

    /** The script that makes a fresh copy of the case's table. */
    String restoreScript() {
      return partitioned() ? "bench/restore-partitions.sql" : "bench/restore.sql";
    }

    /** Whether the case's definition is a statistic (in the jobs folder), not a policy. */
    public boolean isStatistic() {
      return this == STATISTICS;
    }

    /** The job file that runs the case. */
    public String jobYaml() {
      return "job: "
          + job
          + "\n"
          + (isStatistic() ? "statistics: [" : "policies: [")
          + policyName()
          + "]\n";
    }

    String rawName() {
      return rawName;
    }

    double target() {
      return target;
    }

    String verb() {
      return switch (this) {
        case DELETE, PARTITIONS -> "deleted";
        case PSEUDONYMISE -> "pseudonymised";
        case STATISTICS -> "aggregated";
      };
    }

    long done(RunReport report) {
      return switch (this) {
        case DELETE, PARTITIONS -> report.deleted();
        case PSEUDONYMISE -> report.pseudonymised();
        case STATISTICS -> report.statistics().get(0).cellsPublished();
      };
    }
  }

  /** What was measured; the ratio is Lethe's rate over the raw statement's. */
  public record Figures(
      Case what,
      long rows,
      long due,
      long letheRows,
      double letheSeconds,
      double jobSeconds,
      long rawRows,
      double rawSeconds,
      long windowedRows,
      double windowedSeconds,
      double warmUpSeconds,
      double compilingSeconds,
      long peakHeapMiB,
      long tokensMatchingPgcrypto,
      long letheCells,
      long rawCells,
      long audited,
      long returningRows,
      double returningSeconds) {

    /** Whether the raw DELETE ... RETURNING the subject was run too (the delete case). */
    public boolean returned() {
      return returningSeconds > 0;
    }

    public double returningRate() {
      return returningRows / returningSeconds;
    }

    public double letheRate() {
      return letheRows / letheSeconds;
    }

    public double rawRate() {
      return rawRows / rawSeconds;
    }

    public double ratio() {
      return letheRate() / rawRate();
    }

    /** Whether the raw statement was also run in Lethe's windows (the delete case). */
    public boolean windowed() {
      return windowedSeconds > 0;
    }

    public double windowedRate() {
      return windowedRows / windowedSeconds;
    }

    /** The ratio of the Spring Batch job alone, without validation, launch and report. */
    public double jobRatio() {
      return (letheRows / jobSeconds) / rawRate();
    }

    /**
     * Whether Lethe and the raw statement did the same: as many rows, token for token; for
     * statistics, as many cells published ({@code tokensMatchingPgcrypto} holds the raw count).
     */
    public boolean agree() {
      return switch (what) {
        case DELETE -> letheRows == rawRows && windowedRows == rawRows && returningRows == rawRows;
        case PARTITIONS -> letheRows == rawRows && audited == letheRows;
        case PSEUDONYMISE -> letheRows == rawRows && tokensMatchingPgcrypto == letheRows;
        case STATISTICS -> letheCells == rawCells;
      };
    }
  }

  public static Figures measure(
      ApplicationContext context,
      BenchData data,
      Case what,
      int window,
      boolean warmUp,
      PrintWriter out) {
    var control = context.getBean(JdbcClient.class);
    if (what.partitioned()) {
      Flags.load(control, data.subjects("partition_holds"), List.of());
    } else {
      Flags.load(control, data.subjects("legal_holds"), data.subjects("restrictions"));
    }
    long rows =
        data.count(
            "SELECT count(*) FROM " + (what.partitioned() ? "visits_pristine" : "events_pristine"));
    long due =
        what.partitioned()
            ? data.count(
                "SELECT count(*) FROM visits_pristine WHERE occurred_at < timestamptz '2026-05-01"
                    + " 00:00:00+00'")
            : what.isStatistic()
                ? data.count(
                    "SELECT count(*) FROM events_pristine e WHERE NOT EXISTS (SELECT 1 FROM"
                        + " restrictions r WHERE r.subject_id = e.subject_id)")
                : data.count(
                    "SELECT count(*) FROM events_pristine WHERE occurred_at < timestamptz '2024-11-01"
                        + " 00:00:00+00'");

    double warmUpSeconds = warmUp ? warmUp(context, control, data, what, out) : 0;
    out.printf(Locale.ROOT, "%s: restoring the table for Lethe ...%n", what.job());
    data.restore(what.restoreScript());
    freshTable(control);
    var heap = new HeapSampler();
    var compiler = ManagementFactory.getCompilationMXBean();
    long compiledBefore = compiler.getTotalCompilationTime();
    long start = System.nanoTime();
    var report =
        context
            .getBean(RunService.class)
            .run(what.job(), AS_OF, "lethe bench", ProgressListener.SILENT)
            .report();
    double letheSeconds = (System.nanoTime() - start) / 1e9;
    double compiling = (compiler.getTotalCompilationTime() - compiledBefore) / 1e3;
    if (!report.status().equals("COMPLETED")) {
      throw new IllegalStateException("the bench's run failed: " + report.exitMessage());
    }
    heap.close();
    long peak = heap.peakMiB();
    // every row the run deleted is in the trail, with its subject
    long audited =
        control
            .sql(
                "SELECT coalesce(sum(total_rows), 0) FROM lethe.audit_entry WHERE kind = 'purge'"
                    + " AND action = 'deleted' AND run_id = ?")
            .param(report.run())
            .query(Long.class)
            .single();
    long matching =
        what == Case.PSEUDONYMISE
            ? data.count(
                "SELECT count(*) FROM events WHERE pseudonymised_at IS NOT NULL AND email ="
                    + " encode(hmac('user' || subject_id || '@example.org', '"
                    + KEY
                    + "', 'sha256'), 'hex')")
            : 0;

    out.printf(Locale.ROOT, "%s: restoring the table for the raw statement ...%n", what.job());
    data.restore(what.restoreScript());
    start = System.nanoTime();
    long raw = what.isStatistic() ? data.rawQuery(what.rawScript) : data.raw(what.rawScript, KEY);
    double rawSeconds = (System.nanoTime() - start) / 1e9;
    double jobSeconds =
        java.time.Duration.between(report.startedAt(), report.endedAt()).toNanos() / 1e9;
    long windowed = 0;
    double windowedSeconds = 0;
    long returning = 0;
    double returningSeconds = 0;
    if (what == Case.DELETE) {
      // the cheapest statement that can say whose rows went: the work Lethe's default audit does
      out.printf(
          Locale.ROOT, "%s: restoring the table for the DELETE ... RETURNING ...%n", what.job());
      data.restore(what.restoreScript());
      start = System.nanoTime();
      returning = data.rawReturning("bench/raw-delete-returning.sql");
      returningSeconds = (System.nanoTime() - start) / 1e9;
      // how much of the gap is chunking itself: the raw statement in Lethe's windows
      out.printf(Locale.ROOT, "%s: restoring the table for the raw windows ...%n", what.job());
      data.restore(what.restoreScript());
      start = System.nanoTime();
      windowed =
          data.rawInWindows("bench/raw-delete-window.sql", "bench/raw-delete-last.sql", window);
      windowedSeconds = (System.nanoTime() - start) / 1e9;
    }
    // a statistic reads every row of its buckets: its rate is rows read; what must agree is cells
    long letheRows = what.isStatistic() ? due : what.done(report);
    long rawRows = what.isStatistic() ? due : raw;
    return new Figures(
        what,
        rows,
        due,
        letheRows,
        letheSeconds,
        jobSeconds,
        rawRows,
        rawSeconds,
        windowed,
        windowedSeconds,
        warmUpSeconds,
        compiling,
        peak,
        matching,
        what.isStatistic() ? what.done(report) : 0,
        what.isStatistic() ? raw : 0,
        audited,
        returning,
        returningSeconds);
  }

  /**
   * Runs the job once on a copy, on another as-of date so that the measured run is a run of its
   * own, and returns how long it took.
   */
  private static double warmUp(
      ApplicationContext context, JdbcClient control, BenchData data, Case what, PrintWriter out) {
    out.printf(Locale.ROOT, "%s: warming up on a copy ...%n", what.job());
    data.restore(what.restoreScript());
    freshTable(control);
    long began = System.nanoTime();
    context
        .getBean(RunService.class)
        .run(what.job(), AS_OF.minusDays(1), "lethe bench warm-up", ProgressListener.SILENT);
    double seconds = (System.nanoTime() - began) / 1e9;
    if (what.isStatistic()) {
      // a statistic's buckets are computed once: forget the warm-up's, or the measured run would
      // compute only the day since
      for (var table : List.of("lethe.statistic_cell", "lethe.statistic_bucket")) {
        control
            .sql("DELETE FROM " + table + " WHERE statistic = ?")
            .param(what.policyName())
            .update();
      }
    }
    return seconds;
  }

  /**
   * The restored table is a copy no purge has reached into: an earlier case's delete steps (on the
   * same store and table name) must not keep its statistic from its buckets.
   */
  private static void freshTable(JdbcClient control) {
    control.sql("DELETE FROM lethe.purge_reach").update();
  }
}
