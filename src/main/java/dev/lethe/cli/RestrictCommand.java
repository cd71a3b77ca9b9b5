package dev.lethe.cli;

import dev.lethe.hold.RestrictionService;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lethe restrict ...}: restriction-of-processing flags. */
@Command(
    name = "restrict",
    mixinStandardHelpOptions = true,
    description = "Place, lift and list restrictions of processing.",
    subcommands = {
      RestrictCommand.Place.class,
      RestrictCommand.Lift.class,
      RestrictCommand.ListFlags.class
    })
class RestrictCommand {

  @Command(
      name = "place",
      mixinStandardHelpOptions = true,
      description = "Restrict processing of a subject's data.")
  static class Place implements Callable<Integer> {

    @Option(
        names = "--subject",
        required = true,
        paramLabel = "ID",
        description = "the subject key")
    String subject;

    @Option(
        names = "--grounds",
        required = true,
        paramLabel = "GROUNDS",
        description = "the grounds (GDPR art. 18)")
    String grounds;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.records(LetheCommand.options(spec))) {
        var r =
            context.getBean(RestrictionService.class).place(subject, grounds, HoldCommand.who());
        spec.commandLine().getOut().printf(Locale.ROOT, "Restriction %d placed.%n", r.id());
        return Lethe.DONE;
      }
    }
  }

  @Command(
      name = "lift",
      mixinStandardHelpOptions = true,
      description = "Lift a subject's restriction.")
  static class Lift implements Callable<Integer> {

    @Option(
        names = "--subject",
        required = true,
        paramLabel = "ID",
        description = "the subject key")
    String subject;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.records(LetheCommand.options(spec))) {
        var r = context.getBean(RestrictionService.class).lift(subject, HoldCommand.who());
        spec.commandLine().getOut().printf(Locale.ROOT, "Restriction %d lifted.%n", r.id());
        return Lethe.DONE;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List restrictions.")
  static class ListFlags implements Callable<Integer> {

    @Option(names = "--all", description = "include lifted restrictions")
    boolean all;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.records(LetheCommand.options(spec))) {
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-5s %-20s %-30s %s%n", "id", "subject", "grounds", "placed");
        for (var r : context.getBean(RestrictionService.class).list(all)) {
          out.printf(
              Locale.ROOT,
              "%-5d %-20s %-30s %s%s%n",
              r.id(),
              r.subject(),
              r.grounds(),
              r.placedBy() + " " + r.placedAt(),
              r.active() ? "" : " (lifted " + r.liftedAt() + " by " + r.liftedBy() + ")");
        }
        return Lethe.DONE;
      }
    }
  }
}
