package dev.lethe.hold;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A legal hold as the control database keeps it ({@code lethe.legal_hold}, made by Flyway). Only
 * placing it and releasing it once are changes the table takes (its trigger refuses any other); the
 * version makes the second of two people releasing it at once fail instead of counting twice.
 */
@Entity
@Table(schema = "lethe", name = "legal_hold")
class HoldEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(nullable = false, updatable = false)
  private String subject;

  @Column(updatable = false)
  private String policy;

  @Column(updatable = false)
  private String category;

  @Column(name = "case_reference", nullable = false, updatable = false)
  private String caseReference;

  @Column(nullable = false, updatable = false)
  private String reason;

  @Column(name = "placed_by", nullable = false, updatable = false)
  private String placedBy;

  @Column(name = "placed_at", nullable = false, updatable = false)
  private Instant placedAt;

  @Column(name = "released_by")
  private String releasedBy;

  @Column(name = "released_at")
  private Instant releasedAt;

  @Column(name = "release_reason")
  private String releaseReason;

  @Version private long version;

  protected HoldEntity() {} // for Hibernate

  HoldEntity(
      String subject,
      String policy,
      String category,
      String caseReference,
      String reason,
      String placedBy,
      Instant placedAt) {
    this.subject = subject;
    this.policy = policy;
    this.category = category;
    this.caseReference = caseReference;
    this.reason = reason;
    this.placedBy = placedBy;
    this.placedAt = placedAt;
  }

  boolean active() {
    return releasedAt == null;
  }

  void release(String by, Instant at, String why) {
    this.releasedBy = by;
    this.releasedAt = at;
    this.releaseReason = why;
  }

  Hold toHold() {
    return new Hold(
        id,
        subject,
        policy,
        category,
        caseReference,
        reason,
        placedBy,
        placedAt,
        releasedBy,
        releasedAt,
        releaseReason);
  }
}
