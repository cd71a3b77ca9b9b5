package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lethe.report.RunReport;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.support.MariaDb;
import dev.lethe.support.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A purge never waits for ever, and never makes an application wait longer than the lock timeout (2
 * s in the tests). An application transaction X locks row 150 (in the second window, ids 101 to
 * 200) before the run, and asks for row 50 (in the first window) while the first window holds it:
 * with windows that committed together, the first waited in Java for the second, the second for X,
 * X for the first, a cycle the database could not see.
 */
@org.junit.jupiter.api.extension.ExtendWith(
    org.springframework.boot.test.system.OutputCaptureExtension.class)
class ApplicationLockTests extends LetheTests {

  private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(2);

  /** Events all due at once, two windows of 100 at a time, each DELETE taking a moment. */
  private String allDue() {
    Events.create(APP, schema, 1000, 50);
    policy(
        "events",
        Events.policy("events", schema, "")
            .replace("retain: P1Y\naction: delete", "stages:\n  - after: P0D\n    action: delete"));
    var job = jobName("locks");
    job(job, Events.job(job, "events", "guards: {max-share: 1}"));
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.5);"
            + " RETURN NULL; END $$; CREATE TRIGGER slow AFTER DELETE ON "
            + schema
            + ".event FOR EACH STATEMENT EXECUTE FUNCTION "
            + schema
            + ".slow()");
    return job;
  }

  @Test
  void anApplicationTransactionHoldingRowsInTwoWindowsInTheCrossingOrderIsNeverStuck()
      throws Exception {
    var job = allDue();
    try (Connection x = DriverManager.getConnection(TestDatabases.url("app"))) {
      x.setAutoCommit(false);
      try (var s = x.createStatement()) {
        s.execute("SET application_name = 'billing-app'");
        s.execute("SET statement_timeout = '20s'");
        s.execute("SELECT * FROM " + schema + ".event WHERE id = 150 FOR UPDATE");
      }
      var run =
          CompletableFuture.supplyAsync(
              () -> runs.run(job, AS_OF, "test", ProgressListener.SILENT).report());
      // the first window has deleted row 50 and holds it, uncommitted, for its trigger's moment
      // (its statement in the trigger's sleep: a statement merely active may not have reached row
      // 50 yet on a loaded machine, and then both windows waited on X)
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () ->
                  APP.count(
                          "SELECT count(*) FROM pg_stat_activity WHERE application_name ="
                              + " 'lethe-store-app' AND query LIKE 'DELETE%' AND state = 'active'"
                              + " AND wait_event = 'PgSleep'")
                      > 0);
      long start = System.nanoTime();
      try (var s = x.createStatement()) {
        s.execute("SELECT * FROM " + schema + ".event WHERE id = 50 FOR UPDATE");
      }
      var waited = Duration.ofNanos(System.nanoTime() - start);

      var report = run.get();
      x.rollback();

      // the application waited less than the lock timeout, however the windows stood
      assertThat(waited).isLessThan(LOCK_TIMEOUT.plusSeconds(1));
      // the purge finished: the window X blocked waited, was tried again, and was left
      assertThat(report.status()).isEqualTo("COMPLETED");
      var events = outcome(report, "events");
      assertThat(events.waitedWindows()).isGreaterThanOrEqualTo(1);
      assertThat(events.leftWaiting()).isGreaterThanOrEqualTo(1);
      assertThat(events.waitedOn())
          .anySatisfy(o -> assertThat(o).contains(schema + ".event", "billing-app"));
      // exactly the rows of the window X held are left; every other row went, counted
      long left = APP.count("SELECT count(*) FROM " + schema + ".event");
      assertThat(
              APP.count("SELECT count(*) FROM " + schema + ".event WHERE id BETWEEN 101 AND 200"))
          .isEqualTo(left)
          .isEqualTo(100);
      assertThat(events.deleted()).isEqualTo(1000 - left);
      // the report counts the due rows the window left, and says so
      assertThat(events.leftWaitingRows()).isEqualTo(left);
      assertThat(dev.lethe.report.ReportText.render(report))
          .contains("still waited: their 100 due row(s) are left for the next run");
      // and so does the HTML page a reviewer reads
      assertThat(dev.lethe.report.ReportHtml.render(report, java.util.List.of()))
          .contains("data-field=\"waited\"")
          .contains("still waited: their 100 due row(s) are left for the next run");
    }
  }

  /**
   * A window that waited, retried after the others, where the retry trips a guard: the restart
   * tries it again rather than going on past it, and its rows go with their entries. Found by an
   * outside attack: the waiting windows were forgotten before their retries, so the restart
   * completed with 98 due rows still there and a report that said nothing was left.
   */
  @Test
  void aWaitedWindowWhoseRetryTripsAGuardIsTriedAgainByTheRestart() throws Exception {
    var job = allDue();
    // the first pass takes 900 rows; the retry's 100 more would pass 950
    job(job, Events.job(job, "events", "guards: {max-rows: 950, max-share: 1}"));
    RunReport failed;
    try (Connection x = DriverManager.getConnection(TestDatabases.url("app"))) {
      x.setAutoCommit(false);
      try (var s = x.createStatement()) {
        s.execute("SELECT * FROM " + schema + ".event WHERE id = 50 FOR UPDATE");
      }
      var run =
          CompletableFuture.supplyAsync(
              () -> runs.run(job, AS_OF, "test", ProgressListener.SILENT).report());
      // every window but the one X holds has gone: its retry comes next, and finds X gone
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> APP.count("SELECT count(*) FROM " + schema + ".event WHERE id > 100") == 0);
      x.rollback();
      failed = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(failed.status()).isEqualTo("FAILED");
    assertThat(failed.exitMessage()).contains("max-rows");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(100);
    // the failed run's report counts every row that left the store, and its trail has them
    assertThat(outcome(failed, "events").deleted()).isEqualTo(900);
    assertThat(
            control
                .sql(
                    "SELECT coalesce(sum(total_rows), 0) FROM lethe.audit_entry WHERE kind ="
                        + " 'purge' AND run_id = ?")
                .param(failed.run())
                .query(Long.class)
                .single())
        .isEqualTo(900);

    job(job, Events.job(job, "events", "guards: {max-share: 1}"));
    var restarted = runs.run(job, AS_OF, "test", ProgressListener.SILENT).report();

    assertThat(restarted.status()).as(restarted.exitMessage()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isZero();
    assertThat(outcome(restarted, "events").leftWaiting()).isZero();
    assertThat(
            control
                .sql(
                    "SELECT coalesce(sum(total_rows), 0) FROM lethe.audit_entry WHERE kind ="
                        + " 'purge' AND run_id IN (?, ?)")
                .params(failed.run(), restarted.run())
                .query(Long.class)
                .single())
        .isEqualTo(1000);
  }

  @Test
  void onMariaDbAWindowAnApplicationLocksIsLeftAndTheRestGoes() throws Exception {
    MariaDb.require();
    var table = "locked_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + table
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, occurred_at DATETIME NOT NULL);\n"
            + "INSERT INTO "
            + table
            + " SELECT seq, seq % 50, TIMESTAMP '2024-01-01 00:00:00' FROM seq_1_to_1000");
    policy(
        "maria-locked",
        """
        policy: maria-locked
        category: usage-data
        legal-basis: legitimate-interest
        store: maria
        table: %s
        key: id
        subject: subject_id
        clock: occurred_at
        retain: P1Y
        action: delete
        """
            .formatted(table));
    var job = jobName("mlocks");
    job(job, Events.job(job, "maria-locked", "guards: {max-share: 1}"));
    var report = runWhileMariaDbHoldsRow150(table, job);

    assertThat(report.status()).isEqualTo("COMPLETED");
    var locked = outcome(report, "maria-locked");
    assertThat(locked.waitedWindows()).isGreaterThanOrEqualTo(1);
    assertThat(locked.leftWaiting()).isGreaterThanOrEqualTo(1);
    long left = MariaDb.count("SELECT count(*) FROM " + table);
    assertThat(MariaDb.count("SELECT count(*) FROM " + table + " WHERE id BETWEEN 101 AND 200"))
        .isEqualTo(left)
        .isEqualTo(100);
    assertThat(locked.deleted()).isEqualTo(1000 - left);
    assertThat(locked.leftWaitingRows()).isEqualTo(left);
  }

  /** Runs the job while an application's MariaDB transaction holds row 150 of the table. */
  private RunReport runWhileMariaDbHoldsRow150(String table, String job) throws Exception {
    try (Connection x = DriverManager.getConnection(MariaDb.url())) {
      x.setAutoCommit(false);
      try (var s = x.createStatement()) {
        s.execute("SELECT * FROM " + table + " WHERE id = 150 FOR UPDATE");
      }
      try {
        return runs.run(job, AS_OF, "test", ProgressListener.SILENT).report();
      } finally {
        x.rollback();
      }
    }
  }

  /**
   * On MariaDB, a pseudonymisation left waiting counts the referenced rows it leaves too: unlike a
   * delete, it would change them. Found by an outside attack: the count left them out.
   */
  @Test
  void onMariaDbAPseudonymisationLeftWaitingCountsTheReferencedRowsItLeaves() throws Exception {
    MariaDb.require();
    var table = "pseud_" + schema;
    var child = "pref_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + table
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, occurred_at DATETIME NOT NULL, email"
            + " VARCHAR(100), pseudonymised_at DATETIME NULL);\n"
            + "INSERT INTO "
            + table
            + " SELECT seq, seq % 50, TIMESTAMP '2024-01-01 00:00:00', CONCAT('u', seq,"
            + " '@example.org'), NULL FROM seq_1_to_1000;\n"
            + "CREATE TABLE "
            + child
            + " (id BIGINT PRIMARY KEY, contact_id BIGINT, FOREIGN KEY (contact_id) REFERENCES "
            + table
            + " (id));\n"
            + "INSERT INTO "
            + child
            + " SELECT seq, seq FROM seq_101_to_150");
    policy(
        "maria-pseud",
        """
        policy: maria-pseud
        category: usage-data
        legal-basis: legitimate-interest
        store: maria
        table: %s
        key: id
        subject: subject_id
        clock: occurred_at
        marker: pseudonymised_at
        stages:
          - after: P30D
            action: pseudonymise
            transform:
              email: hmac
        """
            .formatted(table));
    var job = jobName("mpseud");
    job(job, Events.job(job, "maria-pseud", "guards: {max-share: 1}"));
    var report = runWhileMariaDbHoldsRow150(table, job);

    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    var pseud = outcome(report, "maria-pseud");
    assertThat(pseud.leftWaiting()).isGreaterThanOrEqualTo(1);
    long left = MariaDb.count("SELECT count(*) FROM " + table + " WHERE pseudonymised_at IS NULL");
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + table
                    + " WHERE pseudonymised_at IS NULL AND id BETWEEN 101 AND 200"))
        .isEqualTo(left)
        .isEqualTo(100);
    assertThat(pseud.leftWaitingRows()).isEqualTo(left);
  }

  @Test
  void aRunThatMakesNoProgressSaysWhatItWaitsForOnceAMinute(
      @org.springframework.beans.factory.annotation.Autowired dev.lethe.store.StoreRegistry stores,
      @org.springframework.beans.factory.annotation.Autowired RunMetrics metrics,
      org.springframework.boot.test.system.CapturedOutput output)
      throws Exception {
    Events.create(APP, schema, 10, 5);
    try (Connection x = DriverManager.getConnection(TestDatabases.url("app"));
        Connection lethe = DriverManager.getConnection(TestDatabases.url("app"))) {
      x.setAutoCommit(false);
      try (var s = x.createStatement()) {
        s.execute("SET application_name = 'billing-app'");
        s.execute("SELECT * FROM " + schema + ".event WHERE id = 5 FOR UPDATE");
      }
      // a statement of Lethe's store pool, waiting for X's row
      var waiting =
          CompletableFuture.runAsync(
              () -> {
                try (var s = lethe.createStatement()) {
                  s.execute("SET application_name = 'lethe-store-app'");
                  s.execute("SET lock_timeout = '10s'");
                  s.execute("DELETE FROM " + schema + ".event WHERE id = 5");
                } catch (java.sql.SQLException e) {
                  // ends when X lets go
                }
              });
      try (var watch =
          new StallWatch(
              "stuck-" + schema,
              java.util.List.of(stores.store("app")),
              Duration.ofSeconds(1),
              java.time.Clock.systemUTC(),
              metrics)) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> output.getAll().contains("job stuck-" + schema + ": no window committed"));
      }
      assertThat(output.getAll())
          .contains("waiting for store 'app': a lock", "held by billing-app")
          .doesNotContain("DELETE FROM");
      x.rollback();
      waiting.get();
    }
  }
}
