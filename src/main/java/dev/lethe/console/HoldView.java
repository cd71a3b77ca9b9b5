package dev.lethe.console;

import dev.lethe.hold.Hold;
import java.time.Instant;

/** A hold as the console and its API show it: its subject by token, never by key. */
record HoldView(
    long id,
    String subjectToken,
    String scope,
    String caseReference,
    String reason,
    String placedBy,
    Instant placedAt,
    boolean active,
    String releasedBy,
    Instant releasedAt) {

  static HoldView of(Hold hold, SubjectTokens tokens) {
    return new HoldView(
        hold.id(),
        tokens.of(hold.subject()),
        hold.scope(),
        hold.caseReference(),
        hold.reason(),
        hold.placedBy(),
        hold.placedAt(),
        hold.active(),
        hold.releasedBy(),
        hold.releasedAt());
  }
}
