package dev.lethe.schedule;

import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.RunLock.JobAlreadyRunningException;
import dev.lethe.retention.RunService;
import java.sql.Timestamp;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One fire time of a scheduled job: claims the fire time (once across every node), then runs the
 * job for the as-of date of that fire time in the job's zone. A fire time that finds the previous
 * run still going is skipped and logged, not queued behind it.
 */
public class ScheduledRun implements Job {

  static final String JOB = "lethe.job";
  static final String ZONE = "lethe.zone";
  static final String RUNS = "lethe.runs";
  static final String JDBC = "lethe.jdbc";

  private static final Logger LOG = LoggerFactory.getLogger(ScheduledRun.class);

  /**
   * What each step and request of an unattended run did, in operators' words: policies, counts,
   * case references and request ids, never a subject.
   */
  private static void logSteps(dev.lethe.report.RunReport report) {
    for (var step : report.policies()) {
      LOG.info(
          "job {} run {}: step {} {}: {} due, {} deleted, {} pseudonymised, held back {} by holds{},"
              + " {} by requests, {} by restrictions, {} referenced",
          report.job(),
          report.run(),
          step.step(),
          step.status(),
          step.examined(),
          step.deleted(),
          step.pseudonymised(),
          step.heldByHolds(),
          step.holdCases().isEmpty() ? "" : " (" + String.join(", ", step.holdCases()) + ")",
          step.heldByRequests(),
          step.heldByRestrictions(),
          step.referenced());
    }
    for (var request : report.requests()) {
      LOG.info(
          "job {} run {}: request {} ({}) {}{}{}",
          report.job(),
          report.run(),
          request.request(),
          request.kind(),
          request.status(),
          request.heldBy() == null ? "" : ", held by " + request.heldBy(),
          request.overdue() ? ", OVERDUE (due " + request.deadline() + ")" : "");
    }
  }

  /** Quartz makes one per fire: it needs this constructor. */
  public ScheduledRun() {}

  @Override
  public void execute(JobExecutionContext context) {
    var data = context.getMergedJobDataMap();
    var job = data.getString(JOB);
    var fired = context.getScheduledFireTime().toInstant();
    // the schedule's zone says when the job fires; which day it runs as of is Lethe's zone's day
    // of that moment, so that a fire is never "after today" and every node agrees
    var asOf = fired.atZone(java.time.ZoneOffset.UTC).toLocalDate();
    try {
      var runs = (RunService) context.getScheduler().getContext().get(RUNS);
      asOf = runs.asOfFired(fired);
      var jdbc = (JdbcClient) context.getScheduler().getContext().get(JDBC);
      var node = context.getScheduler().getSchedulerInstanceId();
      int claimed =
          jdbc.sql(
                  "INSERT INTO lethe.scheduled_fire (job, fire_time, node, as_of, handled_at,"
                      + " outcome) VALUES (?, ?, ?, ?, now(), 'started') ON CONFLICT DO NOTHING")
              .params(job, Timestamp.from(fired), node, asOf)
              .update();
      if (claimed == 0 && context.isRecovering()) {
        claimed = takeOver(jdbc, job, fired, node);
      }
      if (claimed == 0) {
        LOG.warn("job {}: fire time {} was already handled; not run again", job, fired);
        return;
      }
      abandonFiresOfDeadNodes(jdbc, context.getScheduler().getSchedulerName());
      try {
        var outcome = runs.run(job, asOf, "schedule (node " + node + ")", ProgressListener.SILENT);
        record(
            jdbc,
            job,
            fired,
            node,
            outcome.failed()
                ? (outcome.report().status().equals("STOPPED") ? "stopped" : "failed")
                : "completed",
            outcome.report().run());
        if (outcome.alreadyCompleted()) {
          LOG.info(
              "job {} as of {}: already done by run {}; nothing to do",
              job,
              asOf,
              outcome.report().run());
        } else {
          LOG.info(
              "job {} as of {}: run {} {} ({} rows deleted, {} pseudonymised)",
              job,
              asOf,
              outcome.report().run(),
              outcome.report().status(),
              outcome.report().deleted(),
              outcome.report().pseudonymised());
          logSteps(outcome.report());
        }
      } catch (JobAlreadyRunningException e) {
        record(jdbc, job, fired, node, "skipped", null);
        LOG.warn("job {}: fire time {} skipped, the previous run is still going", job, fired);
      } catch (RuntimeException e) {
        record(jdbc, job, fired, node, "failed", null);
        LOG.error("job {} as of {} failed: {}", job, asOf, e.getMessage());
      }
    } catch (SchedulerException e) {
      LOG.error("job {}: the scheduler's context is missing: {}", job, e.getMessage());
    }
  }

  /**
   * Quartz re-fires the fire times a failed node was running (the job requests recovery), on
   * another node or on the same one restarted: that node's claim is taken over, once, and the run
   * left unfinished is recovered by the new one.
   */
  private static int takeOver(JdbcClient jdbc, String job, java.time.Instant fired, String node) {
    var from =
        jdbc.sql(
                "UPDATE lethe.scheduled_fire f SET node = ?, handled_at = now(), outcome = 'started'"
                    + " FROM lethe.scheduled_fire old WHERE f.job = ? AND f.fire_time = ?"
                    + " AND old.job = f.job AND old.fire_time = f.fire_time"
                    + " AND f.outcome IN ('started', 'abandoned') RETURNING old.node")
            .params(node, job, Timestamp.from(fired))
            .query(String.class)
            .list();
    if (!from.isEmpty()) {
      LOG.warn(
          "job {}: fire time {} was left unfinished by node {}, which stopped; run again here",
          job,
          fired,
          from.get(0));
    }
    return from.size();
  }

  /**
   * Fire times still "started" by a node no longer in the cluster (it has not checked in for two
   * intervals) and that Quartz did not give to another node: marked abandoned, so that none reads
   * as running for ever. A later fire time of the job covers what it would have done.
   */
  private static void abandonFiresOfDeadNodes(JdbcClient jdbc, String cluster) {
    var abandoned =
        jdbc.sql(
                "UPDATE lethe.scheduled_fire f SET outcome = 'abandoned' WHERE outcome = 'started'"
                    + " AND handled_at < now() - interval '1 minute' AND NOT EXISTS (SELECT 1"
                    + " FROM qrtz_scheduler_state s WHERE s.sched_name = ? AND s.instance_name ="
                    + " f.node AND s.last_checkin_time > extract(epoch FROM now()) * 1000"
                    + " - 2 * s.checkin_interval - 7500) RETURNING job, fire_time, node")
            .param(cluster)
            .query(
                (rs, n) ->
                    rs.getString(1)
                        + " "
                        + rs.getTimestamp(2).toInstant()
                        + " on "
                        + rs.getString(3))
            .list();
    abandoned.forEach(
        fire -> LOG.warn("job fire {}: its node stopped and nobody took it over; abandoned", fire));
  }

  /** The outcome, unless another node took the fire time over meanwhile (its outcome stands). */
  private static void record(
      JdbcClient jdbc, String job, java.time.Instant fired, String node, String outcome, Long run) {
    jdbc.sql(
            "UPDATE lethe.scheduled_fire SET outcome = ?, run_id = ? WHERE job = ? AND fire_time = ?"
                + " AND node = ?")
        .params(outcome, run, job, Timestamp.from(fired), node)
        .update();
  }
}
