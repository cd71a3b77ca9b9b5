package dev.lethe.retention;

import dev.lethe.audit.AuditTrail;
import dev.lethe.audit.KnownPrefixes;
import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.store.Outbox;
import dev.lethe.store.WindowOutcome;
import org.springframework.batch.core.step.StepExecution;

/**
 * How a window's outcome becomes its record (docs/decisions/0016): the audit entry's draft, whose
 * subjects are tokens, with the window's counts, and the sealed entry its store keeps in the
 * window's own transaction until the trail has it. Made before the guards look at the window, side
 * by side with the other windows.
 */
final class WindowRecords {

  /** A window's record and the entry its store keeps of it; both null where nothing changed. */
  record Made(WindowRecord record, Outbox.Entry entry) {}

  private final AuditTrail audit;
  private final PolicyStep step;
  private final Policy policy;

  /**
   * Subjects' prefixes kept across the step's whole partitions, which meet the same subjects again
   * and again (not across windows: a table's windows seldom do, and the cache would only take
   * heap); none once the partitions are done.
   */
  private volatile KnownPrefixes partsPrefixes = new KnownPrefixes();

  WindowRecords(AuditTrail audit, PolicyStep step) {
    this.audit = audit;
    this.step = step;
    this.policy = step.policy();
  }

  /** The whole partitions are done: their prefixes are let go. */
  void partsDone() {
    partsPrefixes = null;
  }

  Made make(WindowOutcome outcome, StepExecution execution) {
    if (outcome.changed() == 0) {
      return new Made(null, null);
    }
    var draft =
        audit.draft(
            "purge",
            step.action() == Policy.Action.DELETE ? "deleted" : "pseudonymised",
            execution.getJobExecutionId(),
            policy.name(),
            step.action().yamlName(),
            outcome.changedBySubject(),
            outcome.changed(),
            policy.auditsSubjects() ? null : "subjects not recorded: the policy says audit: counts",
            partsPrefixes);
    var job = execution.getJobExecution();
    var record =
        WindowRecord.of(
            job.getJobInstance().getInstanceId(),
            job.getId(),
            job.getJobInstance().getJobName(),
            step.name(),
            policy.store(),
            outcome,
            draft);
    return new Made(record, record.entry(audit));
  }
}
