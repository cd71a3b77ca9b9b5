package dev.lethe.cli;

import dev.lethe.retention.PolicyProgress;
import dev.lethe.retention.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows a long run's progress on a terminal, one line per policy rewritten after every window:
 * which policy of how many, expired rows seen, rows deleted, and the policy's rate. Silent when the
 * output is not a terminal.
 */
final class TerminalProgress implements ProgressListener {

  private final PrintWriter err;
  private final LongSupplier nanoTime;
  private String current;
  private long policyStarted;

  TerminalProgress(PrintWriter err, LongSupplier nanoTime) {
    this.err = err;
    this.nanoTime = nanoTime;
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
      policyStarted = now;
    }
    double seconds = Math.max((now - policyStarted) / 1e9, 0.001);
    err.printf(
        Locale.ROOT,
        "\rstep %d/%d %-30s %,12d rows due, %,12d done, %,10.0f rows/s",
        step,
        steps,
        policy,
        progress.examined(),
        progress.changed(),
        progress.examined() / seconds);
    err.flush();
  }
}
