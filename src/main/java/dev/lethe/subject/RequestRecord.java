package dev.lethe.subject;

import dev.lethe.audit.AuditEntry;
import dev.lethe.audit.AuditTrail;
import dev.lethe.audit.OutboxSeal;
import dev.lethe.audit.RequestEntries;
import dev.lethe.store.Outbox;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What a store's outbox keeps of one change a request made under one policy (docs/decisions/0021):
 * the rows it deleted and pseudonymised, and the audit entry's draft, so that whichever run takes
 * the record appends the entry once and adds the rows to the request's outcome once.
 */
record RequestRecord(
    UUID id,
    long request,
    String policy,
    String store,
    Long runId,
    long deleted,
    long pseudonymised,
    AuditEntry.Draft draft) {

  /** A change's rows in words: "deleted 3, pseudonymised 2". */
  static String changes(long deleted, long pseudonymised) {
    return RequestEntries.changes(deleted, pseudonymised);
  }

  /** The record as its store keeps it, sealed ({@link OutboxSeal}). */
  Outbox.Entry entry(AuditTrail audit) {
    var body = new LinkedHashMap<String, Object>();
    body.put("id", id.toString());
    body.put("type", OutboxSeal.REQUEST);
    body.put("request", request);
    body.put("policy", policy);
    body.put("store", store);
    body.put("runId", runId);
    body.put("deleted", deleted);
    body.put("pseudonymised", pseudonymised);
    body.put("draft", draft.toMap());
    return new Outbox.Entry(id, OutboxSeal.seal(audit, body));
  }

  /** The record of an opened body of type {@value OutboxSeal#REQUEST}. */
  @SuppressWarnings("unchecked")
  static RequestRecord of(UUID id, Map<String, Object> body) {
    var run = (Number) body.get("runId");
    return new RequestRecord(
        id,
        ((Number) body.get("request")).longValue(),
        (String) body.get("policy"),
        (String) body.get("store"),
        run == null ? null : run.longValue(),
        ((Number) body.get("deleted")).longValue(),
        ((Number) body.get("pseudonymised")).longValue(),
        AuditEntry.Draft.of((Map<String, Object>) body.get("draft")));
  }

  /** This record as the entry of a run that took it from a store after the run that made it. */
  RequestRecord recoveredBy(Long run) {
    return new RequestRecord(
        id,
        request,
        policy,
        store,
        runId,
        deleted,
        pseudonymised,
        recordedBy(
            draft.withDetail(
                dev.lethe.audit.AuditTrail.RECOVERED_BY
                    + run
                    + " from store '"
                    + store
                    + "': run "
                    + runId
                    + ", which made the change, ended before recording it"),
            run));
  }

  /** The draft as an entry of the run that records it: that run's report counts its rows. */
  private static AuditEntry.Draft recordedBy(AuditEntry.Draft draft, Long run) {
    return new AuditEntry.Draft(
        draft.kind(),
        draft.action(),
        run,
        draft.policy(),
        draft.stage(),
        draft.subjects(),
        draft.rows(),
        draft.totalRows(),
        draft.detail());
  }
}
