package dev.lethe.bench;

import dev.lethe.bench.Bench.Case;
import dev.lethe.bench.Bench.Figures;
import java.util.Locale;

/** What {@code lethe bench} prints of one case's figures. */
public final class BenchText {

  private BenchText() {}

  public static String render(Figures f, int windowSize) {
    var text =
        String.format(
            Locale.ROOT,
            """

            %s: %,d rows, %,d past the stage; 1%% of subjects held, 0.5%% restricted
            %-34s %14s %10s %14s
            %-34s %,14d %9.2fs %,14.0f
            %-34s %,14d %9.2fs %,14.0f
            ratio Lethe / raw SQL: %.2f   (target: at least %.1f)
            of Lethe's time, the Batch job itself: %.2fs (ratio %.2f); the rest is validating
            the policies against the catalog, launching the job and writing the report
            peak heap during Lethe's run: %d MiB
            """,
            f.what().name().toLowerCase(Locale.ROOT),
            f.rows(),
            f.due(),
            "",
            f.what().verb(),
            "time",
            "rows/s",
            "Lethe (windows of " + windowSize + " rows)",
            f.letheRows(),
            f.letheSeconds(),
            f.letheRate(),
            "raw SQL (" + f.what().rawName() + ")",
            f.rawRows(),
            f.rawSeconds(),
            f.rawRate(),
            f.ratio(),
            f.what().target(),
            f.jobSeconds(),
            f.jobRatio(),
            f.peakHeapMiB());
    if (f.windowed()) {
      text +=
          String.format(
              Locale.ROOT,
              """
              %-34s %,14d %9.2fs %,14.0f
              ratio Lethe / raw SQL in windows: %.2f; raw SQL in windows / one DELETE: %.2f
              (the raw windows: one DELETE per window of %d ids, one transaction each, one at a
              time, as ../shared/bench's Br; Lethe runs lethe.parallel-windows of them at once)
              """,
              "raw SQL (the DELETE in windows)",
              f.windowedRows(),
              f.windowedSeconds(),
              f.windowedRate(),
              f.letheRate() / f.windowedRate(),
              f.windowedRate() / f.rawRate(),
              windowSize);
    }
    if (f.what() == Case.STATISTICS) {
      text +=
          String.format(
              Locale.ROOT,
              "cells published: Lethe %,d, the raw statement %,d%n",
              f.letheCells(),
              f.rawCells());
    }
    if (f.what() == Case.PSEUDONYMISE) {
      text +=
          String.format(
              Locale.ROOT,
              "tokens equal to pgcrypto's hmac() of the same value: %,d of %,d%n",
              f.tokensMatchingPgcrypto(),
              f.letheRows());
    }
    return text;
  }
}
