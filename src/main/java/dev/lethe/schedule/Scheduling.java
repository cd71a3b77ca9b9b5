package dev.lethe.schedule;

import dev.lethe.policy.Definitions;
import dev.lethe.retention.RunService;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Properties;
import javax.sql.DataSource;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The scheduler of {@code lethe serve}: Quartz with its JDBC job store, clustered, on the control
 * database whose migrations made its tables. Several nodes share one schedule and each fire time
 * runs on one of them. Built only by serve (and tests), never by one-shot commands.
 */
public final class Scheduling {

  static final String GROUP = "lethe";
  private static final Logger LOG = LoggerFactory.getLogger(Scheduling.class);

  private Scheduling() {}

  /**
   * A scheduler on {@code dataSource}, not yet started.
   *
   * @param name the cluster's name: nodes with the same name share one schedule
   * @param node this node's id, unique in the cluster
   */
  public static Scheduler create(
      String name, String node, DataSource dataSource, RunService runs, JdbcClient jdbc)
      throws SchedulerException {
    var provider = "lethe-" + name + "-" + node;
    DBConnectionManager.getInstance().addConnectionProvider(provider, new Provider(dataSource));
    var properties = new Properties();
    properties.setProperty("org.quartz.scheduler.instanceName", name);
    properties.setProperty("org.quartz.scheduler.instanceId", node);
    properties.setProperty("org.quartz.threadPool.threadCount", "2");
    properties.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    properties.setProperty(
        "org.quartz.jobStore.driverDelegateClass",
        "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    properties.setProperty("org.quartz.jobStore.dataSource", provider);
    properties.setProperty("org.quartz.jobStore.isClustered", "true");
    properties.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
    properties.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
    properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    var factory = new StdSchedulerFactory(properties);
    var scheduler = factory.getScheduler();
    // Quartz keeps one scheduler per name in a JVM; a node is a scheduler of the cluster's name,
    // so that two nodes can live in one JVM (as in the tests), it is not kept there
    org.quartz.impl.SchedulerRepository.getInstance().remove(name);
    scheduler.getContext().put(ScheduledRun.RUNS, runs);
    scheduler.getContext().put(ScheduledRun.JDBC, jdbc);
    return scheduler;
  }

  /** A scheduled job's next fire time, as the cluster's schedule holds it. */
  public record NextFire(String job, java.time.Instant at) {}

  /**
   * Every scheduled job's next fire time, read from Quartz's tables in the control database (what
   * any node of the cluster will run next); none before a node has created them.
   */
  public static java.util.List<NextFire> nextFires(JdbcClient jdbc) {
    boolean scheduled =
        jdbc.sql("SELECT to_regclass('qrtz_triggers') IS NOT NULL").query(Boolean.class).single();
    if (!scheduled) {
      return java.util.List.of();
    }
    return jdbc.sql(
            "SELECT job_name, next_fire_time FROM qrtz_triggers"
                + " WHERE sched_name = 'lethe' AND next_fire_time > 0 ORDER BY next_fire_time, job_name")
        .query(
            (rs, n) -> new NextFire(rs.getString(1), java.time.Instant.ofEpochMilli(rs.getLong(2))))
        .list();
  }

  /**
   * Makes the scheduler's triggers those of the job files: a job with a schedule gets its cron
   * trigger (replaced, so that a changed file takes effect), a job without one loses it.
   */
  public static void synchronise(Scheduler scheduler, Definitions definitions)
      throws SchedulerException {
    var scheduled = new HashSet<String>();
    for (var job : definitions.jobs().values()) {
      if (job.schedule().isEmpty()) {
        continue;
      }
      var schedule = job.schedule().get();
      scheduled.add(job.name());
      var detail =
          JobBuilder.newJob(ScheduledRun.class)
              .withIdentity(job.name(), GROUP)
              .usingJobData(ScheduledRun.JOB, job.name())
              .usingJobData(ScheduledRun.ZONE, schedule.timeZone().getId())
              .storeDurably()
              .requestRecovery()
              .build();
      var cron =
          CronScheduleBuilder.cronSchedule(schedule.cron())
              .inTimeZone(java.util.TimeZone.getTimeZone(schedule.timeZone()));
      cron =
          schedule.runMissedOnce()
              ? cron.withMisfireHandlingInstructionFireAndProceed()
              : cron.withMisfireHandlingInstructionDoNothing();
      var key = TriggerKey.triggerKey(job.name(), GROUP);
      var existing = scheduler.getTrigger(key);
      var built =
          TriggerBuilder.newTrigger().withIdentity(key).forJob(detail).withSchedule(cron).build();
      scheduler.addJob(detail, true);
      if (existing == null) {
        scheduler.scheduleJob(built);
      } else if (!sameSchedule(existing, (CronTrigger) built)
          || !keeps(scheduler.getTriggerState(key))) {
        // a changed schedule starts now, or, where the old one missed a fire time (its next fire
        // time past), from that time: the miss is then the new one's to run once or skip. From a
        // next fire time still to come, the new schedule waited for it (hours, weeks)
        var next = existing.getNextFireTime();
        scheduler.rescheduleJob(
            key,
            next == null || !next.before(new java.util.Date())
                ? built
                : built.getTriggerBuilder().startAt(next).build());
      }
      // else kept as it is: a trigger made anew at every start began now, and a fire time missed
      // while no node ran was never run (found by an outside attack)
      LOG.info("job {} scheduled: {} ({})", job.name(), schedule.cron(), schedule.timeZone());
    }
    for (var key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
      if (!scheduled.contains(key.getName())) {
        scheduler.unscheduleJob(TriggerKey.triggerKey(key.getName(), GROUP));
        scheduler.deleteJob(JobKey.jobKey(key.getName(), GROUP));
        LOG.info("job {} is no longer scheduled", key.getName());
      }
    }
  }

  /**
   * Whether a stored trigger in this state is kept as it is: one in error, paused or complete would
   * never fire again, and is made anew (as every start did before triggers were kept).
   */
  private static boolean keeps(org.quartz.Trigger.TriggerState state) {
    return state == org.quartz.Trigger.TriggerState.NORMAL
        || state == org.quartz.Trigger.TriggerState.BLOCKED;
  }

  /** Whether a stored trigger fires as the job file now says: its cron, zone and missed rule. */
  private static boolean sameSchedule(org.quartz.Trigger existing, CronTrigger wanted) {
    return existing instanceof CronTrigger cron
        && cron.getCronExpression().equals(wanted.getCronExpression())
        && cron.getTimeZone().getID().equals(wanted.getTimeZone().getID())
        && cron.getMisfireInstruction() == wanted.getMisfireInstruction();
  }

  /** Quartz's connections, from Lethe's pool of the control database. */
  private record Provider(DataSource dataSource) implements ConnectionProvider {
    @Override
    public Connection getConnection() throws SQLException {
      return dataSource.getConnection();
    }

    @Override
    public void shutdown() {}

    @Override
    public void initialize() {}
  }
}
