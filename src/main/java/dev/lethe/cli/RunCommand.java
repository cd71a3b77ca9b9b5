package dev.lethe.cli;

import dev.lethe.report.ReportText;
import dev.lethe.retention.RunClock;
import dev.lethe.retention.RunService;
import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lethe run JOB}: runs, or restarts, a job for an as-of date. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Run a job for an as-of date. A failed or interrupted run of the same job and date is"
            + " restarted where it stopped; a completed one is not run again.")
class RunCommand implements Callable<Integer> {

  @Mixin AsOfOption asOf;

  @Parameters(paramLabel = "JOB", description = "the job to run, by name")
  String job;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // SIGTERM: stop after the window in hand, record the report, close the pools, then let the
    // JVM go: the hook waits for all of it, in that order
    var finished = new java.util.concurrent.CountDownLatch(1);
    try {
      return run(finished);
    } finally {
      finished.countDown();
    }
  }

  private Integer run(java.util.concurrent.CountDownLatch finished) {
    try (var context = Contexts.runtime(LetheCommand.options(spec))) {
      var out = spec.commandLine().getOut();
      var date = asOf.orToday(context.getBean(RunClock.class));
      var runs = context.getBean(RunService.class);
      var done = new java.util.concurrent.CountDownLatch(1);
      var stop = new Thread(() -> stopAndWait(runs, finished), "lethe-run-stop");
      Runtime.getRuntime().addShutdownHook(stop);
      RunService.Outcome outcome;
      try {
        outcome =
            runs.run(
                job, date, startedBy(), TerminalProgress.forConsole(spec.commandLine().getErr()));
      } finally {
        done.countDown();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for this report
      }
      if (outcome.alreadyCompleted()) {
        out.printf(
            Locale.ROOT,
            "Job %s already completed for %s (run %d); nothing to do.%n%n",
            job,
            date,
            outcome.report().run());
      }
      out.print(ReportText.render(outcome.report()));
      return outcome.failed() ? Lethe.FAILED : Lethe.DONE;
    }
  }

  private static void stopAndWait(RunService runs, java.util.concurrent.CountDownLatch done) {
    runs.stopAll();
    try {
      done.await(5, java.util.concurrent.TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String startedBy() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown host";
    }
    return "command line, " + OsUser.name() + "@" + host;
  }
}
