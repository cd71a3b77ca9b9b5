package dev.lethe.hold;

import dev.lethe.audit.AuditTrail;
import dev.lethe.system.BadInputException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * Objections to processing for a purpose (GDPR art. 21): a subject who objected to analytics is
 * left out of every statistic from the next bucket computed on.
 */
@Transactional
public class ObjectionService {

  /** The purposes one may object to. */
  public static final List<String> PURPOSES = List.of("analytics", "marketing");

  private static final String KIND = "objection";

  private final JdbcClient jdbc;
  private final Clock clock;
  private final AuditTrail audit;

  public ObjectionService(JdbcClient jdbc, Clock clock, AuditTrail audit) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.audit = audit;
  }

  /** An objection as recorded. */
  public record Objection(
      long id,
      String subject,
      String purpose,
      String placedBy,
      Instant placedAt,
      Instant liftedAt) {}

  public Objection place(String subject, String purpose, String placedBy) {
    HoldService.require(subject, "--subject", "the subject key who objects");
    dev.lethe.system.PlainText.checkKey(subject, "--subject", HoldService.MAX_SUBJECT);
    checkPurpose(purpose);
    // one objection in force per subject and purpose: two placing it at once record it once
    int placed =
        jdbc.sql(
                "INSERT INTO lethe.objection (subject, purpose, placed_by, placed_at)"
                    + " VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (subject, purpose) WHERE lifted_at IS NULL DO NOTHING")
            .params(subject.trim(), purpose, placedBy, Timestamp.from(clock.instant()))
            .update();
    if (placed > 0) {
      audit.appendAbout(KIND, "placed", subject, "to " + purpose + ", by " + placedBy);
    }
    return active(subject.trim(), purpose);
  }

  public Objection lift(String subject, String purpose, String liftedBy) {
    HoldService.require(subject, "--subject", "the subject key whose objection is lifted");
    checkPurpose(purpose);
    int lifted =
        jdbc.sql(
                "UPDATE lethe.objection SET lifted_by = ?, lifted_at = ?"
                    + " WHERE subject = ? AND purpose = ? AND lifted_at IS NULL")
            .params(liftedBy, Timestamp.from(clock.instant()), subject.trim(), purpose)
            .update();
    if (lifted == 0) {
      throw new BadInputException(
          "that subject has no active objection to " + purpose + ". Fix: see 'lethe object list'");
    }
    audit.appendAbout(KIND, "lifted", subject, "to " + purpose + ", by " + liftedBy);
    return jdbc.sql(
            "SELECT * FROM lethe.objection WHERE subject = ? AND purpose = ? ORDER BY id DESC"
                + " LIMIT 1")
        .params(subject.trim(), purpose)
        .query(ObjectionService::row)
        .single();
  }

  @Transactional(readOnly = true)
  public List<Objection> list(boolean includeLifted) {
    return jdbc.sql(
            "SELECT * FROM lethe.objection"
                + (includeLifted ? "" : " WHERE lifted_at IS NULL")
                + " ORDER BY id")
        .query(ObjectionService::row)
        .list();
  }

  /** The subjects with an active objection to {@code purpose}. */
  @Transactional(readOnly = true)
  public Set<String> objectors(String purpose) {
    return Set.copyOf(
        jdbc.sql("SELECT subject FROM lethe.objection WHERE purpose = ? AND lifted_at IS NULL")
            .param(purpose)
            .query(String.class)
            .list());
  }

  private Objection active(String subject, String purpose) {
    return jdbc.sql(
            "SELECT * FROM lethe.objection WHERE subject = ? AND purpose = ? AND lifted_at IS NULL")
        .params(subject, purpose)
        .query(ObjectionService::row)
        .single();
  }

  private static void checkPurpose(String purpose) {
    if (!PURPOSES.contains(purpose)) {
      throw new BadInputException(
          "--purpose " + purpose + " is not a purpose. Fix: give one of " + PURPOSES);
    }
  }

  private static Objection row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
    var lifted = rs.getTimestamp("lifted_at");
    return new Objection(
        rs.getLong("id"),
        rs.getString("subject"),
        rs.getString("purpose"),
        rs.getString("placed_by"),
        rs.getTimestamp("placed_at").toInstant(),
        lifted == null ? null : lifted.toInstant());
  }
}
