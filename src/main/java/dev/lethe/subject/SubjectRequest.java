package dev.lethe.subject;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A request as recorded: what was asked, by when it is due, where it stands, and what was done
 * under each policy.
 *
 * @param status open (nothing done yet), partly-done (a hold or a reference is in the way), done
 * @param exportFile where the export was written (export requests, once done)
 * @param version moved on by every change of the request (docs/decisions/0004): a cancel decided on
 *     an older one is refused
 */
public record SubjectRequest(
    long id,
    RequestKind kind,
    String subject,
    String purpose,
    String reference,
    String receivedBy,
    Instant receivedAt,
    LocalDate deadline,
    String status,
    Instant completedAt,
    String exportFile,
    List<Outcome> outcomes,
    String closedBy,
    String closedReason,
    long version) {

  public static final String OPEN = "open";
  public static final String PARTLY_DONE = "partly-done";
  public static final String DONE = "done";
  public static final String CANCELLED = "cancelled";

  public boolean done() {
    return DONE.equals(status);
  }

  /** The same request naming its subject as {@code shown} (a page shows a token, not the key). */
  public SubjectRequest withSubject(String shown) {
    return new SubjectRequest(
        id,
        kind,
        shown,
        purpose,
        reference,
        receivedBy,
        receivedAt,
        deadline,
        status,
        completedAt,
        exportFile,
        outcomes,
        closedBy,
        closedReason,
        version);
  }

  /** Done, or cancelled: nothing more is done for it. */
  public boolean closed() {
    return done() || CANCELLED.equals(status);
  }

  /** Due and not closed by the end of {@code today}'s day before. */
  public boolean overdue(LocalDate today) {
    return !closed() && deadline.isBefore(today);
  }

  /**
   * What was done under one policy. {@code fin} means nothing is left to do there; {@code heldBy}
   * names the case references of the holds in the way; {@code kept} counts the rows another policy
   * still keeps (the text says which).
   */
  public record Outcome(
      String policy,
      String store,
      boolean fin,
      String outcome,
      long deleted,
      long pseudonymised,
      long exported,
      long referenced,
      long kept,
      String heldBy,
      Long runId) {}
}
