package dev.lethe.subject;

import dev.lethe.audit.AuditTrail;
import dev.lethe.hold.SubjectFlags;
import dev.lethe.system.BadInputException;
import dev.lethe.system.Records;
import java.time.Clock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Cancels a request not yet done: withdrawn by its subject, or refused (identity not confirmed).
 * The change people make to a request, on its entity; receiving and settling requests is {@link
 * RequestService}'s, over JDBC.
 */
public class RequestCancellation {

  private final RequestEntities entities;
  private final RequestService requests;
  private final AuditTrail audit;
  private final JdbcClient jdbc;
  private final Clock clock;

  RequestCancellation(
      RequestEntities entities,
      RequestService requests,
      AuditTrail audit,
      JdbcClient jdbc,
      Clock clock) {
    this.entities = entities;
    this.requests = requests;
    this.audit = audit;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * What was already done stays done and recorded; nothing more is done for it, and an export
   * request no longer spares the subject's rows. The trail records who cancelled it and why.
   */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  public SubjectRequest cancel(long id, String reason, String by) {
    return cancel(id, reason, by, null);
  }

  /**
   * As {@link #cancel(long, String, String)}, where the one cancelling decided on the request as it
   * stood at {@code expectedVersion} (the console's page): a request changed since (a run did part
   * of it) is not cancelled, and they are told so. Null: as it stands now (the command line).
   */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  public SubjectRequest cancel(long id, String reason, String by, Long expectedVersion) {
    if (reason == null || reason.isBlank()) {
      throw new BadInputException(
          "a cancellation needs its reason. Fix: add --reason \"withdrawn by the subject\"");
    }
    dev.lethe.system.PlainText.check(reason, "--reason", dev.lethe.system.PlainText.REASON);
    // the lock a runner holds while it carries the request out (RequestRunner): a cancel never
    // lands in the middle of one, where the runner would go on with the policies after it. Taken
    // for this transaction, on its own connection: it is let go only once the cancel has
    // committed, so a runner that takes it next finds the request cancelled (a lock let go before
    // the commit let a run erase for a request just cancelled), and a cancel holds one connection
    // of the pool, not two.
    boolean locked =
        jdbc.sql("SELECT pg_try_advisory_xact_lock(hashtext(?), 0)")
            .param(RequestRunner.lockName(id))
            .query(Boolean.class)
            .single();
    if (!locked) {
      throw new BadInputException(
          "request "
              + id
              + " is being changed right now: carried out by a run, or cancelled by someone"
              + " else. Fix: see 'lethe request show "
              + id
              + "' in a moment, and cancel it then if it is still open; what a run did stays"
              + " done and recorded");
    }
    return cancelHeld(id, reason.strip(), by, expectedVersion);
  }

  private SubjectRequest cancelHeld(long id, String reason, String by, Long expectedVersion) {
    var request =
        entities
            .findById(id)
            .orElseThrow(
                () ->
                    new BadInputException(
                        "no request with id " + id + ". Fix: see 'lethe request list'"));
    if (request.closed()) {
      throw new BadInputException(
          "request " + id + " is " + request.status() + " already: nothing to cancel");
    }
    if (expectedVersion != null && expectedVersion != request.version()) {
      throw changedMeanwhile(id);
    }
    request.cancel(by, Records.now(clock), reason);
    // settled by a run, or cancelled by someone else, since it was read: its version moved on
    Records.flush(entities, () -> changedMeanwhile(id).getMessage());
    if (request.kind() == RequestKind.EXPORT) {
      SubjectFlags.bumpVersion(jdbc);
    }
    audit.appendAbout(
        "request",
        "cancelled",
        request.subject(),
        "request " + id + ", " + request.kind().text() + ", by " + by + ": " + reason);
    return requests.find(id);
  }

  private static BadInputException changedMeanwhile(long id) {
    return new BadInputException(
        "request "
            + id
            + " changed meanwhile (a run did part of it, or someone else cancelled it). Fix: see"
            + " 'lethe request show "
            + id
            + "' and cancel it again if it should still be");
  }
}
