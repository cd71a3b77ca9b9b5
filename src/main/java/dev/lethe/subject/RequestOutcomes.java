package dev.lethe.subject;

import dev.lethe.audit.AuditTrail;
import java.sql.Timestamp;
import java.time.Clock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What was done for a request under each policy, as runs carry it out: the records of its changes
 * taken from the stores' outboxes (each once, with its trail entry), where it stands after each
 * try, and what an export found. Each in a transaction of its own, committed at once: a store's
 * change cannot be rolled back with a run's step, so its record must not be either. The requests
 * themselves (received, settled, cancelled) are {@link RequestService}'s.
 */
@Transactional
public class RequestOutcomes {

  private final JdbcClient jdbc;
  private final Clock clock;
  private final AuditTrail audit;

  public RequestOutcomes(JdbcClient jdbc, Clock clock, AuditTrail audit) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.audit = audit;
  }

  /**
   * Records what an export found under one policy; a final outcome is never replaced.
   *
   * @param anyCase the policy's subject column compares text whatever its case (citext): the trail
   *     records the entry under the key in every spelling, as it does the rows' changes
   */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  void record(long requestId, SubjectRequest.Outcome outcome, boolean anyCase) {
    var subject = recordedKey(requestId, anyCase);
    long rows = outcome.deleted() + outcome.pseudonymised() + outcome.exported();
    var before =
        jdbc.sql("SELECT outcome FROM lethe.request_outcome WHERE request_id = ? AND policy = ?")
            .params(requestId, outcome.policy())
            .query(String.class)
            .optional();
    // a request a hold keeps is tried every night: the trail records what changed, not each try
    boolean unchanged = rows == 0 && before.isPresent() && before.get().equals(outcome.outcome());
    if (!unchanged) {
      audit.append(
          audit.draft(
              "request",
              action(outcome),
              outcome.runId(),
              outcome.policy(),
              null,
              java.util.Map.of(subject, rows),
              rows,
              dev.lethe.audit.RequestEntries.detail(requestId, outcome.outcome())));
    }
    upsertStanding(requestId, outcome);
  }

  /**
   * Takes the record of a request's change from its store's outbox: its entry is appended to the
   * trail and its rows added to the policy's outcome, both once, whichever run takes it and however
   * often. Returns whether this call took it.
   */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  boolean take(RequestRecord record) {
    var status =
        jdbc.sql("SELECT status FROM lethe.subject_request WHERE id = ?")
            .param(record.request())
            .query(String.class)
            .optional();
    boolean known = status.isPresent();
    var draft =
        known
            ? record.draft()
            : record
                .draft()
                .withDetail("request " + record.request() + " is no longer on record here");
    if (!audit.appendOnce(draft, record.id())) {
      return false; // taken before: its rows are counted already
    }
    if (!known) {
      return true; // the rows left the store: the trail says so, there is no outcome to add to
    }
    boolean cancelled = SubjectRequest.CANCELLED.equals(status.get());
    // the outcome's words until the request's next run under the policy says it all (a cancelled
    // request has none: these are its last)
    jdbc.sql(
            """
            INSERT INTO lethe.request_outcome
              (request_id, policy, store, final, outcome, deleted, pseudonymised, exported,
               referenced, kept, held_by, run_id, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, NULL, ?, ?)
            ON CONFLICT (request_id, policy) DO UPDATE SET
              deleted = lethe.request_outcome.deleted + excluded.deleted,
              pseudonymised = lethe.request_outcome.pseudonymised + excluded.pseudonymised,
              updated_at = excluded.updated_at""")
        .params(
            record.request(),
            record.policy(),
            record.store(),
            cancelled,
            RequestRecord.changes(record.deleted(), record.pseudonymised())
                + (cancelled
                    ? " before the request was cancelled"
                    : "; the rest at the request's next run"),
            record.deleted(),
            record.pseudonymised(),
            record.runId(),
            Timestamp.from(clock.instant()))
        .update();
    changed(record.request());
    if (cancelled) {
      // its last words, of every row its changes took
      jdbc.sql(
              """
              UPDATE lethe.request_outcome SET final = true,
                outcome = concat_ws(', ',
                    CASE WHEN deleted > 0 THEN 'deleted ' || deleted END,
                    CASE WHEN pseudonymised > 0 THEN 'pseudonymised ' || pseudonymised END)
                  || ' before the request was cancelled'
              WHERE request_id = ? AND policy = ?""")
          .params(record.request(), record.policy())
          .update();
    }
    return true;
  }

  /** The rows deleted and pseudonymised so far for a request under a policy, in all its runs. */
  @Transactional(readOnly = true)
  long[] changedSoFar(long requestId, String policy) {
    return jdbc.sql(
            "SELECT deleted, pseudonymised FROM lethe.request_outcome"
                + " WHERE request_id = ? AND policy = ?")
        .params(requestId, policy)
        .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
        .optional()
        .orElse(new long[2]);
  }

  /**
   * Records where an erasure stands under one policy after a try: final or not, in words, what is
   * left and why. Its rows are not counted here: each change's record was taken ({@link #take})
   * with its entry; the trail records the outcome itself only where the try changed no row and its
   * words are new, or a hold stopped it.
   *
   * @param changed whether the try changed rows (and took their records)
   * @param anyCase as for {@link #record}: a held or nothing-to-do entry of a citext table was
   *     found only under the spelling the request named
   */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  void recordStanding(
      long requestId, SubjectRequest.Outcome outcome, boolean changed, boolean anyCase) {
    var before =
        jdbc.sql("SELECT outcome FROM lethe.request_outcome WHERE request_id = ? AND policy = ?")
            .params(requestId, outcome.policy())
            .query(String.class)
            .optional();
    boolean news = before.isEmpty() || !before.get().equals(outcome.outcome());
    if (news && (!changed || outcome.heldBy() != null)) {
      audit.append(
          audit.draft(
              "request",
              outcome.heldBy() != null ? "held" : standingWord(outcome),
              outcome.runId(),
              outcome.policy(),
              null,
              java.util.Map.of(recordedKey(requestId, anyCase), 0L),
              0,
              dev.lethe.audit.RequestEntries.detail(requestId, outcome.outcome())));
    }
    upsertStanding(requestId, outcome);
  }

  /** The request's key as the trail records an entry of a policy ({@code anyCase}: see above). */
  private String recordedKey(long requestId, boolean anyCase) {
    var subject = subjectOf(requestId);
    return anyCase ? AuditTrail.anyCase(subject) : subject;
  }

  /**
   * The trail's word for an outcome that changed nothing: its words' first ones; "left" where rows
   * the request removes are still there (a file being written, a hold on another key), "kept" where
   * a keeping policy or a reference keeps them, "nothing to do" only where neither: an entry that
   * said "nothing to do" of rows left under a hold misled whoever read the trail.
   */
  private static String standingWord(SubjectRequest.Outcome outcome) {
    for (var word : java.util.List.of("failed", "not reached", "reached again", "superseded")) {
      if (outcome.outcome().startsWith(word)) {
        return word;
      }
    }
    if (!outcome.fin()) {
      return "left";
    }
    return outcome.kept() + outcome.referenced() > 0 ? "kept" : "nothing to do";
  }

  /** An outcome's policy, whether it is final, its store, and where it was reached. */
  record Placed(String policy, boolean fin, String store, String place) {}

  /** Each policy's outcome of the request and where it was reached. */
  @Transactional(readOnly = true)
  java.util.List<Placed> placed(long requestId) {
    return jdbc.sql(
            "SELECT policy, final, store, place FROM lethe.request_outcome WHERE request_id = ?")
        .param(requestId)
        .query(
            (rs, n) ->
                new Placed(
                    rs.getString("policy"),
                    rs.getBoolean("final"),
                    rs.getString("store"),
                    rs.getString("place")))
        .list();
  }

  /**
   * Records where each policy's outcome of the request was reached (policy to place), committed at
   * once as every outcome is: held in the run's transaction, its row locks kept a later outcome of
   * the same row waiting on the run.
   */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  void place(long requestId, java.util.Map<String, String> byPolicy) {
    if (byPolicy.isEmpty()) {
      return;
    }
    jdbc.sql(
            "UPDATE lethe.request_outcome o SET place = v.place FROM unnest(CAST(? AS text[]),"
                + " CAST(? AS text[])) AS v(policy, place) WHERE o.request_id = ? AND o.policy ="
                + " v.policy AND o.place IS DISTINCT FROM v.place")
        .params(
            byPolicy.keySet().toArray(String[]::new),
            byPolicy.values().toArray(String[]::new),
            requestId)
        .update();
  }

  /**
   * Where a request stands under a policy: final or not, its words, what is kept, referenced,
   * exported and by which holds; a final outcome is never replaced. Rows deleted and pseudonymised
   * are counted by {@link #take} alone, with their entries.
   */
  private void upsertStanding(long requestId, SubjectRequest.Outcome outcome) {
    jdbc.sql(
            """
            INSERT INTO lethe.request_outcome
              (request_id, policy, store, final, outcome, deleted, pseudonymised, exported,
               referenced, kept, held_by, run_id, updated_at)
            VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (request_id, policy) DO UPDATE SET
              store = excluded.store, final = excluded.final, outcome = excluded.outcome,
              exported = excluded.exported, referenced = excluded.referenced,
              kept = excluded.kept, held_by = excluded.held_by, run_id = excluded.run_id,
              updated_at = excluded.updated_at
            WHERE NOT lethe.request_outcome.final""")
        .params(
            requestId,
            outcome.policy(),
            outcome.store(),
            outcome.fin(),
            outcome.outcome(),
            outcome.exported(),
            outcome.referenced(),
            outcome.kept(),
            outcome.heldBy(),
            outcome.runId(),
            Timestamp.from(clock.instant()))
        .update();
    changed(requestId);
  }

  /** The audit action of an outcome: what happened to the rows. */
  private static String action(SubjectRequest.Outcome outcome) {
    if (outcome.heldBy() != null) {
      return "held";
    }
    if (outcome.exported() > 0) {
      return "exported";
    }
    if (outcome.deleted() > 0) {
      return "deleted";
    }
    return outcome.pseudonymised() > 0 ? "pseudonymised" : "nothing to do";
  }

  private String subjectOf(long requestId) {
    return jdbc.sql("SELECT subject FROM lethe.subject_request WHERE id = ?")
        .param(requestId)
        .query(String.class)
        .single();
  }

  /**
   * The request changed: what a run did under a policy is part of it, so a cancel decided on the
   * request as it stood before (the console's page) is refused (docs/decisions/0004), even where
   * the run stopped before it settled the request.
   */
  private void changed(long requestId) {
    jdbc.sql("UPDATE lethe.subject_request SET version = version + 1 WHERE id = ?")
        .param(requestId)
        .update();
  }
}
