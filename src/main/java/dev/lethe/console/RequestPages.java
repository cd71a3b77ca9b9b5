package dev.lethe.console;

import dev.lethe.retention.Validator;
import dev.lethe.subject.RequestIntake;
import dev.lethe.subject.RequestKind;
import dev.lethe.subject.RequestResponse;
import dev.lethe.subject.RequestService;
import dev.lethe.subject.SubjectRequest;
import dev.lethe.system.BadInputException;
import dev.lethe.system.LetheProperties;
import java.security.Principal;
import java.time.Clock;
import java.time.LocalDate;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Data-subject requests for compliance officers: received (checked as {@code lethe request} checks
 * them, and carried out by the next run of the requests), listed, shown with the response document
 * (its subject by token), cancelled with a reason.
 */
@Controller
class RequestPages {

  private final RequestService requests;
  private final dev.lethe.subject.RequestCancellation cancellation;
  private final RequestIntake intake;
  private final Validator validator;
  private final SubjectTokens tokens;
  private final Clock clock;
  private final LetheProperties properties;

  RequestPages(
      RequestService requests,
      dev.lethe.subject.RequestCancellation cancellation,
      RequestIntake intake,
      Validator validator,
      SubjectTokens tokens,
      Clock clock,
      LetheProperties properties) {
    this.requests = requests;
    this.cancellation = cancellation;
    this.intake = intake;
    this.validator = validator;
    this.tokens = tokens;
    this.clock = clock;
    this.properties = properties;
  }

  /** A request as the list shows it: its subject by token. */
  record RequestView(
      long id,
      String kind,
      String subjectToken,
      String purpose,
      String reference,
      String receivedBy,
      java.time.Instant receivedAt,
      LocalDate deadline,
      String status,
      boolean overdue,
      long version) {}

  private RequestView view(SubjectRequest r, LocalDate today) {
    return new RequestView(
        r.id(),
        r.kind().text(),
        tokens.of(r.subject()),
        r.purpose(),
        r.reference(),
        r.receivedBy(),
        r.receivedAt(),
        r.deadline(),
        r.status(),
        r.overdue(today),
        r.version());
  }

  private LocalDate today() {
    return LocalDate.now(clock.withZone(properties.timeZone()));
  }

  @GetMapping("/requests")
  String list(@RequestParam(name = "all", defaultValue = "false") boolean all, Model model) {
    var today = today();
    model.addAttribute(
        "requests", requests.list(!all, false, today).stream().map(r -> view(r, today)).toList());
    model.addAttribute("all", all);
    model.addAttribute(
        "kinds", java.util.Arrays.stream(RequestKind.values()).map(RequestKind::text).toList());
    return "console/requests";
  }

  @PostMapping("/requests")
  String receive(
      @RequestParam String kind,
      @RequestParam String subject,
      @RequestParam(required = false) String purpose,
      @RequestParam(required = false) String reference,
      Principal user,
      RedirectAttributes redirect) {
    return Changes.make(
        redirect,
        "/requests",
        () -> {
          var request =
              intake.receive(
                  RequestKind.of(kind),
                  subject,
                  purpose == null || purpose.isBlank() ? null : purpose.trim(),
                  reference,
                  user.getName(),
                  validator.load());
          return "Request "
              + request.id()
              + " ("
              + request.kind().text()
              + ") received, due "
              + request.deadline()
              + ". The next run of the requests carries it out.";
        });
  }

  @GetMapping("/requests/{id}")
  String show(@PathVariable long id, Model model, RedirectAttributes redirect) {
    SubjectRequest request;
    try {
      request = requests.find(id);
    } catch (BadInputException e) {
      return "redirect:/requests";
    }
    model.addAttribute("request", view(request, today()));
    model.addAttribute("outcomes", request.outcomes());
    // the response document as the subject receives it, but naming them by token here
    model.addAttribute(
        "response",
        RequestResponse.of(
                request.withSubject("token " + tokens.of(request.subject())),
                validator.load(),
                properties.timeZone())
            .text());
    return "console/request";
  }

  @PostMapping("/requests/{id}/cancel")
  String cancel(
      @PathVariable long id,
      @RequestParam String reason,
      // the request as the page showed it: a run that did part of it since makes this no cancel
      @RequestParam long version,
      Principal user,
      RedirectAttributes redirect) {
    return Changes.make(
        redirect,
        "/requests",
        () ->
            "Request "
                + cancellation.cancel(id, reason, user.getName(), version).id()
                + " cancelled.");
  }
}
