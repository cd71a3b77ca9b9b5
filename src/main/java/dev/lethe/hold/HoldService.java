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
 * Places, releases and lists legal holds: the records people edit, as entities (Hibernate), each
 * change with its entry in the audit trail in the same transaction. What a run reads of the holds
 * is {@link HoldsInForce}'s, over JDBC; placing a thousand holds at once is one statement.
 */
@Transactional
public class HoldService {

  private static final String KIND = "hold";

  private final JdbcClient jdbc;
  private final Clock clock;
  private final AuditTrail audit;
  private final HoldEntities entities;

  HoldService(JdbcClient jdbc, Clock clock, AuditTrail audit, HoldEntities entities) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.audit = audit;
    this.entities = entities;
  }

  public Hold place(
      String subject,
      String policy,
      String category,
      String caseReference,
      String reason,
      String placedBy) {
    require(subject, "--subject", "the subject key whose data must be kept");
    requireText(caseReference, "--case", "the case reference, such as LIT-2026-014", REF);
    requireText(reason, "--reason", "why the data must be kept", WHY);
    dev.lethe.system.PlainText.checkKey(subject, "--subject", MAX_SUBJECT);
    if (policy != null && category != null) {
      throw new BadInputException(
          "a hold is narrowed to a policy or to a category, not both. Fix: give one of --policy,"
              + " --category");
    }
    // an erasure between its last look at the holds and its commit finishes first, and any later
    // one sees this hold
    SubjectGate.close(jdbc, subject);
    var hold =
        entities
            .saveAndFlush(
                new HoldEntity(
                    subject.trim(), policy, category, caseReference, reason, placedBy, now()))
            .toHold();
    long id = hold.id();
    SubjectFlags.bumpVersion(jdbc);
    // who placed it: the OS user at the command line, the signed-in user in the console
    audit.appendAbout(
        KIND,
        "placed",
        subject,
        "hold " + id + ", case " + caseReference + ", " + hold.scope() + ", by " + placedBy);
    return hold;
  }

  /**
   * Places one hold on each of {@code subjects} (keys, each once) under one case, all or none, in
   * one statement: a thousand holds in a second where one command each took minutes. The trail gets
   * an entry per {@value #SUBJECTS_PER_ENTRY} subjects, naming each by its token as a run's entries
   * do, so that each subject's history shows its hold.
   */
  public PlacedHolds placeAll(
      List<String> subjects,
      String policy,
      String category,
      String caseReference,
      String reason,
      String placedBy) {
    requireText(caseReference, "--case", "the case reference, such as LIT-2026-014", REF);
    requireText(reason, "--reason", "why the data must be kept", WHY);
    if (policy != null && category != null) {
      throw new BadInputException(
          "a hold is narrowed to a policy or to a category, not both. Fix: give one of --policy,"
              + " --category");
    }
    if (subjects.isEmpty()) {
      throw new BadInputException("no subject to hold. Fix: give one subject key per line");
    }
    for (var subject : subjects) {
      dev.lethe.system.PlainText.checkKey(subject, "a subject to hold", MAX_SUBJECT);
    }
    // every erasure between its last look at the holds and its commit finishes first
    SubjectGate.closeAll(jdbc);
    var keys = subjects.stream().map(String::trim).toArray(String[]::new);
    var ids =
        jdbc.sql(
                """
                INSERT INTO lethe.legal_hold
                  (subject, policy, category, case_reference, reason, placed_by, placed_at)
                SELECT s, ?, ?, ?, ?, ?, ? FROM unnest(?::text[]) WITH ORDINALITY AS k (s, n)
                ORDER BY n RETURNING id""")
            .params(policy, category, caseReference, reason, placedBy, Timestamp.from(now()), keys)
            .query(Long.class)
            .list();
    SubjectFlags.bumpVersion(jdbc);
    long first = ids.stream().mapToLong(Long::longValue).min().orElseThrow();
    long last = ids.stream().mapToLong(Long::longValue).max().orElseThrow();
    var scope = find(first).scope();
    for (int from = 0; from < keys.length; from += SUBJECTS_PER_ENTRY) {
      var some = new java.util.HashMap<String, Long>();
      for (int i = from; i < Math.min(keys.length, from + SUBJECTS_PER_ENTRY); i++) {
        some.put(keys[i], 0L);
      }
      audit.append(
          audit.draft(
              KIND,
              "placed",
              null,
              policy,
              null,
              some,
              0,
              some.size()
                  + " holds of "
                  + keys.length
                  + ", ids "
                  + first
                  + " to "
                  + last
                  + ", case "
                  + caseReference
                  + ", "
                  + scope
                  + ", by "
                  + placedBy));
    }
    return new PlacedHolds(ids.size(), first, last, caseReference, scope);
  }

  /** What {@link #placeAll} placed: ids {@code first} to {@code last}. */
  public record PlacedHolds(int count, long first, long last, String caseReference, String scope) {}

  private static final int SUBJECTS_PER_ENTRY = 100_000;

  public Hold release(long id, String reason, String releasedBy) {
    // the release's trail entry holds the reason, and is found by its whole text through an index
    // (V18), whose entries PostgreSQL bounds to about 2,700 bytes: a short reason
    requireText(reason, "--reason", "why the hold is released", RELEASE_WHY);
    var entity = entity(id);
    var hold = entity.toHold();
    if (!hold.active()) {
      throw new BadInputException(
          "hold "
              + id
              + " was already released on "
              + hold.releasedAt()
              + " by "
              + hold.releasedBy());
    }
    // the entry first: the table takes a release only with it (V18), in this transaction
    audit.appendAbout(
        KIND,
        "released",
        hold.subject(),
        "hold " + id + ", case " + hold.caseReference() + ", by " + releasedBy + ": " + reason);
    entity.release(releasedBy, now(), reason);
    // two people releasing one hold at once: the second's version is stale, it changes nothing
    // and its trail entry rolls back with it
    Records.flush(
        entities,
        () -> "hold " + id + " was released meanwhile by someone else. Fix: see 'lethe hold list'");
    SubjectFlags.bumpVersion(jdbc);
    return entity.toHold();
  }

  /** How many holds are in force: counted by the database, not read (a case may hold thousands). */
  @Transactional(readOnly = true)
  public long inForce() {
    return entities.countByReleasedAtIsNull();
  }

  @Transactional(readOnly = true)
  public List<Hold> list(boolean includeReleased) {
    return (includeReleased
            ? entities.findAllByOrderByIdAsc()
            : entities.findByReleasedAtIsNullOrderByIdAsc())
        .stream().map(HoldEntity::toHold).toList();
  }

  @Transactional(readOnly = true)
  public Hold find(long id) {
    return entity(id).toHold();
  }

  private HoldEntity entity(long id) {
    return entities
        .findById(id)
        .orElseThrow(
            () -> new BadInputException("no hold with id " + id + ". Fix: see 'lethe hold list'"));
  }

  /** Now, as PostgreSQL keeps it (microseconds): what is returned is what a later read finds. */
  private Instant now() {
    return Records.now(clock);
  }

  static void require(String value, String option, String what) {
    if (value == null || value.isBlank()) {
      throw new BadInputException(option + " is missing. Fix: give " + what);
    }
  }

  /** Present, and one line of plain text of at most {@code most} characters. */
  static void requireText(String value, String option, String what, int most) {
    require(value, option, what);
    dev.lethe.system.PlainText.check(value, option, most);
  }

  /** The longest subject key taken: a key is an identifier, not a document (as for requests). */
  static final int MAX_SUBJECT = 200;

  static final int REF = dev.lethe.system.PlainText.REFERENCE;
  static final int WHY = dev.lethe.system.PlainText.REASON;
  static final int RELEASE_WHY = 300;
}
