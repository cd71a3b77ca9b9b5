package dev.lethe.retention;

import static java.time.temporal.ChronoUnit.MILLIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.lethe.report.RunReport;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.support.TestDatabases;
import java.sql.DriverManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class RestartTests extends LetheTests {

  @Autowired RunHistory history;

  private String purge;

  @BeforeEach
  void eventsWithADeleteLog() {
    Events.create(APP, schema, 1000, 50);
    // every DELETE statement logs the rows it took, so that the test sees each window's work
    APP.run(
        "CREATE TABLE "
            + schema
            + ".deleted (statement int GENERATED ALWAYS AS IDENTITY, low bigint, high bigint, n bigint);"
            + "CREATE FUNCTION "
            + schema
            + ".log_delete() RETURNS trigger LANGUAGE plpgsql AS $$"
            + " BEGIN INSERT INTO "
            + schema
            + ".deleted (low, high, n) SELECT min(id), max(id), count(*) FROM gone HAVING count(*) > 0;"
            + " RETURN NULL; END $$;"
            + "CREATE TRIGGER log_delete AFTER DELETE ON "
            + schema
            + ".event REFERENCING OLD TABLE AS gone"
            + " FOR EACH STATEMENT EXECUTE FUNCTION "
            + schema
            + ".log_delete()");
    policy("events", Events.policy("events", schema, ""));
    purge = jobName("purge");
    job(purge, Events.job(purge, "events", ""));
  }

  private void failDeletesOf(long id) {
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".refuse() RETURNS trigger LANGUAGE plpgsql AS $$"
            + " BEGIN RAISE EXCEPTION 'storage failure'; END $$;"
            + "CREATE TRIGGER refuse BEFORE DELETE ON "
            + schema
            + ".event FOR EACH ROW"
            + " WHEN (OLD.id = "
            + id
            + ") EXECUTE FUNCTION "
            + schema
            + ".refuse()");
  }

  /**
   * A failed run restarted after its job and a policy changed: the report tells each attempt with
   * its own start, end and files, and the step an earlier attempt finished under a policy since
   * removed keeps that policy's legal basis as the attempt reported it.
   */
  @Test
  void aRestartAfterAChangeReportsEachAttemptWithItsOwnTimesAndFiles() throws Exception {
    var other = schema + "x";
    APP.run("CREATE SCHEMA " + other);
    Events.create(APP, other, 1000, 50);
    policy("a-events", Events.policy("a-events", other, ""));
    policy("b-events", Events.policy("b-events", schema, ""));
    var job = jobName("changed");
    job(job, Events.job(job, "a-events, b-events", ""));
    failDeletesOf(750);
    var failed = run(job);
    assertThat(failed.status()).isEqualTo("FAILED");
    assertThat(outcome(failed, "a-events").status()).isEqualTo("COMPLETED");

    // the first policy leaves the job and the definitions; the second is described anew
    APP.run("DROP TRIGGER refuse ON " + schema + ".event");
    java.nio.file.Files.delete(WORKSPACE.resolve("policies").resolve("a-events.yml"));
    policy(
        "b-events",
        Events.policy("b-events", schema, "").replace("events of the test", "events, described"));
    job(job, Events.job(job, "b-events", "") + "# restarted\n");
    var restarted = run(job);

    assertThat(restarted.status()).isEqualTo("COMPLETED");
    var attempts = restarted.attemptsOrNone();
    assertThat(attempts)
        .extracting(dev.lethe.report.RunReport.Attempt::run)
        .containsExactly(failed.run(), restarted.run());
    assertThat(attempts.get(0).status()).isEqualTo("FAILED");
    assertThat(attempts.get(0).startedAt()).isCloseTo(failed.startedAt(), within(1, MILLIS));
    assertThat(attempts.get(0).endedAt()).isCloseTo(failed.endedAt(), within(1, MILLIS));
    assertThat(attempts.get(1).startedAt()).isAfter(attempts.get(0).endedAt());
    assertThat(restarted.startedAt()).isCloseTo(attempts.get(1).startedAt(), within(1, MILLIS));
    assertThat(attempts.get(0).definitionFiles()).isEqualTo(failed.definitionFiles());
    assertThat(attempts.get(1).definitionFiles()).isEqualTo(restarted.definitionFiles());
    assertThat(attempts.get(0).definitionFiles())
        .extracting(dev.lethe.report.RunReport.DefinitionFile::file)
        .contains("a-events.yml");
    assertThat(attempts.get(1).definitionFiles())
        .extracting(dev.lethe.report.RunReport.DefinitionFile::file)
        .doesNotContain("a-events.yml");
    // the job's file changed between them: its checksum differs
    assertThat(attempts.get(0).definitionFiles().get(0))
        .isNotEqualTo(attempts.get(1).definitionFiles().get(0));
    // both steps are in the counts, the removed policy's as its attempt told it
    assertThat(outcome(restarted, "a-events").legalBasis()).isEqualTo("legitimate-interest");
    assertThat(outcome(restarted, "a-events").deleted()).isEqualTo(635);
    assertThat(outcome(restarted, "b-events").deleted()).isEqualTo(635);
    var text = dev.lethe.report.ReportText.render(restarted);
    assertThat(text).contains("2 attempts", "run " + failed.run() + ": FAILED, started ");
  }

  @Test
  void failedRunIsRestartedWhereItStoppedAndDeletesEachRowOnce() {
    // given a run that fails in the window holding row 750
    failDeletesOf(750);
    var failed = run(purge);
    assertThat(failed.status()).isEqualTo("FAILED");
    assertThat(outcome(failed, "events").error())
        .contains("SQLSTATE P0001", "refuse")
        .doesNotContain("storage failure");
    long deletedBeforeFailure = APP.count("SELECT coalesce(sum(n), 0) FROM " + schema + ".deleted");
    long lastDeletedBeforeFailure = APP.count("SELECT max(high) FROM " + schema + ".deleted");
    assertThat(deletedBeforeFailure).isEqualTo(outcome(failed, "events").deleted()).isPositive();
    // windows of 100 rows, two at a time, each committing on its own: the failing window's rows
    // are all there; the windows before it committed and are counted (one after it committed too
    // where it had started before the failure was known; none starts after it)
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE id BETWEEN 701 AND 800"))
        .isEqualTo(100);
    assertThat(lastDeletedBeforeFailure).isGreaterThanOrEqualTo(700);

    // when the cause is gone and the same job and date run again
    APP.run("DROP TRIGGER refuse ON " + schema + ".event");
    var restarted = run(purge);

    // then it continues after the last committed window: no window is done again
    assertThat(restarted.status()).isEqualTo("COMPLETED");
    assertThat(restarted.run()).isNotEqualTo(failed.run());
    // it goes on at the window that failed: its rows and those after it, each once
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE id BETWEEN 701 AND 800"))
        .isZero();
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".deleted a JOIN "
                    + schema
                    + ".deleted b ON a.statement < b.statement AND a.high >= b.low AND b.high >= a.low"))
        .as("windows that overlap")
        .isZero();
    assertThat(APP.count("SELECT sum(n) FROM " + schema + ".deleted")).isEqualTo(635);
    assertThat(outcome(restarted, "events").deleted()).isEqualTo(635);
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(365);
  }

  @Test
  void aWindowWhoseCommitFailsLeavesTheWindowsBeforeItCountedAndRecorded() {
    // a deferred check fails the commit (not the DELETE) of the window holding row 750; windows of
    // 100 rows, two at a time: 601-700 commits beside it
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$"
            + " BEGIN RAISE EXCEPTION 'refused at commit'; END $$;"
            + "CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER DELETE ON "
            + schema
            + ".event DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.id = 750)"
            + " EXECUTE FUNCTION "
            + schema
            + ".refuse_at_commit()");

    var failed = run(purge);

    assertThat(failed.status()).isEqualTo("FAILED");
    assertThat(outcome(failed, "events").error())
        .contains("SQLSTATE P0001", "refuse_at_commit")
        .doesNotContain("refused at commit");
    long deleted = APP.count("SELECT coalesce(sum(n), 0) FROM " + schema + ".deleted");
    // the window whose commit failed left all its rows; those beside it committed on their own
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE id BETWEEN 701 AND 800"))
        .isEqualTo(100);
    // every row gone is counted, and the audit trail has it
    assertThat(outcome(failed, "events").deleted()).isEqualTo(deleted).isPositive();
    assertThat(
            control
                .sql(
                    "SELECT coalesce(sum(total_rows), 0) FROM lethe.audit_entry WHERE run_id = ?"
                        + " AND kind = 'purge'")
                .param(failed.run())
                .query(Long.class)
                .single())
        .isEqualTo(deleted);
  }

  @Test
  void completedRunIsNotRunAgain() {
    var first = runs.run(purge, AS_OF, "test", ProgressListener.SILENT);
    long statements = APP.count("SELECT count(*) FROM " + schema + ".deleted");
    APP.run(
        "UPDATE "
            + schema
            + ".event SET occurred_at = occurred_at - interval '5 years' WHERE id = 1");

    var again = runs.run(purge, AS_OF, "test", ProgressListener.SILENT);

    assertThat(first.alreadyCompleted()).isFalse();
    assertThat(again.alreadyCompleted()).isTrue();
    assertThat(again.report().run()).isEqualTo(first.report().run());
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".deleted")).isEqualTo(statements);
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE id = 1")).isOne();
  }

  @Test
  void runLeftRunningByADeadProcessIsRestartedNotRefused() {
    // given a run that stopped half-way and is marked as still running, as kill -9 leaves it
    failDeletesOf(750);
    var interrupted = run(purge);
    control
        .sql(
            "UPDATE batch_job_execution SET status = 'STARTED', end_time = NULL, exit_code = 'UNKNOWN' WHERE job_execution_id = ?")
        .param(interrupted.run())
        .update();
    control
        .sql(
            "UPDATE batch_step_execution SET status = 'STARTED', end_time = NULL WHERE job_execution_id = ?")
        .param(interrupted.run())
        .update();
    APP.run("DROP TRIGGER refuse ON " + schema + ".event");

    // when the job runs again for the same date, with no process holding it
    var restarted = run(purge);

    // then the dead run is recovered and continued, and the history shows both attempts
    assertThat(restarted.status()).isEqualTo("COMPLETED");
    assertThat(history.latest(2))
        .extracting(RunHistory.RunSummary::run, RunHistory.RunSummary::status)
        .containsExactly(tuple(restarted.run(), "COMPLETED"), tuple(interrupted.run(), "FAILED"));
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(365);
    assertThat(APP.count("SELECT sum(n) FROM " + schema + ".deleted")).isEqualTo(635);
  }

  @org.springframework.beans.factory.annotation.Autowired
  org.springframework.batch.core.repository.JobRepository repository;

  @org.springframework.beans.factory.annotation.Autowired dev.lethe.report.ReportService reports;

  /**
   * A process killed while Batch was starting the run leaves it STARTING with no start time. The
   * next run recovers it, purges, and writes its report, which names the attempt that never
   * started. Found by an outside attack: the report failed on the missing start time, every run of
   * the job and date after it too, and the purge was left with no report.
   */
  @Test
  void aRunKilledWhileStartingIsRecoveredAndTheNextRunIsReported() {
    var parameters = RunService.parameters(AS_OF);
    var starting =
        repository.createJobExecution(
            repository.createJobInstance(purge, parameters),
            parameters,
            new org.springframework.batch.infrastructure.item.ExecutionContext());
    assertThat(starting.getStartTime()).isNull();

    var report = run(purge);

    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(365);
    assertThat(report.attempts())
        .extracting(RunReport.Attempt::run)
        .containsExactly(starting.getId(), report.run());
    assertThat(report.attempts().get(0).startedAt()).isNull();
    assertThat(dev.lethe.report.ReportText.render(report))
        .contains("run " + starting.getId() + ": FAILED, started never (ended while starting)");
    assertThat(reports.find(report.run())).isPresent();
    // the attempt's own report is asked for: the attempt that carried it on is named
    assertThatThrownBy(() -> reports.reportOf(starting.getId()))
        .hasMessageContaining(
            "is an earlier attempt, carried on by run "
                + report.run()
                + ", whose report covers every attempt. Fix: 'lethe report "
                + report.run()
                + "'");
  }

  @Test
  void aStoppedRunWhoseStepWasLeftRunningIsFinishedByTheNextRun() {
    // as a process that exited while stopping left it: the run STOPPED, its step STARTED
    failDeletesOf(750);
    var interrupted = run(purge);
    control
        .sql("UPDATE batch_job_execution SET status = 'STOPPED' WHERE job_execution_id = ?")
        .param(interrupted.run())
        .update();
    control
        .sql(
            "UPDATE batch_step_execution SET status = 'STARTED', end_time = NULL WHERE"
                + " job_execution_id = ?")
        .param(interrupted.run())
        .update();
    APP.run("DROP TRIGGER refuse ON " + schema + ".event");

    var restarted = run(purge);

    assertThat(restarted.status()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(365);
    assertThat(APP.count("SELECT sum(n) FROM " + schema + ".deleted")).isEqualTo(635);
  }

  @Test
  void jobHeldByALiveProcessIsNotStartedTwice() throws Exception {
    // given another live process holding the job (its session holds the job's lock)
    try (var other = DriverManager.getConnection(TestDatabases.url("control"));
        var lock = other.prepareStatement("SELECT pg_advisory_lock(hashtext(?), 0)")) {
      lock.setString(1, "lethe.job." + purge);
      lock.execute();

      // when / then
      assertThatThrownBy(() -> run(purge))
          .isInstanceOf(RunLock.JobAlreadyRunningException.class)
          .hasMessageContaining("running in another process");
      assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000);
    }
  }
}
