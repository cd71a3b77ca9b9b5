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
    try (var context = Contexts.runtime(LetheCommand.options(spec))) {
      var out = spec.commandLine().getOut();
      var date = asOf.orToday(context.getBean(RunClock.class));
      var outcome =
          context
              .getBean(RunService.class)
              .run(
                  job, date, startedBy(), TerminalProgress.forConsole(spec.commandLine().getErr()));
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

  static String startedBy() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown host";
    }
    return "command line, " + System.getProperty("user.name") + "@" + host;
  }
}
