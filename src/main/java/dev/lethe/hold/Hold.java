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

  /** Whether the hold keeps the rows of {@code policy}. */
  public boolean covers(dev.lethe.policy.Policy covered) {
    return covers(policy, category, covered);
  }

  /**
   * Whether a hold narrowed to {@code policy} or {@code category} (both null: all the subject's
   * data) keeps the rows of {@code covered}. A policy whose deletes may cascade reaches other
   * tables' rows, which any hold on the subject may be keeping.
   */
  static boolean covers(String policy, String category, dev.lethe.policy.Policy covered) {
    if (covered.allowCascade()) {
      return true;
    }
    if (policy != null) {
      return policy.equals(covered.name());
    }
    return category == null || category.equals(covered.category());
  }

  /** What the hold covers, as a reviewer reads it. */
  public String scope() {
    if (policy != null) {
      return "policy " + policy;
    }
    return category != null ? "category " + category : "all data";
  }
}
