package dev.lethe.subject;

import dev.lethe.audit.AuditTrail;
import dev.lethe.policy.Policy;
import dev.lethe.store.Outbox;
import dev.lethe.store.SubjectData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The records of one request's changes under one policy, as the store asks for them: each is sealed
 * here and written by the store with its change; those whose change happened are taken once the
 * store has returned.
 */
final class ChangeRecorder implements SubjectData.Recorder {

  private final AuditTrail audit;
  private final SubjectRequest request;
  private final Policy policy;
  private final Long runId;
  private final Map<UUID, RequestRecord> written = new LinkedHashMap<>();

  ChangeRecorder(AuditTrail audit, SubjectRequest request, Policy policy, Long runId) {
    this.audit = audit;
    this.request = request;
    this.policy = policy;
    this.runId = runId;
  }

  @Override
  public synchronized Outbox.Entry recordOf(SubjectData.ErasureOutcome change, boolean anyCase) {
    long rows = change.deleted() + change.pseudonymised();
    if (rows == 0) {
      return null;
    }
    var draft =
        audit.draft(
            "request",
            change.deleted() > 0 ? "deleted" : "pseudonymised",
            runId,
            policy.name(),
            null,
            Map.of(anyCase ? AuditTrail.anyCase(request.subject()) : request.subject(), rows),
            rows,
            dev.lethe.audit.RequestEntries.detail(
                request.id(), RequestRecord.changes(change.deleted(), change.pseudonymised())));
    var record =
        new RequestRecord(
            UUID.randomUUID(),
            request.id(),
            policy.name(),
            policy.store(),
            runId,
            change.deleted(),
            change.pseudonymised(),
            draft);
    written.put(record.id(), record);
    return record.entry(audit);
  }

  @Override
  public synchronized void undone(UUID id) {
    written.remove(id);
  }

  /** The records of the changes that happened, once the store has returned. */
  synchronized List<RequestRecord> written() {
    return List.copyOf(written.values());
  }
}
