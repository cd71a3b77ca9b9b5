package dev.lethe.hold;

import java.time.Instant;

/**
 * A legal hold on one subject's data, for all of it or narrowed to one policy or one category:
 * while it is active, the rows it covers are neither deleted nor altered.
 */
public record Hold(
    long id,
    String subject,
    String policy,
    String category,
    String caseReference,
    String reason,
    String placedBy,
    Instant placedAt,
    String releasedBy,
    Instant releasedAt,
    String releaseReason) {

  public boolean active() {
    return releasedAt == null;
  }

  /** What the hold covers, as a reviewer reads it. */
  public String scope() {
    if (policy != null) {
      return "policy " + policy;
    }
    return category != null ? "category " + category : "all data";
  }
}
