package dev.lethe.cli;

import dev.lethe.subject.RequestService;
import dev.lethe.subject.SubjectRequest;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lethe request show ID}: a request, and what was done under each policy. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Show a request and what was done under each policy.")
class RequestShowCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ID", description = "the request's id")
  long id;

  @picocli.CommandLine.Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "text (default: for the operator), or the response for the person: json, html")
  String format;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (var context = Contexts.runtime(LetheCommand.options(spec))) {
      var today = LocalDate.now(context.getBean(java.time.Clock.class));
      var request = context.getBean(RequestService.class).find(id);
      var out = spec.commandLine().getOut();
      if (format == null || format.equals("text")) {
        print(out, request, today);
        if (format != null) {
          out.println();
          out.print(response(context, request).text());
        }
      } else if (format.equals("json")) {
        out.println(response(context, request).json());
      } else if (format.equals("html")) {
        out.print(response(context, request).html());
      } else {
        throw new dev.lethe.system.BadInputException(
            "--format " + format + " is not known. Fix: give text, json or html");
      }
      return Lethe.DONE;
    }
  }

  private static dev.lethe.subject.RequestResponse response(
      org.springframework.context.ApplicationContext context, SubjectRequest request) {
    return dev.lethe.subject.RequestResponse.of(
        request,
        context.getBean(dev.lethe.retention.Validator.class).load(),
        context.getBean(dev.lethe.system.LetheProperties.class).timeZone());
  }

  private static void print(PrintWriter out, SubjectRequest r, LocalDate today) {
    out.printf(
        Locale.ROOT,
        "Request %d: %s%s of subject %s%n",
        r.id(),
        r.kind().text(),
        r.purpose() == null ? "" : " (" + r.purpose() + ")",
        r.subject());
    out.printf(
        Locale.ROOT,
        "Received %s by %s%s; due %s; %s%s%n",
        r.receivedAt(),
        r.receivedBy(),
        r.reference() == null ? "" : ", reference " + r.reference(),
        r.deadline(),
        r.status(),
        r.completedAt() == null ? "" : " on " + r.completedAt());
    if (r.closedReason() != null) {
      out.printf(Locale.ROOT, "Cancelled by %s: %s%n", r.closedBy(), r.closedReason());
    }
    if (r.overdue(today)) {
      out.println("OVERDUE");
    }
    if (r.exportFile() != null) {
      out.println("Export: " + r.exportFile());
    }
    if (r.outcomes().isEmpty()) {
      out.println("Nothing done yet: 'lethe run requests' carries it out.");
      return;
    }
    out.printf(Locale.ROOT, "%n%-24s %-12s %s%n", "policy", "store", "outcome");
    for (var o : r.outcomes()) {
      out.printf(
          Locale.ROOT,
          "%-24s %-12s %s%s%n",
          o.policy(),
          o.store(),
          o.outcome(),
          o.fin() ? "" : " (to do)");
    }
    r.outcomes().stream()
        .collect(
            java.util.stream.Collectors.groupingBy(
                SubjectRequest.Outcome::store,
                java.util.TreeMap::new,
                java.util.stream.Collectors.toList()))
        .forEach(
            (store, outcomes) -> {
              if (outcomes.stream().allMatch(o -> o.outcome().equals("no data held"))) {
                out.printf(Locale.ROOT, "Store %s: no data held.%n", store);
              }
            });
  }
}
