package dev.lethe.cli;

import dev.lethe.retention.PolicyProgress;
import dev.lethe.retention.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows a long run's progress on a terminal, one line per policy rewritten after every window:
 * which policy of how many, expired rows seen, rows changed, and the rate of the changes since the
 * policy began (none shown before half a second). Silent when the output is not a terminal.
 */
final class TerminalProgress implements ProgressListener {

  /** Less time than this gives no rate worth showing: one window's rows over nothing. */
  private static final double SHORTEST = 0.5;

  private final PrintWriter err;
  private final LongSupplier nanoTime;
  private String current;
  private long policyStarted;
  private long lastWindow;
  private boolean shown;

  TerminalProgress(PrintWriter err, LongSupplier nanoTime) {
    this.err = err;
    this.nanoTime = nanoTime;
    // a policy's time runs from the end of the one before it (the first's from the run's start):
    // its first window is work done, not the moment it began
    this.lastWindow = nanoTime.getAsLong();
  }

  static ProgressListener forConsole(PrintWriter err) {
    return System.console() == null
        ? ProgressListener.SILENT
        : new TerminalProgress(err, System::nanoTime);
  }

  @Override
  public void windowDone(String policy, int step, int steps, PolicyProgress progress) {
    long now = nanoTime.getAsLong();
    if (!policy.equals(current)) {
      if (current != null) {
        err.println();
      }
      current = policy;
      policyStarted = lastWindow;
    }
    lastWindow = now;
    double seconds = (now - policyStarted) / 1e9;
    err.printf(
        Locale.ROOT,
        "\rstep %d/%d %-30s %,12d rows due, %,12d done, %s",
        step,
        steps,
        policy,
        progress.examined(),
        progress.changed(),
        seconds < SHORTEST
            ? String.format(Locale.ROOT, "%10s rows/s", "-")
            : String.format(Locale.ROOT, "%,10.0f rows/s", progress.changed() / seconds));
    err.flush();
    shown = true;
  }

  @Override
  public void runEnded() {
    if (shown) {
      err.println(); // the summary starts on a line of its own
      err.flush();
      shown = false;
    }
  }
}
