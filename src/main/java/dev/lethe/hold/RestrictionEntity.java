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
 * A restriction of processing as the control database keeps it ({@code lethe.restriction}): placed,
 * then lifted once; the version makes the second of two lifts at once fail.
 */
@Entity
@Table(schema = "lethe", name = "restriction")
class RestrictionEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(nullable = false, updatable = false)
  private String subject;

  @Column(nullable = false, updatable = false)
  private String grounds;

  @Column(name = "placed_by", nullable = false, updatable = false)
  private String placedBy;

  @Column(name = "placed_at", nullable = false, updatable = false)
  private Instant placedAt;

  @Column(name = "lifted_by")
  private String liftedBy;

  @Column(name = "lifted_at")
  private Instant liftedAt;

  @Version private long version;

  protected RestrictionEntity() {} // for Hibernate

  RestrictionEntity(String subject, String grounds, String placedBy, Instant placedAt) {
    this.subject = subject;
    this.grounds = grounds;
    this.placedBy = placedBy;
    this.placedAt = placedAt;
  }

  void lift(String by, Instant at) {
    this.liftedBy = by;
    this.liftedAt = at;
  }

  Restriction toRestriction() {
    return new Restriction(id, subject, grounds, placedBy, placedAt, liftedBy, liftedAt);
  }
}
