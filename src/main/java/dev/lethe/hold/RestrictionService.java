package dev.lethe.hold;

import dev.lethe.audit.AuditTrail;
import dev.lethe.system.BadInputException;
import dev.lethe.system.Records;
import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * Places, lifts and lists restriction-of-processing flags, one active flag per subject: records
 * people edit, as entities, each change with its trail entry in the same transaction. A run reads
 * the restricted subjects through {@link SubjectFlags}, over JDBC.
 */
@Transactional
public class RestrictionService {

  private static final String KIND = "restriction";

  private final AuditTrail audit;
  private final JdbcClient jdbc;
  private final Clock clock;
  private final RestrictionEntities entities;

  RestrictionService(JdbcClient jdbc, Clock clock, AuditTrail audit, RestrictionEntities entities) {
    this.audit = audit;
    this.jdbc = jdbc;
    this.clock = clock;
    this.entities = entities;
  }

  public Restriction place(String subject, String grounds, String placedBy) {
    HoldService.require(subject, "--subject", "the subject key whose processing is restricted");
    dev.lethe.system.PlainText.checkKey(subject, "--subject", HoldService.MAX_SUBJECT);
    HoldService.requireText(
        grounds, "--grounds", "the grounds, such as 'accuracy contested'", HoldService.WHY);
    // a purge's windows in flight commit first; every later one spares the subject
    SubjectGate.close(jdbc, subject);
    if (entities.findBySubjectAndLiftedAtIsNull(subject.trim()).isPresent()) {
      throw alreadyRestricted();
    }
    RestrictionEntity placed;
    try {
      placed =
          entities.saveAndFlush(
              new RestrictionEntity(subject.trim(), grounds, placedBy, Records.now(clock)));
    } catch (org.springframework.dao.DataIntegrityViolationException e) {
      throw alreadyRestricted(); // restricted by someone else just now (one in force: V2's index)
    }
    var restriction = placed.toRestriction();
    SubjectFlags.bumpVersion(jdbc);
    audit.appendAbout(
        KIND, "placed", subject, "restriction " + restriction.id() + ", by " + placedBy);
    return restriction;
  }

  private static BadInputException alreadyRestricted() {
    return new BadInputException(
        "subject is already restricted. Fix: lift the restriction first, or leave it as it is");
  }

  public Restriction lift(String subject, String liftedBy) {
    HoldService.require(subject, "--subject", "the subject key whose restriction is lifted");
    // as placing it: a key with a control character trimmed away lifted another's restriction
    dev.lethe.system.PlainText.checkKey(subject, "--subject", HoldService.MAX_SUBJECT);
    var entity =
        entities
            .findBySubjectAndLiftedAtIsNull(subject.trim())
            .orElseThrow(
                () ->
                    new BadInputException(
                        "that subject has no active restriction. Fix: see 'lethe restrict list'"));
    long id = entity.toRestriction().id();
    // the entry first: the table takes a lift only with it (V18), in this transaction
    audit.appendAbout(KIND, "lifted", subject, "restriction " + id + ", by " + liftedBy);
    entity.lift(liftedBy, Records.now(clock));
    // two people lifting it at once: the second's version is stale, it changes nothing and its
    // entry rolls back with it
    Records.flush(entities, () -> "restriction " + id + " was lifted meanwhile by someone else");
    SubjectFlags.bumpVersion(jdbc);
    return entity.toRestriction();
  }

  @Transactional(readOnly = true)
  public List<Restriction> list(boolean includeLifted) {
    return (includeLifted
            ? entities.findAllByOrderByIdAsc()
            : entities.findByLiftedAtIsNullOrderByIdAsc())
        .stream().map(RestrictionEntity::toRestriction).toList();
  }
}
