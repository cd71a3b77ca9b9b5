package dev.lethe.cli;

import dev.lethe.report.ReportService;
import dev.lethe.report.ReportText;
import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.RunService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lethe restart RUN}: goes on with a failed or stopped run where it stopped. */
@Command(
    name = "restart",
    mixinStandardHelpOptions = true,
    description =
        "Restart a failed or stopped run where it stopped: the same job and as-of date, continuing"
            + " after its last committed window.")
class RestartCommand implements Callable<Integer> {

  @Parameters(paramLabel = "RUN", description = "the run id (see 'lethe runs')")
  long run;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (var context = Contexts.runtime(LetheCommand.options(spec))) {
      var report = context.getBean(ReportService.class).reportOf(run);
      var outcome =
          context
              .getBean(RunService.class)
              .run(
                  report.job(),
                  report.asOf(),
                  RunCommand.startedBy() + " (restart of run " + run + ")",
                  ProgressListener.SILENT);
      if (outcome.alreadyCompleted()) {
        spec.commandLine()
            .getOut()
            .printf(
                "Run %d's job %s as of %s has completed (run %d); nothing to restart.%n%n",
                run, report.job(), report.asOf(), outcome.report().run());
      }
      spec.commandLine().getOut().print(ReportText.render(outcome.report()));
      return outcome.failed() ? Lethe.FAILED : Lethe.DONE;
    }
  }
}
