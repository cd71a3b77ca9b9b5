package dev.lethe.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lethe.retention.RunLock;
import dev.lethe.retention.RunService;
import dev.lethe.retention.Validator;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.listeners.JobListenerSupport;
import org.springframework.beans.factory.annotation.Autowired;

/** Two nodes on one control database share one schedule; each fire time runs once. */
@org.junit.jupiter.api.extension.ExtendWith(
    org.springframework.boot.test.system.OutputCaptureExtension.class)
class SchedulingTests extends LetheTests {

  @Autowired DataSource controlDatabase;
  @Autowired RunService runService;
  @Autowired Validator validator;
  @Autowired RunLock lock;

  private final List<Scheduler> nodes = new java.util.ArrayList<>();
  private final ConcurrentLinkedQueue<String> fired = new ConcurrentLinkedQueue<>();
  private String job;

  @BeforeEach
  void aJobEverySecond() throws Exception {
    Events.create(APP, schema, 100, 10);
    policy("events", Events.policy("events", schema, ""));
    job = jobName("every-second");
    job(
        job,
        "job: "
            + job
            + "\npolicies: [events]\nguards: {max-share: 1}\nschedule:\n  cron: '* * * * * ?'\n"
            + "  time-zone: Europe/Brussels\n  missed: skip\n");
    for (var node : List.of("node-a", "node-b")) {
      var scheduler =
          Scheduling.create("lethe-test-" + schema, node, controlDatabase, runService, control);
      scheduler
          .getListenerManager()
          .addJobListener(
              new JobListenerSupport() {
                @Override
                public String getName() {
                  return "test-" + node;
                }

                @Override
                public void jobToBeExecuted(JobExecutionContext context) {
                  fired.add(context.getScheduledFireTime().toInstant() + "@" + node);
                }
              });
      nodes.add(scheduler);
    }
    Scheduling.synchronise(nodes.get(0), validator.load());
  }

  @AfterEach
  void stop() throws Exception {
    nodes.get(0).clear();
    for (var node : nodes) {
      node.shutdown(true);
    }
  }

  private long handled(String outcome) {
    return control
        .sql("SELECT count(*) FROM lethe.scheduled_fire WHERE job = ? AND outcome LIKE ?")
        .params(job, outcome)
        .query(Long.class)
        .single();
  }

  @Test
  void eachFireTimeRunsOnceOnOneNode(org.springframework.boot.test.system.CapturedOutput output)
      throws Exception {
    for (var node : nodes) {
      node.start();
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> handled("%") >= 5);
    // two nodes of one cluster, checking in on the control database
    assertThat(
            control
                .sql("SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = ?")
                .param("lethe-test-" + schema)
                .query(Long.class)
                .single())
        .isEqualTo(2);

    for (var node : nodes) {
      node.standby();
    }
    // a fire time claimed just before the standby is still running: let it end
    await().atMost(Duration.ofSeconds(30)).until(() -> handled("started") == 0);
    // Quartz may hand one fire time to both nodes where a loaded machine delays a check-in (the
    // other node recovers it): Lethe's claim of the fire time (lethe.scheduled_fire) runs it once,
    // which the counts below hold
    var fireTimes = fired.stream().map(f -> f.substring(0, f.indexOf('@'))).distinct().toList();
    assertThat(fireTimes).hasSizeGreaterThanOrEqualTo(5);
    // the first fire time ran the job; the later ones of the same day found it done, or, where
    // they came while it was still going on the other node, were skipped
    assertThat(handled("failed")).isZero();
    assertThat(handled("completed") + handled("skipped")).isEqualTo(handled("%"));
    assertThat(
            control
                .sql("SELECT count(DISTINCT run_id) FROM lethe.scheduled_fire WHERE job = ?")
                .param(job)
                .query(Long.class)
                .single())
        .isEqualTo(1);
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isLessThan(100);
    // and the unattended run said what it did, step by step
    assertThat(output.getAll())
        .containsPattern(
            "job "
                + job
                + " run \\d+: step events COMPLETED: \\d+ due, [1-9]\\d* deleted, 0 pseudonymised,"
                + " held back 0 by holds, 0 by requests, 0 by restrictions, 0 referenced");
  }

  @Test
  void aFireTimeThatFindsThePreviousRunGoingIsSkippedNotQueued() throws Exception {
    try (var held = lock.acquire(job)) {
      nodes.get(0).start();
      await().atMost(Duration.ofSeconds(30)).until(() -> handled("skipped") >= 2);
      nodes.get(0).standby();
    }
    assertThat(handled("completed")).isZero();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(100);
  }

