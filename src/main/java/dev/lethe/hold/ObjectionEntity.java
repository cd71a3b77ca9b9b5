package dev.lethe.hold;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * An objection as the control database keeps it ({@code lethe.objection}). Placed by one statement
 * that two people placing it at once cannot duplicate (ON CONFLICT); lifted once, the version
 * making the second of two lifts at once fail.
 */
@Entity
@Table(schema = "lethe", name = "objection")
class ObjectionEntity {

  @Id private Long id;

  @Column(nullable = false, updatable = false)
  private String subject;

  @Column(nullable = false, updatable = false)
  private String purpose;

  @Column(name = "placed_by", nullable = false, updatable = false)
  private String placedBy;

  @Column(name = "placed_at", nullable = false, updatable = false)
  private Instant placedAt;

  @Column(name = "lifted_by")
  private String liftedBy;

  @Column(name = "lifted_at")
  private Instant liftedAt;

  @Version private long version;

  protected ObjectionEntity() {} // for Hibernate

  void lift(String by, Instant at) {
    this.liftedBy = by;
    this.liftedAt = at;
  }

  ObjectionService.Objection toObjection() {
    return new ObjectionService.Objection(id, subject, purpose, placedBy, placedAt, liftedAt);
  }
}
