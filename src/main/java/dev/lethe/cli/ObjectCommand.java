package dev.lethe.cli;

import dev.lethe.hold.ObjectionService;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lethe object ...}: objections to processing for a purpose (GDPR art. 21). */
@Command(
    name = "object",
    mixinStandardHelpOptions = true,
    description =
        "Record, lift and list objections to processing: an objection to analytics leaves the"
            + " subject out of every statistic.",
    subcommands = {
      ObjectCommand.Place.class,
      ObjectCommand.Lift.class,
      ObjectCommand.ListAll.class
    })
class ObjectCommand {

  @Command(name = "place", mixinStandardHelpOptions = true, description = "Record an objection.")
  static class Place implements Callable<Integer> {

    @Mixin SubjectAndPurpose objection;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.records(LetheCommand.options(spec))) {
        var placement =
            context
                .getBean(ObjectionService.class)
                .place(objection.subject, objection.purpose, HoldCommand.who());
        spec.commandLine().getOut().println(placement.words());
        return Lethe.DONE;
      }
    }
  }

  @Command(name = "lift", mixinStandardHelpOptions = true, description = "Lift an objection.")
  static class Lift implements Callable<Integer> {

    @Mixin SubjectAndPurpose objection;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.records(LetheCommand.options(spec))) {
        var o =
            context
                .getBean(ObjectionService.class)
                .lift(objection.subject, objection.purpose, HoldCommand.who());
        spec.commandLine().getOut().printf(Locale.ROOT, "Objection %d lifted.%n", o.id());
        return Lethe.DONE;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List objections.")
  static class ListAll implements Callable<Integer> {

    @Option(names = "--all", description = "include lifted objections")
    boolean all;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.records(LetheCommand.options(spec))) {
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-5s %-20s %-10s %s%n", "id", "subject", "purpose", "placed");
        for (var o : context.getBean(ObjectionService.class).list(all)) {
          out.printf(
              Locale.ROOT,
              "%-5d %-20s %-10s %s%s%n",
              o.id(),
              o.subject(),
              o.purpose(),
              o.placedBy() + " " + o.placedAt(),
              o.liftedAt() == null ? "" : " (lifted " + o.liftedAt() + ")");
        }
        return Lethe.DONE;
      }
    }
  }

  /** Whose objection, to what: the options place and lift share. */
  static class SubjectAndPurpose {

    @Option(
        names = "--subject",
        required = true,
        paramLabel = "ID",
        description = "the subject key")
    String subject;

    @Option(
        names = "--purpose",
        required = true,
        paramLabel = "PURPOSE",
        description = "analytics or marketing")
    String purpose;
  }
}
