package dev.lethe.retention;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The runs the job repository knows, newest first, with what their reports say they deleted: also
 * the runs still going, and those whose process died, which have no report yet.
 */
public class RunHistory {

  private final JdbcClient jdbc;

  public RunHistory(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * One run: its id, job, as-of date, status, times, rows deleted and pseudonymised (null: no
   * report), and whether a restart would go on with it: it failed, stopped or its process died, and
   * no run of its job and day has completed since (a restart would then do nothing).
   */
  public record RunSummary(
      long run,
      String job,
      String asOf,
      String status,
      Instant startedAt,
      Instant endedAt,
      Long deleted,
      Long pseudonymised,
      boolean restartable) {}

  public List<RunSummary> latest(int limit) {
    return jdbc.sql(
            """
            SELECT e.job_execution_id, i.job_name, p.parameter_value,
                   coalesce(r.status, e.status), e.start_time, e.end_time, r.started_at, r.ended_at,
                   r.job_execution_id IS NOT NULL,
                   -- its policies' rows and its requests' (a requests run showed none)
                   CASE WHEN r.job_execution_id IS NOT NULL THEN
                     coalesce((SELECT sum((policy ->> 'deleted')::bigint)
                               FROM jsonb_array_elements(r.report -> 'policies') policy), 0)
                     + coalesce((r.report ->> 'requestRowsDeleted')::bigint, 0) END AS deleted,
                   CASE WHEN r.job_execution_id IS NOT NULL THEN
                     coalesce((SELECT sum((policy ->> 'pseudonymised')::bigint)
                               FROM jsonb_array_elements(r.report -> 'policies') policy), 0)
                     + coalesce((r.report ->> 'requestRowsPseudonymised')::bigint, 0) END
                     AS pseudonymised,
                   coalesce(r.status, e.status) IN ('FAILED', 'STOPPED', 'UNKNOWN')
                     AND NOT EXISTS (SELECT 1 FROM batch_job_execution c
                                     WHERE c.job_instance_id = e.job_instance_id
                                       AND c.status = 'COMPLETED') AS restartable
            FROM batch_job_execution e
            JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
            LEFT JOIN batch_job_execution_params p
              ON p.job_execution_id = e.job_execution_id AND p.parameter_name = ?
            LEFT JOIN lethe.run_report r ON r.job_execution_id = e.job_execution_id
            ORDER BY e.job_execution_id DESC
            LIMIT ?""")
        .params(RunService.AS_OF, limit)
        .query(
            (rs, n) ->
                // where a run has its report, its status and times are the report's, which audit
                // verify checks (an edit of Spring Batch's row made a failed run read COMPLETED)
                new RunSummary(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    instant(rs.getBoolean(9) ? rs.getTimestamp(7) : rs.getTimestamp(5)),
                    instant(rs.getBoolean(9) ? rs.getTimestamp(8) : rs.getTimestamp(6)),
                    rs.getObject(10) == null ? null : rs.getLong(10),
                    rs.getObject(11) == null ? null : rs.getLong(11),
                    rs.getBoolean(12)))
        .list();
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
