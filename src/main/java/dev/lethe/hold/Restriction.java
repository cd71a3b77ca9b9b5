package dev.lethe.hold;

import java.time.Instant;

/**
 * A restriction of processing (GDPR art. 18) on one subject: the subject's data is kept as it is
 * and left out of every other processing until the flag is lifted.
 */
public record Restriction(
    long id,
    String subject,
    String grounds,
    String placedBy,
    Instant placedAt,
    String liftedBy,
    Instant liftedAt) {

  public boolean active() {
    return liftedAt == null;
  }
}
