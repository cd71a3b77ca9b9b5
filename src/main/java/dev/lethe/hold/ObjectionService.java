package dev.lethe.hold;

import dev.lethe.audit.AuditTrail;
import dev.lethe.system.BadInputException;
import dev.lethe.system.Records;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * Objections to processing for a purpose (GDPR art. 21): a subject who objected to analytics is
 * left out of every statistic from the next bucket computed on. Records people edit, as entities; a
 * run reads the objectors through {@link SubjectFlags}, over JDBC.
 */
@Transactional
public class ObjectionService {

  /** The purposes one may object to. */
  public static final List<String> PURPOSES = List.of("analytics", "marketing");

  private static final String KIND = "objection";

  private final JdbcClient jdbc;
  private final Clock clock;
  private final AuditTrail audit;
  private final ObjectionEntities entities;

  ObjectionService(JdbcClient jdbc, Clock clock, AuditTrail audit, ObjectionEntities entities) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.audit = audit;
    this.entities = entities;
  }

  /** An objection as recorded. */
  public record Objection(
      long id,
      String subject,
      String purpose,
      String placedBy,
      Instant placedAt,
      Instant liftedAt) {}

  /**
   * An objection placed, or the one in force already: {@code now} says which, so that whoever
   * placed it second is not told they recorded it (the trail names only the first).
   */
  public record Placement(Objection objection, boolean now) {

    /** What the one who placed it is told. */
    public String words() {
      return now
          ? "Objection " + objection.id() + " to " + objection.purpose() + " recorded."
          : "Objection "
              + objection.id()
              + " to "
              + objection.purpose()
              + " is in force already, placed by "
              + objection.placedBy()
              + " at "
              + objection.placedAt()
              + "; nothing was recorded.";
    }
  }

  public Placement place(String subject, String purpose, String placedBy) {
    HoldService.require(subject, "--subject", "the subject key who objects");
    dev.lethe.system.PlainText.checkKey(subject, "--subject", HoldService.MAX_SUBJECT);
    checkPurpose(purpose);
    // one objection in force per subject and purpose: two placing it at once record it once (one
    // statement that cannot fail on the other's row, where an entity's insert would)
    int placed =
        jdbc.sql(
                "INSERT INTO lethe.objection (subject, purpose, placed_by, placed_at)"
                    + " VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (subject, purpose) WHERE lifted_at IS NULL DO NOTHING")
            .params(subject.trim(), purpose, placedBy, Timestamp.from(Records.now(clock)))
            .update();
    if (placed > 0) {
      audit.appendAbout(KIND, "placed", subject, "to " + purpose + ", by " + placedBy);
    }
    return new Placement(
        entities
            .findBySubjectAndPurposeAndLiftedAtIsNull(subject.trim(), purpose)
            .orElseThrow()
            .toObjection(),
        placed > 0);
  }

  public Objection lift(String subject, String purpose, String liftedBy) {
    HoldService.require(subject, "--subject", "the subject key whose objection is lifted");
    // as placing it: a key with a control character trimmed away lifted another's objection
    dev.lethe.system.PlainText.checkKey(subject, "--subject", HoldService.MAX_SUBJECT);
    checkPurpose(purpose);
    var entity =
        entities
            .findBySubjectAndPurposeAndLiftedAtIsNull(subject.trim(), purpose)
            .orElseThrow(
                () ->
                    new BadInputException(
                        "that subject has no active objection to "
                            + purpose
                            + ". Fix: see 'lethe object list'"));
    entity.lift(liftedBy, Records.now(clock));
    // two people lifting it at once: the second's version is stale, it changes nothing
    Records.flush(
        entities, () -> "the objection to " + purpose + " was lifted meanwhile by someone else");
    audit.appendAbout(KIND, "lifted", subject, "to " + purpose + ", by " + liftedBy);
    return entity.toObjection();
  }

  @Transactional(readOnly = true)
  public List<Objection> list(boolean includeLifted) {
    return (includeLifted
            ? entities.findAllByOrderByIdAsc()
            : entities.findByLiftedAtIsNullOrderByIdAsc())
        .stream().map(ObjectionEntity::toObjection).toList();
  }

  private static void checkPurpose(String purpose) {
    if (!PURPOSES.contains(purpose)) {
      throw new BadInputException(
          "--purpose " + purpose + " is not a purpose. Fix: give one of " + PURPOSES);
    }
  }
}
