package dev.lethe.console;

import dev.lethe.audit.AuditTrail;
import dev.lethe.audit.AuditVerifier;
import dev.lethe.system.LetheProperties;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The audit trail for compliance: what was done to one subject's data (the key typed in a form that
 * is posted, so it is never in a URL, a browser's history or an access log), and a verification of
 * the whole trail now.
 */
@Controller
class AuditPages {

  private final AuditTrail audit;
  private final AuditVerifier verifier;
  private final LetheProperties properties;
  private final dev.lethe.audit.Verifications verifications;

  AuditPages(
      AuditTrail audit,
      AuditVerifier verifier,
      LetheProperties properties,
      dev.lethe.audit.Verifications verifications) {
    this.audit = audit;
    this.verifier = verifier;
    this.properties = properties;
    this.verifications = verifications;
  }

  /** One entry as the page shows it, with the rows it records of the subject looked up. */
  record Line(
      long seq,
      java.time.Instant recordedAt,
      String kind,
      String action,
      String policy,
      Long run,
      long rows,
      String detail) {}

  @GetMapping("/audit")
  String page() {
    return "console/audit";
  }

  @PostMapping("/audit/subject")
  String subject(@RequestParam String subject, Model model) {
    if (subject.isBlank()) {
      model.addAttribute(
          "problem", "The subject key is empty. Fix: type it as the stores hold it.");
      return "console/audit";
    }
    // a key as it is checked wherever one is given: one line, printable, at most 200 characters
    // (a bad one is answered as bad input, never echoed)
    dev.lethe.system.PlainText.checkKey(subject, "subject", 200);
    var prefixes = audit.prefixes(subject);
    if (prefixes.isEmpty()) {
      model.addAttribute(
          "problem",
          "The trail knows subjects only by their token, and no pseudonymisation key is"
              + " configured. Fix: set lethe.pseudonymisation.key-id and its key.");
      return "console/audit";
    }
    model.addAttribute(
        "entries",
        audit.about(prefixes).stream()
            .map(
                e ->
                    new Line(
                        e.seq(),
                        e.recordedAt(),
                        e.kind(),
                        e.action(),
                        e.policy(),
                        e.runId(),
                        prefixes.stream().mapToLong(e::rowsOf).sum(),
                        e.detail()))
            .toList());
    // the key the user typed, shown back to them only on this answer
    model.addAttribute("subject", subject.trim());
    return "console/audit";
  }

  @PostMapping("/audit/verify")
  String verify(Model model, java.security.Principal user) {
    var result = verifier.verify(properties.reports());
    verifications.record(result, user.getName());
    model.addAttribute("verification", result);
    return "console/audit";
  }
}
