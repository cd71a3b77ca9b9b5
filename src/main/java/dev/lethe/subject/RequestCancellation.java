package dev.lethe.subject;

import dev.lethe.audit.AuditTrail;
import dev.lethe.hold.SubjectFlags;
import dev.lethe.system.BadInputException;
import dev.lethe.system.Records;
import java.time.Clock;
import javax.sql.DataSource;
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
  private final DataSource dataSource;
  private final Clock clock;

  RequestCancellation(
      RequestEntities entities,
      RequestService requests,
      AuditTrail audit,
      JdbcClient jdbc,
      DataSource dataSource,
      Clock clock) {
    this.entities = entities;
    this.requests = requests;
    this.audit = audit;
    this.jdbc = jdbc;
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /**
   * What was already done stays done and recorded; nothing more is done for it, and an export
   * request no longer spares the subject's rows. The trail records who cancelled it and why.
   */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  public SubjectRequest cancel(long id, String reason, String by) {
    if (reason == null || reason.isBlank()) {
      throw new BadInputException(
          "a cancellation needs its reason. Fix: add --reason \"withdrawn by the subject\"");
    }
    dev.lethe.system.PlainText.check(reason, "--reason", dev.lethe.system.PlainText.REASON);
    // the lock a runner holds while it carries the request out (RequestRunner): a cancel never
    // lands in the middle of one, where the runner would go on with the policies after it
    var lock = dev.lethe.system.SessionLock.tryAcquire(dataSource, "lethe.request." + id);
    if (lock.isEmpty()) {
      throw new BadInputException(
          "request "
              + id
              + " is being carried out by a run right now. Fix: cancel it once that run has"
              + " ended ('lethe runs' shows it); what the run did stays done and recorded");
    }
    try (var held = lock.get()) {
      return cancelHeld(id, reason.strip(), by);
    }
  }

  private SubjectRequest cancelHeld(long id, String reason, String by) {
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
    request.cancel(by, Records.now(clock), reason);
    // settled by a run, or cancelled by someone else, since it was read: its version moved on
    Records.flush(
        entities,
        () ->
            "request "
                + id
                + " changed meanwhile (settled by a run or cancelled by someone else). Fix: see"
                + " 'lethe request show "
                + id
                + "'");
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
}
