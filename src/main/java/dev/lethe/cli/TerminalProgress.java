package dev.lethe.cli;

import dev.lethe.retention.PolicyProgress;
import dev.lethe.retention.ProgressListener;
import java.io.PrintWriter;

/** Shows a long run's progress on a terminal: policy, rows done, rate. Silent when piped. */
final class TerminalProgress implements ProgressListener {

  private final PrintWriter err;
  private final long started = System.nanoTime();
  private String current;

  private TerminalProgress(PrintWriter err) {
    this.err = err;
  }

  static ProgressListener forConsole(PrintWriter err) {
    return System.console() == null ? ProgressListener.SILENT : new TerminalProgress(err);
  }

  @Override
  public void windowDone(String policy, PolicyProgress progress) {
    if (current != null && !current.equals(policy)) {
      err.println();
    }
    current = policy;
    double seconds = Math.max((System.nanoTime() - started) / 1e9, 0.001);
    err.printf(
        "\r%-24s %,12d expired rows seen, %,12d deleted, %,10.0f rows/s",
        policy, progress.examined(), progress.deleted(), progress.examined() / seconds);
    err.flush();
  }
}
