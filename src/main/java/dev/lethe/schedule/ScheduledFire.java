package dev.lethe.schedule;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import org.hibernate.annotations.Immutable;

/**
 * A fire time {@code lethe serve} handled ({@code lethe.scheduled_fire}): on which node, for which
 * as-of date, with what outcome (started, skipped, failed, abandoned) and which run. Written only
 * by the scheduler, in one statement that claims the fire time once across the nodes; read here,
 * never changed through this entity.
 */
@Entity
@Immutable
@IdClass(ScheduledFire.Key.class)
@Table(schema = "lethe", name = "scheduled_fire")
public class ScheduledFire {

  @Id private String job;

  @Id
  @Column(name = "fire_time")
  private Instant fireTime;

  private String node;

  @Column(name = "as_of")
  private LocalDate asOf;

  @Column(name = "handled_at")
  private Instant handledAt;

  private String outcome;

  @Column(name = "run_id")
  private Long runId;

  protected ScheduledFire() {} // for Hibernate

  public String getJob() {
    return job;
  }

  public Instant getFireTime() {
    return fireTime;
  }

  public String getNode() {
    return node;
  }

  public LocalDate getAsOf() {
    return asOf;
  }

  public Instant getHandledAt() {
    return handledAt;
  }

  public String getOutcome() {
    return outcome;
  }

  public Long getRunId() {
    return runId;
  }

  /** A fire time is handled once per job: the table's key. */
  public record Key(String job, Instant fireTime) implements Serializable {

    public Key() {
      this(null, null);
    }
  }
}
