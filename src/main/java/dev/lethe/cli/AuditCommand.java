package dev.lethe.cli;

import dev.lethe.audit.AuditEntry;
import dev.lethe.audit.AuditTrail;
import dev.lethe.audit.AuditVerifier;
import dev.lethe.audit.Checkpoints;
import dev.lethe.system.BadInputException;
import dev.lethe.system.LetheProperties;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lethe audit ...}: the tamper-evident trail of every change Lethe made. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "Check the audit trail, show what Lethe did to one subject's data, or make the key pair"
            + " that signs the trail.",
    subcommands = {
      AuditCommand.Verify.class,
      AuditCommand.Subject.class,
      AuditCommand.Keygen.class
    })
class AuditCommand {

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Check every entry's place, hash and signature, every checkpoint, and every stored report"
              + " and report file against the trail; name every break. Exit 0: intact; 1: broken.")
  static class Verify implements Callable<Integer> {

    @Option(
        names = "--since",
        paramLabel = "CHECKPOINT",
        description = "a checkpoint file: check the entries after it, chained to what it recorded")
    java.nio.file.Path since;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      java.util.Optional<Checkpoints.Checkpoint> from = java.util.Optional.empty();
      if (since != null) {
        from = Checkpoints.read(since);
        if (from.isEmpty()) {
          throw new BadInputException(
              "--since "
                  + since
                  + ": not a checkpoint file. Fix: name one of the checkpoint-*.json files of the"
                  + " reports folder's checkpoints/");
        }
      }
      try (var context = Contexts.runtime(LetheCommand.options(spec))) {
        var result =
            context
                .getBean(AuditVerifier.class)
                .verify(context.getBean(LetheProperties.class).reports(), from);
        if (from.isEmpty()) {
          // the whole trail: the console's dashboard says when it was last verified, and how
          context.getBean(dev.lethe.audit.Verifications.class).record(result, HoldCommand.who());
        }
        var out = spec.commandLine().getOut();
        result.notes().forEach(n -> out.println("note: " + n));
        var what = from.map(c -> " since " + c.file().getFileName()).orElse("");
        if (result.intact()) {
          out.printf(
              Locale.ROOT,
              "The audit trail is intact%s: %d entries, %s, every checkpoint and stored report as"
                  + " recorded.%n",
              what,
              result.entries(),
              result.unsigned() == 0
                  ? "each signed and chained"
                  : "each chained, "
                      + (result.entries() - result.unsigned())
                      + " signed (the others from before signing began)");
          return Lethe.DONE;
        }
        out.printf(
            Locale.ROOT,
            "The audit trail is BROKEN%s (%d entries read): %d break(s).%n",
            what,
            result.entries(),
            result.breaks().size());
        for (var broken : result.breaks()) {
          out.println("  " + broken);
        }
        return Lethe.FAILED;
      }
    }
  }

  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description =
          "Make the Ed25519 key pair that signs the trail: KEY-ID.key (readable by its owner only)"
              + " and KEY-ID.pub, in a folder; never replaces a key.")
  static class Keygen implements Callable<Integer> {

    @Option(
        names = "--key-id",
        required = true,
        paramLabel = "ID",
        description = "the key's id, such as 2026-12")
    String keyId;

    @Option(
        names = "--folder",
        required = true,
        paramLabel = "DIR",
        description = "where to write it (lethe.audit.keys)")
    java.nio.file.Path folder;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      var files = dev.lethe.audit.AuditKeys.generate(keyId, folder);
      spec.commandLine()
          .getOut()
          .printf(
              "Wrote %s (private: keep it to Lethe's user) and %s (public: give it to whoever"
                  + " verifies the trail). Set lethe.audit.key-id: %s and lethe.audit.keys: %s.%n",
              files[0], files[1], keyId, folder);
      return Lethe.DONE;
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
      // as the console's lookup: a key pasted with a no-break space found nothing, and the
      // subject would be told nothing was done to their data
      dev.lethe.system.PlainText.checkKey(subject, "ID", 200);
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