  @Test
  void aFireTimeLeftByANodeThatDiedIsRunByAnotherNode() throws Exception {
    // a node that claims a fire time and then hangs for ever, then stops checking in: dead
    var hung = new java.util.concurrent.CountDownLatch(1);
    var first = new java.util.concurrent.atomic.AtomicBoolean(true);
    var hangs =
        org.mockito.Mockito.mock(
            RunService.class,
            invocation -> {
              if (invocation.getMethod().getName().equals("asOfFired")) {
                return java.time.LocalDate.ofInstant(
                    invocation.getArgument(0), java.time.ZoneOffset.UTC);
              }
              if (!first.getAndSet(false)) {
                throw new RunLock.JobAlreadyRunningException(job);
              }
              hung.await();
              throw new IllegalStateException("the node came back from the dead");
            });
    var dead =
        Scheduling.create("lethe-test-" + schema, "node-dead", controlDatabase, hangs, control);
    try {
      dead.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  control
                          .sql(
                              "SELECT count(*) FROM lethe.scheduled_fire WHERE job = ? AND node ="
                                  + " 'node-dead' AND outcome = 'started'")
                          .param(job)
                          .query(Long.class)
                          .single()
                      > 0);
      dead.standby();
      var left =
          control
              .sql(
                  "SELECT fire_time FROM lethe.scheduled_fire WHERE job = ? AND node = 'node-dead'"
                      + " AND outcome = 'started' ORDER BY fire_time LIMIT 1")
              .param(job)
              .query(java.sql.Timestamp.class)
              .single();
      dead.shutdown(false);
      // its check-ins stop: to the cluster it has failed
      control
          .sql("DELETE FROM qrtz_scheduler_state WHERE sched_name = ? AND instance_name = ?")
          .params("lethe-test-" + schema, "node-dead")
          .update();

      nodes.get(1).start();

      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  control
                      .sql(
                          "SELECT node || ' ' || outcome FROM lethe.scheduled_fire WHERE job = ?"
                              + " AND fire_time = ?")
                      .params(job, left)
                      .query(String.class)
                      .single()
                      .equals("node-b completed"));
      nodes.get(1).standby();
      assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isLessThan(100);
      // the dead node coming back does not overwrite what the other node recorded
      hung.countDown();
      Thread.sleep(500);
      assertThat(
              control
                  .sql("SELECT outcome FROM lethe.scheduled_fire WHERE job = ? AND fire_time = ?")
                  .params(job, left)
                  .query(String.class)
                  .single())
          .isEqualTo("completed");
    } finally {
      hung.countDown();
    }
  }

  @Test
  void aJobWhoseZoneIsADayAheadOrBehindLethesZoneRunsAsOfLethesDayOfTheFire() throws Exception {
    // lethe.time-zone is UTC here; at any hour one of these zones is on another day than UTC
    // (UTC+14 from 10:00 UTC, UTC-12 before 12:00 UTC), and a fire's as-of date must not be it
    var ahead = jobName("ahead");
    var behind = jobName("behind");
    for (var entry : java.util.Map.of(ahead, "Etc/GMT-14", behind, "Etc/GMT+12").entrySet()) {
      job(
          entry.getKey(),
          "job: "
              + entry.getKey()
              + "\npolicies: [events]\nguards: {max-share: 1}\nschedule:\n  cron: '* * * * * ?'\n"
              + "  time-zone: "
              + entry.getValue()
              + "\n  missed: skip\n");
    }
    Scheduling.synchronise(nodes.get(0), validator.load());
    nodes.get(0).start();
    var fires = "SELECT count(*) FROM lethe.scheduled_fire WHERE job = ? AND outcome <> 'started'";
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                control.sql(fires).param(ahead).query(Long.class).single() >= 2
                    && control.sql(fires).param(behind).query(Long.class).single() >= 2);
    nodes.get(0).standby();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                control
                        .sql("SELECT count(*) FROM lethe.scheduled_fire WHERE outcome = 'started'")
                        .query(Long.class)
                        .single()
                    == 0);

    for (var name : List.of(ahead, behind)) {
      var rows =
          control
              .sql(
                  "SELECT fire_time, as_of, outcome FROM lethe.scheduled_fire WHERE job = ?"
                      + " ORDER BY fire_time")
              .param(name)
              .query(
                  (rs, n) ->
                      new Object[] {
                        rs.getTimestamp(1).toInstant(),
                        rs.getObject(2, java.time.LocalDate.class),
                        rs.getString(3)
                      })
              .list();
      assertThat(rows).isNotEmpty();
      for (var row : rows) {
        assertThat(row[2]).as(name + " fired at " + row[0]).isIn("completed", "skipped");
        assertThat(row[1])
            .as(name + " fired at " + row[0])
            .isEqualTo(java.time.LocalDate.ofInstant((java.time.Instant) row[0], ZoneOffset.UTC));
      }
    }
  }

  /**
   * A fire time that came while no node ran is run once when a node starts (missed: run-once), or
   * passed over (skip). serve made every trigger anew at start-up, from now: the missed fire time
   * was never seen, and the night's purge never ran (found by an outside attack).
   */
  @Test
  void aFireTimeMissedWhileNoNodeRanIsRunOnceAtStartUpOrSkipped() throws Exception {
    var once = jobName("missed-once");
    var skip = jobName("missed-skip");
    for (var entry : java.util.Map.of(once, "run-once", skip, "skip").entrySet()) {
      job(
          entry.getKey(),
          "job: "
              + entry.getKey()
              + "\npolicies: [events]\nguards: {max-share: 1}\nschedule:\n  cron: '0 0 3 1 1 ?"
              + " 2099'\n  time-zone: UTC\n  missed: "
              + entry.getValue()
              + "\n");
    }
    Scheduling.synchronise(nodes.get(0), validator.load());
    // their fire time came two minutes ago, while no node ran
    var missedAt = System.currentTimeMillis() - 120_000;
    for (var name : List.of(once, skip)) {
      control
          .sql(
              "UPDATE qrtz_triggers SET next_fire_time = ? WHERE sched_name = ? AND trigger_name"
                  + " = ?")
          .params(missedAt, "lethe-test-" + schema, name)
          .update();
    }

    // a node starts, reading the job files first, as serve does
    Scheduling.synchronise(nodes.get(0), validator.load());
    nodes.get(0).start();

    var handledOf =
        "SELECT count(*) FROM lethe.scheduled_fire WHERE job = ? AND outcome <> 'started'";
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> control.sql(handledOf).param(once).query(Long.class).single() == 1);
    // the skipped one waits for its next fire time, untouched
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                control
                        .sql(
                            "SELECT next_fire_time FROM qrtz_triggers WHERE sched_name = ? AND"
                                + " trigger_name = ?")
                        .params("lethe-test-" + schema, skip)
                        .query(Long.class)
                        .single()
                    > missedAt + 365L * 24 * 3600 * 1000);
    nodes.get(0).standby();
    assertThat(control.sql(handledOf).param(skip).query(Long.class).single()).isZero();
  }

  /**
   * A changed schedule takes effect at once: rescheduled from the old trigger's next fire time
   * still to come, a job changed from yearly to every second waited for that time (found by an
   * outside attack).
   */
  @Test
  void aChangedScheduleDoesNotWaitForTheOldOnesNextFireTime() throws Exception {
    var changed = jobName("changed");
    job(
        changed,
        "job: "
            + changed
            + "\npolicies: [events]\nguards: {max-share: 1}\nschedule:\n  cron: '0 0 3 1 1 ?"
            + " 2099'\n  time-zone: UTC\n  missed: run-once\n");
    Scheduling.synchronise(nodes.get(0), validator.load());
    job(
        changed,
        "job: "
            + changed
            + "\npolicies: [events]\nguards: {max-share: 1}\nschedule:\n  cron: '0 * * * * ?'\n"
            + "  time-zone: UTC\n  missed: run-once\n");
    Scheduling.synchronise(nodes.get(0), validator.load());

    assertThat(
            control
                .sql(
                    "SELECT next_fire_time FROM qrtz_triggers WHERE sched_name = ? AND"
                        + " trigger_name = ?")
                .params("lethe-test-" + schema, changed)
                .query(Long.class)
                .single())
        .isLessThanOrEqualTo(System.currentTimeMillis() + 61_000);
  }

  /** A scheduled run stopped (SIGTERM to serve) is recorded as stopped, not failed. */
  @Test
  void aScheduledRunStoppedIsRecordedAsStopped() throws Exception {
    var big = schema + "_stop";
    APP.run("CREATE SCHEMA " + big);
    Events.create(APP, big, 1000, 50);
    APP.run(
        "CREATE FUNCTION "
            + big
            + ".slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3);"
            + " RETURN NULL; END $$; CREATE TRIGGER slow AFTER DELETE ON "
            + big
            + ".event FOR EACH STATEMENT EXECUTE FUNCTION "
            + big
            + ".slow()");
    policy("big", Events.policy("big", big, ""));
    job(job, "job: " + job + "\npolicies: [events]\nguards: {max-share: 1}\n");
    var stopping = jobName("stopping");
    job(
        stopping,
        "job: "
            + stopping
            + "\npolicies: [big]\nguards: {max-share: 1}\nschedule:\n  cron: '0/2 * * * * ?'\n"
            + "  time-zone: UTC\n  missed: skip\n");
    Scheduling.synchronise(nodes.get(0), validator.load());
    nodes.get(0).start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> APP.count("SELECT count(*) FROM " + big + ".event") < 1000);

    runService.stopAll(); // what serve does on SIGTERM

    var first = "SELECT outcome FROM lethe.scheduled_fire WHERE job = ? ORDER BY fire_time LIMIT 1";
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !control.sql(first).param(stopping).query(String.class).single().equals("started"));
    nodes.get(0).standby();
    assertThat(control.sql(first).param(stopping).query(String.class).single())
        .isEqualTo("stopped");
  }

  @Test
  void changingTheJobFileChangesTheSchedule() throws Exception {
    job(job, "job: " + job + "\npolicies: [events]\nguards: {max-share: 1}\n");
    Scheduling.synchronise(nodes.get(0), validator.load());

    assertThat(nodes.get(0).getJobKeys(org.quartz.impl.matchers.GroupMatcher.anyJobGroup()))
        .isEmpty();
  }
}
