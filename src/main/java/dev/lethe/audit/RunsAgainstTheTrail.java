package dev.lethe.audit;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The runs Spring Batch and the reports know, against the trail's entries of them: what audit
 * verify reads beside the chain (decision 17). A report counting rows the trail does not record, a
 * run without its report whose steps wrote more rows than the trail records, and a run whose reach
 * was recorded but whose records are gone are breaks; a run without its report whose rows the trail
 * holds is a note.
 */
final class RunsAgainstTheTrail {

  /**
   * The step of a job's data-subject requests, and those of its statistics: not purges. Copies of
   * RequestTasklet.STEP and StatisticTasklet.STEP_PREFIX, which this module cannot see (they append
   * to the trail); RunsAgainstTheTrailTests holds them equal.
   */
  static final String REQUESTS_STEP = "requests";

  static final String STATISTIC_STEPS = "statistic:%";

  private final JdbcTemplate jdbc;

  RunsAgainstTheTrail(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  void check(List<String> breaks, List<String> notes) {
    // the trail read once for both checks: it is the largest table verify reads
    var recorded = recordedPerInstance();
    checkRunsAgainstTheirEntries(recorded, breaks);
    checkRunsWithoutTheirReport(recorded, breaks, notes);
    checkReachedRunsAreKnown(breaks);
  }

  /** The rows the trail's purge entries record per job instance (a job and date, all attempts). */
  private java.util.Map<Long, Long> recordedPerInstance() {
    var recorded = new java.util.HashMap<Long, Long>();
    jdbc.query(
        "SELECT e.job_instance_id, sum(a.total_rows) FROM lethe.audit_entry a JOIN"
            + " batch_job_execution e ON e.job_execution_id = a.run_id WHERE a.kind = 'purge' AND"
            + " a.action IN ('deleted', 'pseudonymised') GROUP BY e.job_instance_id",
        (org.springframework.jdbc.core.RowCallbackHandler)
            rs -> recorded.put(rs.getLong(1), rs.getLong(2)));
    return recorded;
  }

  /**
   * Every row a run's report says it deleted or pseudonymised is in the trail's entries of that run
   * (and of the earlier attempts it finished): entries cut from the end of the chain after a run
   * that was killed before its checkpoint, and the chain then continued by the next command, leave
   * the report counting rows the trail no longer records. The newest report of each job and date (a
   * restart's counts include the attempts before it) is compared with the entries of all its
   * attempts. The stored reports are themselves checked against their entries above.
   */
  private void checkRunsAgainstTheirEntries(
      java.util.Map<Long, Long> recorded, List<String> breaks) {
    var reported =
        jdbc.query(
            "SELECT DISTINCT ON (e.job_instance_id) e.job_instance_id, r.job_execution_id,"
                + " (SELECT coalesce(sum(CAST(p->>'deleted' AS bigint) + CAST(p->>'pseudonymised'"
                + " AS bigint)), 0) FROM json_array_elements(CAST(r.report AS json)->'policies') p)"
                + " FROM lethe.run_report r JOIN batch_job_execution e ON e.job_execution_id ="
                + " r.job_execution_id WHERE r.job <> 'requests'"
                + " ORDER BY e.job_instance_id, r.job_execution_id DESC",
            (rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
    for (var row : reported) {
      long inTrail = recorded.getOrDefault(row[0], 0L);
      if (inTrail != row[2]) {
        breaks.add(
            "run "
                + row[1]
                + ": its report counts "
                + row[2]
                + " rows deleted or pseudonymised, the trail's entries of its attempts "
                + inTrail
                + " (entries were removed from the trail, or rows changed unrecorded)");
      }
    }
  }

  /**
   * A run that ended (its last attempt of a job and date) with no stored report: its process
   * stopped between the run's end and its report. Where the trail holds at least the rows its purge
   * steps wrote (Spring Batch's write counts, committed with the trail's entries in one transaction
   * of the control database; a window taken from an outbox by a restart adds entries and no write
   * count), that is a note: the trail is whole and the next run of the job and date makes the
   * report. Where it holds fewer, entries were cut (found by an outside attack: the note said the
   * trail recorded what it did, and verify passed).
   */
  private void checkRunsWithoutTheirReport(
      java.util.Map<Long, Long> recorded, List<String> breaks, List<String> notes) {
    jdbc.query(
        "SELECT l.job_execution_id, l.job_name, l.status, p.parameter_value, (SELECT"
            + " coalesce(sum(s.write_count), 0) FROM batch_step_execution s JOIN"
            + " batch_job_execution e ON e.job_execution_id = s.job_execution_id WHERE"
            + " e.job_instance_id = l.job_instance_id AND s.step_name <> ? AND s.step_name NOT LIKE"
            + " ?), l.job_instance_id FROM (SELECT DISTINCT ON (e.job_instance_id) e.job_instance_id,"
            + " e.job_execution_id, i.job_name, e.status, e.end_time FROM batch_job_execution e"
            + " JOIN batch_job_instance i USING (job_instance_id) ORDER BY e.job_instance_id,"
            + " e.job_execution_id DESC) l LEFT JOIN batch_job_execution_params p ON"
            + " p.job_execution_id = l.job_execution_id AND p.parameter_name = ? WHERE l.end_time"
            + " IS NOT NULL AND l.status IN ('COMPLETED', 'FAILED', 'STOPPED') AND NOT EXISTS"
            + " (SELECT 1 FROM lethe.run_report r WHERE r.job_execution_id = l.job_execution_id)"
            + " ORDER BY l.job_execution_id",
        (org.springframework.jdbc.core.RowCallbackHandler)
            rs -> {
              long run = rs.getLong(1);
              var status = rs.getString(3);
              var job = dev.lethe.system.PlainText.shown(rs.getString(2));
              var asOf = dev.lethe.system.PlainText.shown(String.valueOf(rs.getString(4)));
              long written = rs.getLong(5);
              long inTrail = recorded.getOrDefault(rs.getLong(6), 0L);
              var what = "run " + run + " of job " + job + " as of " + asOf + " ended " + status;
              if (inTrail < written) {
                breaks.add(
                    what
                        + " without its report, and its steps deleted or pseudonymised "
                        + written
                        + " rows, the trail's entries of its attempts "
                        + inTrail
                        + " (entries were removed from the trail)");
                return;
              }
              notes.add(
                  what
                      + " without its report (its process stopped before storing it); the trail"
                      + " records what it did"
                      + (rs.getString(2).equals(dev.lethe.policy.JobDefinition.REQUESTS)
                          ? " (each requests run is a run of its own: no later run reports it)"
                          : ". Fix: run 'lethe run "
                              + job
                              + " --as-of "
                              + asOf
                              + "', which "
                              + (status.equals("COMPLETED")
                                  ? "makes and stores its report"
                                  : "restarts it and reports it")));
            },
        REQUESTS_STEP,
        STATISTIC_STEPS,
        dev.lethe.policy.JobDefinition.AS_OF_PARAMETER);
  }

  /**
   * Every delete step records its reach before its first window (decision 22): a run named there
   * whose Spring Batch records and report are both gone was removed with whatever it deleted.
   */
  private void checkReachedRunsAreKnown(List<String> breaks) {
    jdbc.query(
        "SELECT DISTINCT r.run_id, r.policy, r.recorded_at FROM lethe.purge_reach r WHERE NOT"
            + " EXISTS (SELECT 1 FROM batch_job_execution e WHERE e.job_execution_id = r.run_id)"
            + " AND NOT EXISTS (SELECT 1 FROM lethe.run_report p WHERE p.job_execution_id ="
            + " r.run_id) ORDER BY r.run_id",
        (org.springframework.jdbc.core.RowCallbackHandler)
            rs ->
                breaks.add(
                    "run "
                        + rs.getLong(1)
                        + " began deleting by policy "
                        + dev.lethe.system.PlainText.shown(rs.getString(2))
                        + " at "
                        + rs.getTimestamp(3).toInstant()
                        + " (lethe.purge_reach), and neither its run records nor its report exist"
                        + " (removed)"));
  }
}
