package dev.lethe.console;

import dev.lethe.hold.HoldService;
import java.security.Principal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Legal holds for compliance officers: those in force (and, on request, released ones), placing one
 * and releasing one, each recorded in the trail under the signed-in user's name.
 */
@Controller
class HoldPages {

  private final HoldService holds;
  private final ConsoleHolds placing;
  private final SubjectTokens tokens;

  HoldPages(HoldService holds, ConsoleHolds placing, SubjectTokens tokens) {
    this.holds = holds;
    this.placing = placing;
    this.tokens = tokens;
  }

  @GetMapping("/holds")
  String list(
      @RequestParam(name = "released", defaultValue = "false") boolean released, Model model) {
    model.addAttribute(
        "holds", holds.list(released).stream().map(h -> HoldView.of(h, tokens)).toList());
    model.addAttribute("released", released);
    return "console/holds";
  }

  @PostMapping("/holds")
  String place(
      @RequestParam String subject,
      @RequestParam(name = "case") String caseReference,
      @RequestParam String reason,
      @RequestParam(required = false) String policy,
      @RequestParam(required = false) String category,
      Principal user,
      RedirectAttributes redirect) {
    return Changes.make(
        redirect,
        "/holds",
        () -> {
          var hold =
              placing.place(subject, policy, category, caseReference, reason, user.getName());
          // the subject the user typed is not echoed back: the page names the hold by its id
          return "Hold " + hold.id() + " placed (case " + hold.caseReference() + ").";
        });
  }

  @PostMapping("/holds/{id}/release")
  String release(
      @PathVariable long id,
      @RequestParam String reason,
      Principal user,
      RedirectAttributes redirect) {
    return Changes.make(
        redirect,
        "/holds",
        () -> "Hold " + holds.release(id, reason, user.getName()).id() + " released.");
  }
}
