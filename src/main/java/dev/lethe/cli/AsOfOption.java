package dev.lethe.cli;

import dev.lethe.retention.RunClock;
import java.time.LocalDate;
import picocli.CommandLine.Option;

/** {@code --as-of DATE}: the day a run treats as today, so that it can be reproduced. */
class AsOfOption {

  @Option(
      names = "--as-of",
      paramLabel = "DATE",
      description = "the day the run treats as today, as YYYY-MM-DD (default: today)")
  LocalDate asOf;

  /** The earliest and the latest day a run may be as of: beyond them a cutoff is not a date. */
  static final LocalDate EARLIEST = LocalDate.of(1900, 1, 1);

  static final LocalDate LATEST = LocalDate.of(2999, 12, 31);

  LocalDate orToday(RunClock clock) {
    if (asOf != null && (asOf.isBefore(EARLIEST) || asOf.isAfter(LATEST))) {
      throw new dev.lethe.system.BadInputException(
          "--as-of "
              + asOf
              + " is outside the days Lethe computes retention for ("
              + EARLIEST
              + " to "
              + LATEST
              + "). Fix: give a day in that range, such as today ("
              + clock.today()
              + ")");
    }
    return asOf != null ? asOf : clock.today();
  }
}
