package dev.lethe.retention;

import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.ZonedDateTime;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Records, before a delete step removes its first row, how far back it reaches: its cutoff, store,
 * table and the table's identity (its database and partition root), committed on its own. A
 * statistic never computes a bucket that begins before the latest such cutoff on its table (some of
 * its rows may be gone), and this record is how it knows, also of a run killed mid-step that wrote
 * no report.
 */
public class PurgeReachRecorder {

  private final JdbcClient jdbc;
  private final Clock clock;

  public PurgeReachRecorder(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** The listener that records the step's reach as it starts; none for a stage that keeps rows. */
  StepExecutionListener listenerFor(
      PolicyStep step, ZonedDateTime now, java.util.Optional<String> reached) {
    if (step.stage().action() != Policy.Action.DELETE) {
      return new StepExecutionListener() {};
    }
    var policy = step.policy();
    var cutoff = Timestamp.from(step.stage().after().cutoff(now).toInstant());
    return new StepExecutionListener() {
      @Override
      public void beforeStep(StepExecution execution) {
        // outside the step's transactions: committed before any window deletes
        jdbc.sql(
                "INSERT INTO lethe.purge_reach (run_id, step, policy, store, table_name, reached,"
                    + " cutoff, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .params(
                execution.getJobExecutionId(),
                step.name(),
                policy.name(),
                policy.store(),
                policy.table(),
                reached.orElse(null),
                cutoff,
                Timestamp.from(clock.instant()))
            .update();
      }
    };
  }
}
