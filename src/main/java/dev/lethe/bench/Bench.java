package dev.lethe.bench;

import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.RunService;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.time.LocalDate;
import java.util.Locale;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs Lethe's purge and the raw SQL DELETE with the same predicate on identical copies of one
 * table, one after the other in the same process, and reports rows per second for each.
 */
public final class Bench {

  /** The as-of date of the bench's run: the anchor of its data, two years after the cutoff. */
  public static final LocalDate AS_OF = LocalDate.of(2026, 11, 1);

  private Bench() {}

  /** What was measured; the ratio is Lethe's rate over the raw statement's. */
  public record Figures(
      long rows,
      long expired,
      long letheDeleted,
      double letheSeconds,
      double jobSeconds,
      long rawDeleted,
      double rawSeconds,
      long peakHeapMiB) {

    public double letheRate() {
      return letheDeleted / letheSeconds;
    }

    public double rawRate() {
      return rawDeleted / rawSeconds;
    }

    public double ratio() {
      return letheRate() / rawRate();
    }

    /** The ratio of the Spring Batch job alone, without validation, launch and report. */
    public double jobRatio() {
      return (letheDeleted / jobSeconds) / rawRate();
    }
  }

  public static Figures measure(ApplicationContext context, BenchData data, PrintWriter out) {
    var control = context.getBean(JdbcClient.class);
    Flags.load(control, data.subjects("legal_holds"), data.subjects("restrictions"));
    long rows = data.count("SELECT count(*) FROM events_pristine");
    long expired =
        data.count(
            "SELECT count(*) FROM events_pristine WHERE occurred_at < timestamptz '2024-11-01 00:00:00+00'");

    out.println("restoring the table for Lethe ...");
    data.restore();
    resetPeakHeap();
    long start = System.nanoTime();
    var report =
        context
            .getBean(RunService.class)
            .run("bench", AS_OF, "lethe bench", ProgressListener.SILENT)
            .report();
    double letheSeconds = (System.nanoTime() - start) / 1e9;
    if (!report.status().equals("COMPLETED")) {
      throw new IllegalStateException("the bench's run failed: " + report.exitMessage());
    }
    long peak = peakHeapMiB();

    out.println("restoring the table for the raw DELETE ...");
    data.restore();
    start = System.nanoTime();
    long rawDeleted = data.rawDelete();
    double rawSeconds = (System.nanoTime() - start) / 1e9;
    double jobSeconds =
        java.time.Duration.between(report.startedAt(), report.endedAt()).toNanos() / 1e9;
    return new Figures(
        rows, expired, report.deleted(), letheSeconds, jobSeconds, rawDeleted, rawSeconds, peak);
  }

  public static String render(Figures f, int windowSize) {
    return String.format(
        Locale.ROOT,
        """

        %,d rows, %,d past retention; 1%% of subjects held, 0.5%% restricted
        %-34s %12s %10s %14s
        %-34s %,12d %9.2fs %,14.0f
        %-34s %,12d %9.2fs %,14.0f
        ratio Lethe / raw SQL: %.2f   (target: at least 0.9)
        of Lethe's time, the Batch job itself: %.2fs (ratio %.2f); the rest is validating
        the policies against the catalog, launching the job and writing the report
        peak heap during Lethe's run: %d MiB
        """,
        f.rows(),
        f.expired(),
        "",
        "deleted",
        "time",
        "rows/s",
        "Lethe (windows of " + windowSize + " rows)",
        f.letheDeleted(),
        f.letheSeconds(),
        f.letheRate(),
        "raw SQL (one DELETE)",
        f.rawDeleted(),
        f.rawSeconds(),
        f.rawRate(),
        f.ratio(),
        f.jobSeconds(),
        f.jobRatio(),
        f.peakHeapMiB());
  }

  private static void resetPeakHeap() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .forEach(java.lang.management.MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peakHeapMiB() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .mapToLong(p -> p.getPeakUsage().getUsed())
            .sum()
        / (1024 * 1024);
  }
}
