package dev.lethe.console;

import dev.lethe.hold.ObjectionService;
import dev.lethe.hold.RestrictionService;
import java.security.Principal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Restrictions of processing (GDPR art. 18) and objections to a purpose (art. 21) for compliance
 * officers: listed by token, placed and lifted by a typed key, each recorded in the trail.
 */
@Controller
class FlagPages {

  private final RestrictionService restrictions;
  private final ObjectionService objections;
  private final SubjectTokens tokens;

  FlagPages(RestrictionService restrictions, ObjectionService objections, SubjectTokens tokens) {
    this.restrictions = restrictions;
    this.objections = objections;
    this.tokens = tokens;
  }

  /** A restriction or an objection as the page shows it. */
  record FlagView(
      long id,
      String subjectToken,
      String about,
      String placedBy,
      java.time.Instant placedAt,
      java.time.Instant liftedAt) {}

  @GetMapping("/restrictions")
  String page(Model model) {
    model.addAttribute(
        "restrictions",
        restrictions.list(false).stream()
            .map(
                r ->
                    new FlagView(
                        r.id(),
                        tokens.of(r.subject()),
                        r.grounds(),
                        r.placedBy(),
                        r.placedAt(),
                        r.liftedAt()))
            .toList());
    model.addAttribute(
        "objections",
        objections.list(false).stream()
            .map(
                o ->
                    new FlagView(
                        o.id(),
                        tokens.of(o.subject()),
                        o.purpose(),
                        o.placedBy(),
                        o.placedAt(),
                        o.liftedAt()))
            .toList());
    return "console/restrictions";
  }

  @PostMapping("/restrictions")
  String restrict(
      @RequestParam String subject,
      @RequestParam String grounds,
      Principal user,
      RedirectAttributes redirect) {
    return Changes.make(
        redirect,
        "/restrictions",
        () ->
            "Restriction "
                + restrictions.place(subject, grounds, user.getName()).id()
                + " placed.");
  }

  @PostMapping("/restrictions/lift")
  String lift(@RequestParam String subject, Principal user, RedirectAttributes redirect) {
    return Changes.make(
        redirect,
        "/restrictions",
        () -> "Restriction " + restrictions.lift(subject, user.getName()).id() + " lifted.");
  }

  @PostMapping("/objections")
  String object(
      @RequestParam String subject,
      @RequestParam String purpose,
      Principal user,
      RedirectAttributes redirect) {
    return Changes.make(
        redirect,
        "/restrictions",
        () -> objections.place(subject, purpose, user.getName()).words());
  }

  @PostMapping("/objections/lift")
  String liftObjection(
      @RequestParam String subject,
      @RequestParam String purpose,
      Principal user,
      RedirectAttributes redirect) {
    return Changes.make(
        redirect,
        "/restrictions",
        () -> "Objection " + objections.lift(subject, purpose, user.getName()).id() + " lifted.");
  }
}
