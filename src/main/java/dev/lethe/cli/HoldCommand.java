package dev.lethe.cli;

import dev.lethe.hold.Hold;
import dev.lethe.hold.HoldScope;
import dev.lethe.hold.HoldService;
import dev.lethe.policy.Definitions;
import dev.lethe.policy.PolicyCatalogue;
import dev.lethe.policy.Problems;
import dev.lethe.store.StoreRegistry;
import dev.lethe.system.BadInputException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lethe hold ...}: legal holds, placed and released by compliance. */
@Command(
    name = "hold",
    mixinStandardHelpOptions = true,
    description = "Place, release and list legal holds.",
    subcommands = {HoldCommand.Place.class, HoldCommand.Release.class, HoldCommand.ListHolds.class})
class HoldCommand {

  static String who() {
    return OsUser.name();
  }

  static void print(PrintWriter out, Hold h) {
    out.printf(
        Locale.ROOT,
        "%-5d %-20s %-24s %-18s %-20s %s%s%n",
        h.id(),
        h.subject(),
        h.scope(),
        h.caseReference(),
        h.placedBy() + " " + h.placedAt().toString().substring(0, 10),
        h.reason(),
        h.active()
            ? ""
            : " (released "
                + h.releasedAt()
                + " by "
                + h.releasedBy()
                + ": "
                + h.releaseReason()
                + ")");
  }

  @Command(
      name = "place",
      mixinStandardHelpOptions = true,
      description = "Place a legal hold on a subject.")
  static class Place implements Callable<Integer> {

    @Option(names = "--subject", paramLabel = "ID", description = "the subject key")
    String subject;

    @Option(
        names = "--from-file",
        paramLabel = "FILE",
        description =
            "hold every subject of FILE (UTF-8, one key per line; blank lines and lines starting"
                + " with # are skipped), all under the same case, all or none")
    java.nio.file.Path fromFile;

    @Option(names = "--policy", paramLabel = "NAME", description = "narrow the hold to one policy")
    String policy;

    @Option(
        names = "--category",
        paramLabel = "NAME",
        description = "narrow the hold to one category")
    String category;

    @Option(
        names = "--case",
        required = true,
        paramLabel = "REF",
        description = "the case reference")
    String caseReference;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "why the data is kept")
    String reason;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.records(LetheCommand.options(spec))) {
        // a hold must be placeable even while some policy file is broken: the others count
        var definitions = context.getBean(PolicyCatalogue.class).read(new Problems());
        scope().covered(definitions);
        if (fromFile != null) {
          return placeAll(context, definitions);
        }
        if (subject == null) {
          throw new BadInputException(
              "--subject is missing. Fix: give the subject key to hold, or --from-file with one"
                  + " key per line");
        }
        scope()
            .checkSubject(
                subject,
                definitions,
                context.getBean(StoreRegistry.class),
                context.getBean(java.time.Clock.class));
        var hold =
            context
                .getBean(HoldService.class)
                .place(subject, policy, category, caseReference, reason, who());
        spec.commandLine()
            .getOut()
            .printf(
                Locale.ROOT,
                "Hold %d placed on %s for case %s.%n",
                hold.id(),
                hold.scope(),
                hold.caseReference());
        return Lethe.DONE;
      }
    }

    private int placeAll(
        org.springframework.context.ConfigurableApplicationContext context,
        Definitions definitions) {
      if (subject != null) {
        throw new BadInputException(
            "--subject and --from-file both given. Fix: give one subject with --subject, or many"
                + " in the file");
      }
      var subjects = SubjectFile.read(fromFile);
      var covered = scope().covered(definitions);
      var check =
          context
              .getBean(StoreRegistry.class)
              .subjectCheck(
                  covered, HoldScope.asOfNow(context.getBean(java.time.Clock.class), covered));
      for (var line : subjects.lines()) {
        check
            .apply(line.key())
            .ifPresent(
                columns -> {
                  throw new BadInputException(
                      fromFile
                          + ", line "
                          + line.number()
                          + ": "
                          + line.key()
                          + " cannot be the subject of any policy the hold covers ("
                          + columns
                          + "), so its hold would keep nothing; no hold was placed. Fix: give the"
                          + " key as the stores hold it, or remove the line");
                });
      }
      var placed =
          context
              .getBean(HoldService.class)
              .placeAll(subjects.keys(), policy, category, caseReference, reason, who());
      spec.commandLine()
          .getOut()
          .printf(
              Locale.ROOT,
              "%d holds placed (ids %d to %d) on %s for case %s%s.%n",
              placed.count(),
              placed.first(),
              placed.last(),
              placed.scope(),
              placed.caseReference(),
              subjects.repeated() == 0
                  ? ""
                  : "; a key repeated on " + subjects.repeated() + " line(s) was held once");
      return Lethe.DONE;
    }

    private HoldScope scope() {
      return new HoldScope(policy, category);
    }
  }

  @Command(name = "release", mixinStandardHelpOptions = true, description = "Release a legal hold.")
  static class Release implements Callable<Integer> {

    @Parameters(paramLabel = "HOLD", description = "the hold id (see 'lethe hold list')")
    long id;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "why it is released")
    String reason;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.records(LetheCommand.options(spec))) {
        var hold = context.getBean(HoldService.class).release(id, reason, who());
        spec.commandLine()
            .getOut()
            .printf(Locale.ROOT, "Hold %d (case %s) released.%n", hold.id(), hold.caseReference());
        return Lethe.DONE;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List legal holds.")
  static class ListHolds implements Callable<Integer> {

    @Option(names = "--all", description = "include released holds")
    boolean all;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.records(LetheCommand.options(spec))) {
        var out = spec.commandLine().getOut();
        out.printf(
            Locale.ROOT,
            "%-5s %-20s %-24s %-18s %-20s %s%n",
            "id",
            "subject",
            "covers",
            "case",
            "placed",
            "reason");
        context.getBean(HoldService.class).list(all).forEach(h -> print(out, h));
        return Lethe.DONE;
      }
    }
  }
}
