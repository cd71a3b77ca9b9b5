package dev.lethe.statistics;

import dev.lethe.policy.Statistic;
import java.time.ZonedDateTime;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Computes one statistic's closed buckets, as a step that runs before the job's policies. Each
 * bucket is stored in its own transaction; a restart computes the buckets not stored yet.
 */
public final class StatisticTasklet implements Tasklet {

  /** A statistic's step is named after it, with this prefix. */
  public static final String STEP_PREFIX = "statistic:";

  static final String BUCKETS = "lethe.stats.buckets";
  static final String CELLS = "lethe.stats.cells";
  static final String SUPPRESSED = "lethe.stats.suppressed";
  static final String ROWS_SUPPRESSED = "lethe.stats.rowsSuppressed";
  static final String WITHHELD = "lethe.stats.totalsWithheld";
  static final String EPSILON = "lethe.stats.epsilon";
  static final String NOT_COMPUTED = "lethe.stats.notComputed";

  private final Statistic statistic;
  private final StatisticsService service;
  private final ZonedDateTime now;

  public StatisticTasklet(Statistic statistic, StatisticsService service, ZonedDateTime now) {
    this.statistic = statistic;
    this.service = service;
    this.now = now;
  }

  @Override
  public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
    var step = chunkContext.getStepContext().getStepExecution();
    var outcome = service.compute(statistic, now, step.getJobExecutionId());
    var context = step.getExecutionContext();
    var before = read(context);
    write(
        context,
        new StatisticOutcome(
            before.bucketsAdded() + outcome.bucketsAdded(),
            before.cellsPublished() + outcome.cellsPublished(),
            before.cellsSuppressed() + outcome.cellsSuppressed(),
            before.rowsSuppressed() + outcome.rowsSuppressed(),
            before.totalsWithheld() + outcome.totalsWithheld(),
            before.epsilonSpent() + outcome.epsilonSpent(),
            outcome.notComputed() != null ? outcome.notComputed() : before.notComputed()));
    contribution.incrementWriteCount(outcome.cellsPublished());
    return RepeatStatus.FINISHED;
  }

  /** What the step has done so far, as kept in its execution context. */
  public static StatisticOutcome read(ExecutionContext context) {
    return new StatisticOutcome(
        context.getLong(BUCKETS, 0),
        context.getLong(CELLS, 0),
        context.getLong(SUPPRESSED, 0),
        context.getLong(ROWS_SUPPRESSED, 0),
        context.getLong(WITHHELD, 0),
        context.getDouble(EPSILON, 0),
        context.getString(NOT_COMPUTED, null));
  }

  private static void write(ExecutionContext context, StatisticOutcome outcome) {
    context.putLong(BUCKETS, outcome.bucketsAdded());
    context.putLong(CELLS, outcome.cellsPublished());
    context.putLong(SUPPRESSED, outcome.cellsSuppressed());
    context.putLong(ROWS_SUPPRESSED, outcome.rowsSuppressed());
    context.putLong(WITHHELD, outcome.totalsWithheld());
    context.putDouble(EPSILON, outcome.epsilonSpent());
    if (outcome.notComputed() != null) {
      context.putString(NOT_COMPUTED, outcome.notComputed());
    }
  }
}
