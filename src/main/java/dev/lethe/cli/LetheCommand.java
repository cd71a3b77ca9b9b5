package dev.lethe.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lethe}: the top of the command line. */
@Command(
    name = "lethe",
    mixinStandardHelpOptions = true,
    version = "lethe 0.1.0",
    description =
        "Purges personal data whose retention has run out, honouring holds and restrictions.",
    subcommands = {
      ValidateCommand.class,
      PlanCommand.class,
      RunCommand.class,
      RunsCommand.class,
      RestartCommand.class,
      ServeCommand.class,
      ReportCommand.class,
      StatsCommand.class,
      ObjectCommand.class,
      RequestCommand.class,
      AuditCommand.class,
      HoldCommand.class,
      RestrictCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      HashPasswordCommand.class
    })
public class LetheCommand implements Runnable {

  @Mixin GlobalOptions options;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The global options, wherever on the command line they were given. */
  static GlobalOptions options(picocli.CommandLine.Model.CommandSpec spec) {
    return ((LetheCommand) spec.root().userObject()).options;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
