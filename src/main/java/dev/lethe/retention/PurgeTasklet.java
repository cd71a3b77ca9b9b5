package dev.lethe.retention;

import dev.lethe.hold.SubjectFlags;
import dev.lethe.policy.JobDefinition.Guards;
import dev.lethe.policy.Policy;
import dev.lethe.store.RetentionTarget;
import dev.lethe.store.WindowOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Purges one policy's expired rows, one keyset window per call. Each call is one chunk: the store's
 * window commits, then Spring Batch commits the position reached and the counts in the step's
 * execution context, so a restart continues after the last committed window.
 *
 * <p>The two commits are in two databases. Should a crash fall between them, the window is done
 * again on restart: its DELETE finds nothing more to delete, so nothing is deleted twice, but the
 * rows of that one window go uncounted (docs/decisions/0002).
 */
final class PurgeTasklet implements Tasklet {

  static final String LAST = "lethe.last";
  static final String AFTER = "lethe.after";
  static final String TOTAL = "lethe.totalRows";
  static final String NOTHING_EXPIRED = "lethe.nothingExpired";

  private final Policy policy;
  private final RetentionTarget target;
  private final Guards guards;
  private final SubjectFlags flags;
  private final int windowSize;
  private final ProgressListener progress;

  PurgeTasklet(
      Policy policy,
      RetentionTarget target,
      Guards guards,
      SubjectFlags flags,
      int windowSize,
      ProgressListener progress) {
    this.policy = policy;
    this.target = target;
    this.guards = guards;
    this.flags = flags;
    this.windowSize = windowSize;
    this.progress = progress;
  }

  @Override
  public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
    var context = chunkContext.getStepContext().getStepExecution().getExecutionContext();
    if (!context.containsKey(LAST) && !context.containsKey(NOTHING_EXPIRED)) {
      start(context);
    }
    if (context.containsKey(NOTHING_EXPIRED)) {
      return RepeatStatus.FINISHED;
    }
    var before = Counts.read(context);
    var outcome =
        target.purgeNextWindow(
            after(context),
            strings(context.get(LAST)),
            windowSize,
            flags.sparedFor(policy),
            window -> checkGuards(before, window, context));
    var now = Counts.add(before, outcome);
    Counts.write(context, now);
    context.put(AFTER, new ArrayList<>(outcome.upTo()));
    contribution.incrementWriteCount(outcome.deleted());
    contribution.incrementFilterCount(outcome.examined() - outcome.deleted());
    progress.windowDone(policy.name(), now);
    return outcome.last() ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
  }

  /** Fixes, once per run, the last expired row and the table's size for the share guard. */
  private void start(ExecutionContext context) {
    var last = target.lastExpiredPosition();
    if (last.isEmpty()) {
      context.put(NOTHING_EXPIRED, true);
      return;
    }
    context.put(LAST, new ArrayList<>(last.get()));
    if (guards.maxShare().isPresent()) {
      context.putLong(TOTAL, target.totalRows());
    }
  }

  private void checkGuards(PolicyProgress before, WindowOutcome window, ExecutionContext context) {
    long deleted = before.deleted() + window.deleted();
    if (guards.maxRows().isPresent() && deleted > guards.maxRows().getAsLong()) {
      throw new GuardTrippedException(
          "guard max-rows tripped: policy '"
              + policy.name()
              + "' would delete more than "
              + guards.maxRows().getAsLong()
              + " rows in this run ("
              + before.deleted()
              + " deleted so far, the next window holds "
              + window.deleted()
              + " more);"
              + " nothing past the guard was deleted. Fix: check the policy's retention and"
              + " clock; if the volume is expected, raise guards.max-rows in the job file and"
              + " run again with the same --as-of");
    }
    if (guards.maxShare().isPresent() && context.containsKey(TOTAL)) {
      long total = context.getLong(TOTAL);
      double share = total == 0 ? 0 : (double) deleted / total;
      if (share > guards.maxShare().getAsDouble()) {
        throw new GuardTrippedException(
            String.format(
                "guard max-share tripped: policy '%s' would delete %.1f%% of %s (%d of %d rows),"
                    + " more than the %.1f%% allowed; nothing past the guard was deleted. Fix:"
                    + " check the policy; if expected, raise guards.max-share in the job file and"
                    + " run again with the same --as-of",
                policy.name(),
                share * 100,
                policy.table(),
                deleted,
                total,
                guards.maxShare().getAsDouble() * 100));
      }
    }
  }

  private static Optional<List<String>> after(ExecutionContext context) {
    return context.containsKey(AFTER) ? Optional.of(strings(context.get(AFTER))) : Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object value) {
    return (List<String>) value;
  }
}
