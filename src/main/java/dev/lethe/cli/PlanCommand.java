package dev.lethe.cli;

import dev.lethe.retention.PlanService;
import dev.lethe.retention.RunClock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lethe plan JOB}: the dry-run. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description =
        "Dry-run: per policy, the rows that would go and those held back by holds, restrictions"
            + " and references. Nothing changes.")
class PlanCommand implements Callable<Integer> {

  @Mixin AsOfOption asOf;

  @Parameters(paramLabel = "JOB", description = "the job to plan, by name")
  String job;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (var context = Contexts.runtime(LetheCommand.options(spec))) {
      var plan =
          context
              .getBean(PlanService.class)
              .plan(job, asOf.orToday(context.getBean(RunClock.class)));
      spec.commandLine().getOut().print(plan.render());
      // the run this plan foresees would fail: say so to scripts too
      return plan.trip() == null && !plan.unreadable() ? Lethe.DONE : Lethe.FAILED;
    }
  }
}
