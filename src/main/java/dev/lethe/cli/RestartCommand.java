package dev.lethe.cli;

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
      // the run as the job repository knows it: a run that ended before it could record its
      // report (a killed process) has none
      var execution =
          context
              .getBean(org.springframework.batch.core.repository.JobRepository.class)
              .getJobExecution(run);
      if (execution == null
          || execution.getJobParameters().getString(dev.lethe.retention.RunService.AS_OF) == null) {
        throw new dev.lethe.system.BadInputException(
            "no run " + run + ". Fix: see 'lethe runs' for the runs and their ids");
      }
      var jobName = execution.getJobInstance().getJobName();
      var asOfDate =
          java.time.LocalDate.parse(
              execution.getJobParameters().getString(dev.lethe.retention.RunService.AS_OF));
      var outcome =
          context
              .getBean(RunService.class)
              .run(
                  jobName,
                  asOfDate,
                  RunCommand.startedBy() + " (restart of run " + run + ")",
                  ProgressListener.SILENT);
      if (outcome.alreadyCompleted()) {
        spec.commandLine()
            .getOut()
            .printf(
                "Run %d's job %s as of %s has completed (run %d); nothing to restart.%n%n",
                run, jobName, asOfDate, outcome.report().run());
      }
      spec.commandLine().getOut().print(ReportText.render(outcome.report()));
      return outcome.failed() ? Lethe.FAILED : Lethe.DONE;
    }
  }
}
