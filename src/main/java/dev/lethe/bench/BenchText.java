package dev.lethe.bench;

import dev.lethe.bench.Bench.Case;
import dev.lethe.bench.Bench.Figures;
import java.util.Locale;

/** What {@code lethe bench} prints of one case's figures. */
public final class BenchText {

  private BenchText() {}

  /** The width of the first column of the table: the longest label fits. */
  private static final String ROW = "%-38s %,14d %9.2fs %,14.0f%n";

  public static String render(Figures f, int windowSize) {
    var text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "%n%s: %,d rows, %,d past the stage; %s%n" + "%-38s %14s %10s %14s%n",
            f.what().name().toLowerCase(Locale.ROOT),
            f.rows(),
            f.due(),
            f.what().partitioned()
                ? "twelve monthly partitions, six wholly past a six-month retention; 30 subjects"
                    + " held"
                : "1% of subjects held, 0.5% restricted",
            "",
            f.what().verb(),
            "time",
            "rows/s"));
    var lethe =
        f.what() == Case.STATISTICS
            ? "Lethe (one job)"
            : String.format(Locale.ROOT, "Lethe (windows of %,d rows)", windowSize);
    text.append(row(lethe, f.letheRows(), f.letheSeconds(), f.letheRate()));
    text.append(
        row("raw SQL (" + f.what().rawName() + ")", f.rawRows(), f.rawSeconds(), f.rawRate()));
    if (f.returned()) {
      text.append(
          row(
              "raw SQL (DELETE ... RETURNING subject)",
              f.returningRows(),
              f.returningSeconds(),
              f.returningRate()));
    }
    if (f.windowed()) {
      text.append(
          row(
              "raw SQL (that DELETE in windows)",
              f.windowedRows(),
              f.windowedSeconds(),
              f.windowedRate()));
    }
    text.append(
        String.format(
            Locale.ROOT,
            """
            ratio Lethe / raw SQL: %.2f   (target: at least %.1f)
            of Lethe's time, the Batch job itself: %.2fs (ratio %.2f); the rest is validating
            the policies against the catalog, launching the job and writing the report
            """,
            f.ratio(),
            f.what().target(),
            f.jobSeconds(),
            f.jobRatio()));
    if (f.returned()) {
      text.append(
          String.format(
              Locale.ROOT,
              "ratio Lethe / DELETE ... RETURNING subject, every row read: %.2f (job alone %.2f);"
                  + " the target%nagainst equal work: at least 0.8 with the default audit (whose"
                  + " rows went), 0.9 of one DELETE with audit: counts%n",
              f.letheRate() / f.returningRate(),
              (f.letheRows() / f.jobSeconds()) / f.returningRate()));
    }
    if (f.windowed()) {
      text.append(
          String.format(
              Locale.ROOT,
              """
              ratio Lethe / raw SQL in windows: %.2f; raw SQL in windows / one DELETE: %.2f
              (the raw windows: one DELETE per window of %,d ids, one transaction each, one at a
              time, as ../shared/bench's Br; Lethe runs lethe.parallel-windows of them at once)
              """,
              f.letheRate() / f.windowedRate(),
              f.windowedRate() / f.rawRate(),
              windowSize));
    }
    text.append(
        f.warmUpSeconds() > 0
            ? String.format(
                Locale.ROOT,
                "after a warm-up run of the job on a copy (%.2fs), as in a long run; the JVM's"
                    + "%ncompiler threads still worked %.2fs during Lethe's run%n",
                f.warmUpSeconds(),
                f.compilingSeconds())
            : String.format(
                Locale.ROOT,
                "without a warm-up run: the JVM's compiler threads worked %.2fs during Lethe's run,"
                    + "%non the cores the database needs; a long run hardly notices (--warm-up"
                    + " measures after one run)%n",
                f.compilingSeconds()));
    text.append(
        String.format(
            Locale.ROOT,
            "peak heap during Lethe's run: %d MiB in use at once, of the %d MiB the JVM may use"
                + " (LETHE_JAVA_OPTS=-Xmx256m sets it)%n",
            f.peakHeapMiB(),
            Runtime.getRuntime().maxMemory() / (1024 * 1024)));
    if (f.what() == Case.STATISTICS) {
      text.append(
          String.format(
              Locale.ROOT,
              "cells published: Lethe %,d, the raw statement %,d%n",
              f.letheCells(),
              f.rawCells()));
    }
    if (f.what().partitioned()) {
      text.append(
          String.format(
              Locale.ROOT,
              "rows in the audit trail with their subjects: %,d of %,d deleted%n"
                  + "the raw statement: %s%n",
              f.audited(),
              f.letheRows(),
              dev.lethe.system.SqlScripts.text("bench/raw-delete-partitions.sql")
                  .strip()
                  .replaceAll("\\s+", " ")));
    }
    if (f.what() == Case.PSEUDONYMISE) {
      text.append(
          String.format(
              Locale.ROOT,
              "tokens equal to pgcrypto's hmac() of the same value: %,d of %,d%n",
              f.tokensMatchingPgcrypto(),
              f.letheRows()));
    }
    return text.toString();
  }

  private static String row(String label, long rows, double seconds, double rate) {
    return String.format(Locale.ROOT, ROW, label, rows, seconds, rate);
  }
}
