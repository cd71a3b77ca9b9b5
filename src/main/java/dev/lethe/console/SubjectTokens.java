package dev.lethe.console;

import dev.lethe.audit.AuditTrail;

/**
 * How the console names a subject it was not asked about: by the first bytes of its token, as the
 * trail records it, never by its key (a page is read over shoulders and kept in browsers' caches).
 */
final class SubjectTokens {

  private final AuditTrail audit;

  SubjectTokens(AuditTrail audit) {
    this.audit = audit;
  }

  /** The subject's token prefix in hex, or a dash where no pseudonymisation key is configured. */
  String of(String subject) {
    return audit.token(subject).map(t -> String.format("%016x", t)).orElse("-");
  }
}
