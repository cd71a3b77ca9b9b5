package dev.lethe.cli;

import dev.lethe.retention.Validator;
import dev.lethe.subject.RequestIntake;
import dev.lethe.subject.RequestKind;
import dev.lethe.subject.RequestService;
import dev.lethe.subject.Suppression;
import dev.lethe.subject.SuppressionList;
import dev.lethe.system.BadInputException;
import dev.lethe.transform.Keys;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lethe request ...}: data-subject requests. Receiving one records it; the next {@code lethe
 * run requests} (or a job with {@code requests: true}) carries it out.
 */
@Command(
    name = "request",
    mixinStandardHelpOptions = true,
    description =
        "Receive, list and show data-subject requests (erasure, export, withdrawal of consent);"
            + " 'lethe run requests' carries them out.",
    subcommands = {
      RequestCommand.Erase.class,
      RequestCommand.Export.class,
      RequestCommand.WithdrawConsent.class,
      RequestCommand.ListAll.class,
      RequestShowCommand.class,
      RequestCommand.Cancel.class,
      RequestCommand.Suppressed.class
    })
class RequestCommand {

  /** Receives a request of one kind and says what happens next. */
  abstract static class Receive implements Callable<Integer> {

    @Option(
        names = "--subject",
        required = true,
        paramLabel = "ID",
        description = "the subject key, as the stores hold it")
    String subject;

    @Option(
        names = "--reference",
        paramLabel = "REF",
        description = "the case or ticket the request came with")
    String reference;

    @Spec CommandSpec spec;

    abstract RequestKind kind();

    String purpose() {
      return null;
    }

    @Override
    public Integer call() {
      try (var context = Contexts.runtime(LetheCommand.options(spec))) {
        var definitions = context.getBean(Validator.class).load();
        var request =
            context
                .getBean(RequestIntake.class)
                .receive(kind(), subject, purpose(), reference, HoldCommand.who(), definitions);
        spec.commandLine()
            .getOut()
            .printf(
                Locale.ROOT,
                "Request %d (%s) received, due %s. 'lethe run requests' carries it out.%n",
                request.id(),
                request.kind().text(),
                request.deadline());
        return Lethe.DONE;
      }
    }
  }

  @Command(
      name = "erase",
      mixinStandardHelpOptions = true,
      description =
          "Right to erasure: the subject's rows go from every store, except what a legal hold or"
              + " a legal obligation (on-erasure: pseudonymise) keeps.")
  static class Erase extends Receive {
    @Override
    RequestKind kind() {
      return RequestKind.ERASE;
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Right of access and to portability: one JSON document with every row about the subject;"
              + " until it is written, the purge keeps the subject's rows.")
  static class Export extends Receive {
    @Override
    RequestKind kind() {
      return RequestKind.EXPORT;
    }
  }

  @Command(
      name = "withdraw-consent",
      mixinStandardHelpOptions = true,
      description =
          "Consent withdrawn for a purpose: the subject's data under that purpose's policies goes,"
              + " and the token of each contact address goes on the suppression list.")
  static class WithdrawConsent extends Receive {

    @Option(
        names = "--purpose",
        required = true,
        paramLabel = "PURPOSE",
        description = "the category of the consent-based policies, such as marketing")
    String purpose;

    @Override
    RequestKind kind() {
      return RequestKind.WITHDRAW_CONSENT;
    }

    @Override
    String purpose() {
      return purpose;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List requests.")
  static class ListAll implements Callable<Integer> {

    @Option(names = "--open", description = "only those not done")
    boolean open;

    @Option(names = "--overdue", description = "only those past their deadline and not done")
    boolean overdue;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.runtime(LetheCommand.options(spec))) {
        var out = spec.commandLine().getOut();
        var today = LocalDate.now(context.getBean(java.time.Clock.class));
        out.printf(
            Locale.ROOT,
            "%-6s %-17s %-20s %-12s %-11s %s%n",
            "id",
            "kind",
            "subject",
            "status",
            "deadline",
            "received");
        for (var r : context.getBean(RequestService.class).list(open, overdue, today)) {
          out.printf(
              Locale.ROOT,
              "%-6d %-17s %-20s %-12s %-11s %s%s%n",
              r.id(),
              r.kind().text() + (r.purpose() == null ? "" : " " + r.purpose()),
              r.subject(),
              r.status(),
              r.deadline(),
              r.receivedAt(),
              r.overdue(today) ? "  OVERDUE" : "");
        }
        return Lethe.DONE;
      }
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description =
          "Cancel a request not yet done: withdrawn by its subject, or refused (identity not"
              + " confirmed). What was done stays done; the trail records who and why.")
  static class Cancel implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "the request's id")
    long id;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "why: withdrawn by the subject, identity not confirmed, ...")
    String reason;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.records(LetheCommand.options(spec))) {
        var r =
            context
                .getBean(dev.lethe.subject.RequestCancellation.class)
                .cancel(id, reason, OsUser.name());
        spec.commandLine()
            .getOut()
            .printf(
                Locale.ROOT, "Request %d (%s) cancelled: %s%n", r.id(), r.kind().text(), reason);
        return Lethe.DONE;
      }
    }
  }

  @Command(
      name = "suppressed",
      mixinStandardHelpOptions = true,
      description =
          "Whether an address is on a purpose's suppression list: exit 0 if it is (do not contact"
              + " it), 3 if it is not. For systems that import addresses.")
  static class Suppressed implements Callable<Integer> {

    static final int NOT_SUPPRESSED = 3;

    @Option(
        names = "--purpose",
        required = true,
        paramLabel = "PURPOSE",
        description = "such as marketing")
    String purpose;

    @Option(
        names = "--address",
        required = true,
        paramLabel = "ADDRESS",
        description = "the e-mail address or phone number to check")
    String address;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      // an address with a no-break space at an end matches no opt-out: refused, not "not
      // suppressed", or the person who withdrew consent would be contacted
      dev.lethe.system.PlainText.checkKey(address, "--address", 200);
      try (var context = Contexts.runtime(LetheCommand.options(spec))) {
        var keys = context.getBean(Keys.class);
        var tokens =
            keys.tokens()
                .orElseThrow(
                    () ->
                        new BadInputException(
                            "no pseudonymisation key is configured, and the list holds only"
                                + " tokens. Fix: set lethe.pseudonymisation.key-id and its key"));
        // an opt-out recorded under an earlier key stays honoured: each key of the ring is asked
        var list = context.getBean(SuppressionList.class);
        boolean suppressed =
            tokens.everyKey().stream()
                .anyMatch(t -> list.contains(purpose, t.keyId(), Suppression.token(t, address)));
        spec.commandLine()
            .getOut()
            .println(suppressed ? "suppressed for " + purpose : "not suppressed for " + purpose);
        return suppressed ? Lethe.DONE : NOT_SUPPRESSED;
      }
    }
  }
}
