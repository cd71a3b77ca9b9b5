package dev.lethe.subject;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A request as the control database keeps it ({@code lethe.subject_request}), for the change people
 * make to it: cancelling it. Received by one statement that two receipts at once cannot duplicate,
 * and settled by the run over JDBC, which bumps the version as this entity does: of a cancel and
 * anything else that changed the request since the cancel read it, the cancel fails.
 */
@Entity
@Table(schema = "lethe", name = "subject_request")
class RequestEntity {

  @Id private Long id;

  @Column(nullable = false, updatable = false)
  private String kind;

  @Column(nullable = false, updatable = false)
  private String subject;

  @Column(nullable = false)
  private String status;

  @Column(name = "completed_at")
  private Instant completedAt;

  @Column(name = "closed_by")
  private String closedBy;

  @Column(name = "closed_reason")
  private String closedReason;

  @Version private long version;

  protected RequestEntity() {} // for Hibernate

  long id() {
    return id;
  }

  RequestKind kind() {
    return RequestKind.of(kind);
  }

  String subject() {
    return subject;
  }

  long version() {
    return version;
  }

  String status() {
    return status;
  }

  boolean closed() {
    return SubjectRequest.DONE.equals(status) || SubjectRequest.CANCELLED.equals(status);
  }

  void cancel(String by, Instant at, String reason) {
    this.status = SubjectRequest.CANCELLED;
    this.completedAt = at;
    this.closedBy = by;
    this.closedReason = reason;
  }
}
