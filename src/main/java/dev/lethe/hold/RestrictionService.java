package dev.lethe.hold;

import dev.lethe.audit.AuditTrail;
import dev.lethe.system.BadInputException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/** Places, lifts and lists restriction-of-processing flags, one active flag per subject. */
@Transactional
public class RestrictionService {

  private static final String KIND = "restriction";

  private final AuditTrail audit;
  private final JdbcClient jdbc;
  private final Clock clock;

  public RestrictionService(JdbcClient jdbc, Clock clock, AuditTrail audit) {
    this.audit = audit;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public Restriction place(String subject, String grounds, String placedBy) {
    HoldService.require(subject, "--subject", "the subject key whose processing is restricted");
    dev.lethe.system.PlainText.checkKey(subject, "--subject", HoldService.MAX_SUBJECT);
    HoldService.requireText(
        grounds, "--grounds", "the grounds, such as 'accuracy contested'", HoldService.WHY);
    // a purge's windows in flight commit first; every later one spares the subject
    SubjectGate.close(jdbc, subject);
    if (active(subject.trim()).isPresent()) {
      throw new BadInputException(
          "subject is already restricted. Fix: lift the restriction first, or leave it as it is");
    }
    long id =
        jdbc.sql(
                "INSERT INTO lethe.restriction (subject, grounds, placed_by, placed_at)"
                    + " VALUES (?, ?, ?, ?) RETURNING id")
            .params(subject.trim(), grounds, placedBy, Timestamp.from(clock.instant()))
            .query(Long.class)
            .single();
    SubjectFlags.bumpVersion(jdbc);
    audit.appendAbout(KIND, "placed", subject, "restriction " + id + ", by " + placedBy);
    return find(id);
  }

  public Restriction lift(String subject, String liftedBy) {
    HoldService.require(subject, "--subject", "the subject key whose restriction is lifted");
    var restriction =
        active(subject.trim())
            .orElseThrow(
                () ->
                    new BadInputException(
                        "that subject has no active restriction. Fix: see 'lethe restrict list'"));
    // the entry first: the table takes a lift only with it (V18), in this transaction
    audit.appendAbout(
        KIND, "lifted", subject, "restriction " + restriction.id() + ", by " + liftedBy);
    // two people lifting it at once: the second changes nothing (its entry rolls back with it)
    int lifted =
        jdbc.sql(
                "UPDATE lethe.restriction SET lifted_by = ?, lifted_at = ? WHERE id = ?"
                    + " AND lifted_at IS NULL")
            .params(liftedBy, Timestamp.from(clock.instant()), restriction.id())
            .update();
    if (lifted == 0) {
      throw new BadInputException(
          "restriction " + restriction.id() + " was lifted meanwhile by someone else");
    }
    SubjectFlags.bumpVersion(jdbc);
    return find(restriction.id());
  }

  @Transactional(readOnly = true)
  public List<Restriction> list(boolean includeLifted) {
    return jdbc.sql(
            "SELECT * FROM lethe.restriction"
                + (includeLifted ? "" : " WHERE lifted_at IS NULL")
                + " ORDER BY id")
        .query(RestrictionService::restriction)
        .list();
  }

  private java.util.Optional<Restriction> active(String subject) {
    return jdbc.sql("SELECT * FROM lethe.restriction WHERE subject = ? AND lifted_at IS NULL")
        .param(subject)
        .query(RestrictionService::restriction)
        .optional();
  }

  private Restriction find(long id) {
    return jdbc.sql("SELECT * FROM lethe.restriction WHERE id = ?")
        .param(id)
        .query(RestrictionService::restriction)
        .single();
  }

  private static Restriction restriction(ResultSet rs, int row) throws SQLException {
    return new Restriction(
        rs.getLong("id"),
        rs.getString("subject"),
        rs.getString("grounds"),
        rs.getString("placed_by"),
        HoldService.instant(rs.getTimestamp("placed_at")),
        rs.getString("lifted_by"),
        HoldService.instant(rs.getTimestamp("lifted_at")));
  }
}
