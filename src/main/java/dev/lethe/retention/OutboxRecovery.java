package dev.lethe.retention;

import dev.lethe.audit.AuditEntry;
import dev.lethe.audit.AuditTrail;
import dev.lethe.store.Outbox;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * What a purge step takes from its store's outbox before its first chunk: the records of windows
 * whose rows went but whose chunk never committed in the control database (decision 0016).
 */
final class OutboxRecovery {

  // the step's logger: operators look for these lines under the purge
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PurgeTasklet.class);

  private final Outbox outbox;
  private final AuditTrail audit;
  private final String store;
  private final String stepName;
  private final String policy;
  private final String stage;

  OutboxRecovery(
      Outbox outbox, AuditTrail audit, String store, String stepName, String policy, String stage) {
    this.outbox = outbox;
    this.audit = audit;
    this.store = store;
    this.stepName = stepName;
    this.policy = policy;
    this.stage = stage;
  }

  /**
   * Takes what earlier runs left in the store's outbox: windows whose rows went but whose chunk
   * never committed (a killed process, a lost connection to the control database). Each record is
   * appended to the trail once; a record of this run's own step (a restart) adds its counts here,
   * where its window's rows are counted for the first time: the window, done again, finds nothing
   * more. It commits with the first chunk.
   */
  void recover(StepExecution execution, ExecutionContext context) {
    var pending = outbox.pending();
    var progress = Counts.read(context);
    var counted =
        new java.util.LinkedHashSet<String>(
            context.containsKey(PurgeTasklet.RECOVERED)
                ? strings(context.get(PurgeTasklet.RECOVERED))
                : List.of());
    var taken = new ArrayList<java.util.UUID>();
    long rows = 0;
    var runs = new java.util.TreeSet<Long>();
    long instance = execution.getJobExecution().getJobInstance().getInstanceId();
    for (var entry : pending) {
      java.util.Map<String, Object> body;
      try {
        body = dev.lethe.audit.OutboxSeal.open(audit, entry.id(), entry.payload());
      } catch (dev.lethe.audit.OutboxSeal.Refused refused) {
        // written by someone else, or changed: neither appended nor counted; the trail says so,
        // and the store forgets it. The refusal is not kept under the record's id: whoever wrote
        // junk under the id of a genuine record (left in another store's outbox, or in this
        // one's by a window whose chunk has not appended it yet) would otherwise have that record
        // taken for appended already, its rows gone with no entry
        var draft =
            AuditEntry.Draft.plain(
                "outbox",
                "refused",
                execution.getJobExecutionId(),
                "record "
                    + entry.id()
                    + " in the outbox of store '"
                    + store
                    + "' refused: "
                    + refused.getMessage()
                    + "; "
                    + entry.payload().length
                    + " bytes");
        audit.append(draft);
        LOG.error(
            "store {}: outbox record {} refused: {}. Someone other than Lethe wrote to the"
                + " store's outbox; the trail records it",
            store,
            entry.id(),
            refused.getMessage());
        taken.add(entry.id());
        continue;
      }
      if (dev.lethe.audit.OutboxSeal.isRequest(body)) {
        // a data-subject request's change: the requests step takes it, with its request's outcome
        continue;
      }
      var record = WindowRecord.of(entry.id(), body);
      boolean own = record.instance() == instance && record.step().equals(stepName);
      var draft =
          record.execution() == execution.getJobExecutionId()
              ? record.draft()
              : record
                  .draft()
                  .withDetail(
                      dev.lethe.audit.AuditTrail.RECOVERED_BY
                          + execution.getJobExecutionId()
                          + " from store '"
                          + whereMade(record)
                          + "'"
                          + (whereMade(record).equals(store)
                              ? ""
                              : ", its record found in the outbox of store '" + store + "'"));
      if (audit.appendOnce(draft, record.id())) {
        rows += record.changed();
        runs.add(record.execution());
        if (own && counted.add(record.id().toString())) {
          progress = Counts.add(progress, record.counts());
        }
      }
      taken.add(record.id());
    }
    // this step's windows of earlier attempts that a run of another job appended first (and took
    // from the outbox): counted here too, or this run's report would miss rows its attempts took
    for (var recovered : audit.recoveredOf(instance, policy, stage)) {
      if (counted.add(recovered.outboxId().toString())) {
        progress =
            Counts.add(
                progress,
                new dev.lethe.store.WindowOutcome(
                    List.of(),
                    false,
                    recovered.rows(),
                    recovered.rows(),
                    0,
                    0,
                    0,
                    0,
                    java.util.Map.of()));
      }
    }
    Counts.write(context, progress);
    context.put(PurgeTasklet.RECOVERED, new ArrayList<>(counted));
    forgetOnCommit(outbox, store, taken);
    if (rows > 0) {
      LOG.info(
          "store {}: recovered the audit records of {} row(s) of run(s) {} whose windows committed"
              + " in the store but not in the control database",
          store,
          rows,
          runs);
    }
  }

  /**
   * The store whose rows the record's window changed, as the sealed record says (a copy of it may
   * lie in another store's outbox); this store's where the record is older than that field.
   */
  private String whereMade(WindowRecord record) {
    return record.store() == null ? store : record.store();
  }

  /** Once the chunk has committed the trail's entries, the store may forget their records. */
  static void forgetOnCommit(Outbox outbox, String store, List<java.util.UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    org.springframework.transaction.support.TransactionSynchronizationManager
        .registerSynchronization(
            new org.springframework.transaction.support.TransactionSynchronization() {
              @Override
              public void afterCommit() {
                try {
                  outbox.taken(ids);
                } catch (RuntimeException e) {
                  // the next run finds them in the trail already, and forgets them then
                  LOG.warn("store {}: {}", store, e.getMessage());
                }
              }
            });
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object value) {
    return (List<String>) value;
  }
}
