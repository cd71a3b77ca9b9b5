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

  LocalDate orToday(RunClock clock) {
    return asOf != null ? asOf : clock.today();
  }
}
