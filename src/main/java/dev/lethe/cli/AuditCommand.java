package dev.lethe.cli;

import dev.lethe.audit.AuditEntry;
import dev.lethe.audit.AuditTrail;
import dev.lethe.audit.AuditVerifier;
import dev.lethe.system.BadInputException;
import dev.lethe.system.LetheProperties;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lethe audit ...}: the tamper-evident trail of every change Lethe made. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Check the audit trail, or show what Lethe did to one subject's data.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Subject.class})
class AuditCommand {

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Check every entry's place and hash, and every stored report and report file against"
              + " the trail; name the first break. Exit 0: intact; 1: broken.")
  static class Verify implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.runtime(LetheCommand.options(spec))) {
        var result =
            context
                .getBean(AuditVerifier.class)
                .verify(context.getBean(LetheProperties.class).reports());
        var out = spec.commandLine().getOut();
        if (result.intact()) {
          out.printf(
              Locale.ROOT,
              "The audit trail is intact: %d entries, every stored report as recorded.%n",
              result.entries());
          return Lethe.DONE;
        }
        out.printf(
            Locale.ROOT,
            "The audit trail is BROKEN (%d entries read). First: %s%n",
            result.entries(),
            result.breaks().get(0));
        for (var more : result.breaks().subList(1, result.breaks().size())) {
          out.println("  then: " + more);
        }
        return Lethe.FAILED;
      }
    }
  }

  @Command(
      name = "subject",
      mixinStandardHelpOptions = true,
      description =
          "What Lethe did to one subject's data, when, and under which policy: found through the"
              + " subject's token, as the trail records no key.")
  static class Subject implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "the subject key, as the stores hold it")
    String subject;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (subject.isBlank()) {
        throw new BadInputException("the subject key is empty. Fix: give it, such as 42");
      }
      try (var context = Contexts.runtime(LetheCommand.options(spec))) {
        var audit = context.getBean(AuditTrail.class);
        // under every key of the ring, and as each token a stage may have made of the key
        var prefixes = audit.prefixes(subject);
        if (prefixes.isEmpty()) {
          throw new BadInputException(
              "the trail knows subjects only by their token, and no pseudonymisation key is"
                  + " configured. Fix: set lethe.pseudonymisation.key-id and its key");
        }
        var entries = audit.about(prefixes);
        var out = spec.commandLine().getOut();
        if (entries.isEmpty()) {
          out.println("The audit trail records nothing done to this subject's data.");
          return Lethe.DONE;
        }
        out.printf(
            Locale.ROOT,
            "%-8s %-27s %-12s %-14s %-22s %6s %8s  %s%n",
            "entry",
            "when",
            "kind",
            "action",
            "policy",
            "run",
            "rows",
            "detail");
        for (AuditEntry e : entries) {
          out.printf(
              Locale.ROOT,
              "%-8d %-27s %-12s %-14s %-22s %6s %8d  %s%n",
              e.seq(),
              e.recordedAt(),
              e.kind(),
              e.action(),
              e.policy() == null ? "-" : e.policy(),
              e.runId() == null ? "-" : e.runId().toString(),
              prefixes.stream().mapToLong(e::rowsOf).sum(),
              e.detail() == null ? "" : e.detail());
        }
        return Lethe.DONE;
      }
    }
  }
}
