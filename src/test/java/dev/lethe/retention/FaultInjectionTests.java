package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.support.TestDatabases;
import dev.lethe.transform.Tokens;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever fails when, every row that leaves a store is in the audit trail and the run's counts
 * exactly once, and no held row goes. A purge of 12,000 events (120 windows of 100 rows, two at a
 * time) of 300 subjects, 12 of them held, is cut by terminating Lethe's connections to the control
 * database or to the store, or by SIGKILL, at several points; the same job and date then run again
 * until they complete.
 */
class FaultInjectionTests extends LetheTests {

  private static final int ROWS = 12_000;
  private static final int SUBJECTS = 300;
  private static final List<Long> HELD =
      List.of(3L, 50L, 77L, 101L, 150L, 222L, 240L, 251L, 260L, 270L, 288L, 299L);

  private String policy;
  private String job;

  /** The rows each unheld subject has due, before the run: what must go, and be recorded. */
  private Map<Long, Long> due;

  private void events() {
    Events.create(APP, schema, ROWS, SUBJECTS);
    APP.run("ANALYZE " + schema + ".event");
    policy = "events-" + schema;
    policy(policy, Events.policy(policy, schema, ""));
    job = jobName("faults");
    job(job, Events.job(job, policy, "guards: {max-share: 1}"));
    for (var subject : HELD) {
      holds.place(Long.toString(subject), null, null, "LIT-F", "fault injection", "test");
    }
    due = new HashMap<>();
    var held = HELD.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow();
    for (var subject :
        APP.longs(
            "SELECT subject_id FROM "
                + schema
                + ".event WHERE occurred_at < timestamptz '2025-01-01 00:00:00+00'"
                + " AND subject_id NOT IN ("
                + held
                + ") ORDER BY subject_id")) {
      due.merge(subject, 1L, Long::sum);
    }
  }

  /** Runs the job again until it completes (at most a few times): what operators do. */
  private long runUntilComplete() {
    long deleted = 0;
    for (int attempt = 0; attempt < 5; attempt++) {
      // a killed process's backend may hold the job's lock until PostgreSQL notices it gone (after
      // the statement it was running): the run is refused meanwhile, and tried again, as an
      // operator would
      var report =
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .ignoreException(RunLock.JobAlreadyRunningException.class)
              // connections the test cut just as a run ended may still be in the pool, used too
              // recently to be checked: the next run's look at the catalog meets one, as an
              // operator's next command would, and is tried again
              .ignoreExceptionsMatching(
                  e ->
                      e instanceof dev.lethe.system.BadInputException
                          && e.getMessage().contains("cannot be reached"))
              .until(
                  () -> runs.run(job, AS_OF, "test", ProgressListener.SILENT).report(), r -> true);
      deleted = report.policies().stream().mapToLong(p -> p.deleted()).sum();
      if (report.status().equals("COMPLETED")) {
        return deleted;
      }
    }
    throw new AssertionError("the run did not complete in five attempts");
  }

  /** What must hold after the faults and the runs that follow. */
  private void exactlyTheDueRowsOfUnheldSubjectsWentAndTheTrailSaysSo(long reported) {
    long dueRows = due.values().stream().mapToLong(Long::longValue).sum();
    // the rows: the due rows of unheld subjects went, and nothing else
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".event WHERE occurred_at < timestamptz '2025-01-01 00:00:00+00'"
                    + " AND subject_id NOT IN ("
                    + HELD.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow()
                    + ")"))
        .isZero();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(ROWS - dueRows);
    // the report counts them once
    assertThat(reported).isEqualTo(dueRows);
    // the trail: per subject, exactly the rows that went
    var tokens = testTokens();
    var recorded = new HashMap<Long, Long>();
    long total = 0;
    for (var row :
        control
            .sql(
                "SELECT subjects, rows, total_rows FROM lethe.audit_entry WHERE kind = 'purge'"
                    + " AND policy = ?")
            .param(policy)
            .query((rs, n) -> new Object[] {rs.getBytes(1), rs.getBytes(2), rs.getLong(3)})
            .list()) {
      var subjects = ByteBuffer.wrap((byte[]) row[0]);
      var rows = ByteBuffer.wrap((byte[]) row[1]);
      while (subjects.hasRemaining()) {
        recorded.merge(subjects.getLong(), (long) rows.getInt(), Long::sum);
      }
      total += (long) row[2];
    }
    assertThat(total).isEqualTo(dueRows);
    var expected = new HashMap<Long, Long>();
    due.forEach((subject, n) -> expected.put(prefix(tokens, subject), n));
    assertThat(recorded).isEqualTo(expected);
    // and nothing is left in the store's outbox that the trail does not have: a store lost just
    // as a run that then completed told it to forget its records leaves them there, in the trail
    // already, for the next run to forget
    for (var left : APP.rows("SELECT id::text FROM lethe.outbox")) {
      assertThat(
              control
                  .sql("SELECT count(*) FROM lethe.audit_entry WHERE outbox_id = CAST(? AS uuid)")
                  .param(left.get(0))
                  .query(Long.class)
                  .single())
          .as("outbox record " + left.get(0) + " is in the trail")
          .isOne();
    }
  }

  private static long prefix(Tokens tokens, long subject) {
    return ByteBuffer.wrap(tokens.raw(Long.toString(subject))).getLong();
  }

  /** Terminates every backend of {@code database} but the caller's: a lost connection. */
  private static void terminateConnections(String database) {
    try (var c = DriverManager.getConnection(TestDatabases.url(database));
        var s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The control database goes away after the {@code at}-th chunk's windows committed in the store
   * and before the chunk commits here: the windows' rows are gone, their position, counts and trail
   * entries are not.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 12, 25})
  void theControlDatabaseLostBetweenAWindowsCommitAndItsChunks(int at) {
    events();
    var calls = new AtomicInteger();
    var status =
        runCut(
            job,
            AS_OF,
            (p, step, steps, progress) -> {
              if (calls.incrementAndGet() == at) {
                terminateConnections("control");
              }
            });
    assertThat(status).isNotEqualTo("COMPLETED");

    exactlyTheDueRowsOfUnheldSubjectsWentAndTheTrailSaysSo(runUntilComplete());
  }

  /** A job of another policy on the same store, on a table of its own: its runs take the outbox. */
  private String anotherJobOnTheStore() {
    APP.run(
        ("CREATE TABLE %1$s.other (id bigint PRIMARY KEY, subject_id bigint NOT NULL, occurred_at"
                + " timestamptz NOT NULL); INSERT INTO %1$s.other SELECT i, i, timestamptz"
                + " '2020-01-01 00:00+00' FROM generate_series(1, 50) i")
            .formatted(schema));
    var other = "other-" + schema;
    policy(other, Events.policy(other, schema, "").replace(".event", ".other"));
    var otherJob = jobName("other");
    job(otherJob, Events.job(otherJob, other, ""));
    return otherJob;
  }

  /** The job's run loses the control database once its third chunk's windows committed. */
  private void theControlDatabaseLostAfterTheThirdChunksWindows() {
    var calls = new AtomicInteger();
    var status =
        runCut(
            job,
            AS_OF,
            (p, step, steps, progress) -> {
              if (calls.incrementAndGet() == 3) {
                terminateConnections("control");
              }
            });
    assertThat(status).isNotEqualTo("COMPLETED");
  }

  private void runToCompletion(String otherJob) {
    var others = runs.run(otherJob, AS_OF, "test", ProgressListener.SILENT).report();
    assertThat(others.status()).as(others.exitMessage()).isEqualTo("COMPLETED");
  }

  /**
   * The control database goes away after windows committed; a run of another job on the same store
   * appends their records first (and takes them from the outbox); then the job is restarted. Found
   * by an outside attack: the restart's report left out the rows its own first attempt deleted, and
   * {@code audit verify} then found the report short of the trail for good.
   */
  @Test
  void aRestartCountsTheWindowsARunOfAnotherJobRecordedFirst() {
    events();
    var otherJob = anotherJobOnTheStore();
    theControlDatabaseLostAfterTheThirdChunksWindows();
    assertThat(APP.count("SELECT count(*) FROM lethe.outbox")).isPositive();

    runToCompletion(otherJob);
    assertThat(APP.count("SELECT count(*) FROM lethe.outbox")).isZero();

    exactlyTheDueRowsOfUnheldSubjectsWentAndTheTrailSaysSo(runUntilComplete());
  }

  /**
   * Junk written under genuine records' ids and found first (by a run of another job on the store)
   * is refused without taking those ids: the genuine records, found after it (as in another store's
   * outbox), are appended and counted. Found by an outside attack: the refusal was kept under the
   * record's id, the genuine record was then taken for appended already, and its window's rows were
   * gone with no entry in the trail.
   */
  @Test
  void junkUnderAGenuineRecordsIdDoesNotShadowIt() {
    events();
    var otherJob = anotherJobOnTheStore();
    theControlDatabaseLostAfterTheThirdChunksWindows();
    var genuine = APP.rows("SELECT id::text, encode(payload, 'base64') FROM lethe.outbox");
    assertThat(genuine).isNotEmpty();
    APP.run("UPDATE lethe.outbox SET payload = convert_to('junk', 'UTF8')");

    runToCompletion(otherJob);
    assertThat(APP.count("SELECT count(*) FROM lethe.outbox")).isZero();
    for (var record : genuine) {
      APP.run(
          "INSERT INTO lethe.outbox (id, payload) VALUES ('%s', decode('%s', 'base64'))"
              .formatted(record.get(0), record.get(1).replace("\n", "")));
    }

    exactlyTheDueRowsOfUnheldSubjectsWentAndTheTrailSaysSo(runUntilComplete());
    assertThat(
            control
                .sql(
                    "SELECT count(*) FROM lethe.audit_entry WHERE kind = 'outbox' AND action ="
                        + " 'refused' AND detail LIKE ?")
                .param("%" + genuine.get(0).get(0) + "%")
                .query(Long.class)
                .single())
        .as("the junk is in the trail as refused")
        .isOne();
  }

  /**
   * A genuine window record copied, under its own id, into another store's outbox and taken from
   * there first is appended once, naming the store whose rows its window deleted (and where it was
   * found); the original is not appended again. Found by an outside attack: the entry named the
   * store whose outbox it was found in, as if that store's rows had gone.
   */
  @Test
  void aGenuineRecordFoundInAnotherStoresOutboxNamesTheStoreItsRowsLeft() {
    events();
    theControlDatabaseLostAfterTheThirdChunksWindows();
    var genuine = APP.rows("SELECT id::text, encode(payload, 'base64') FROM lethe.outbox");
    assertThat(genuine).isNotEmpty();
    var analytics = dev.lethe.support.DemoStores.ANALYTICS;
    analytics.run(
        ("CREATE SCHEMA %1$s; CREATE TABLE %1$s.other (id bigint PRIMARY KEY, subject_id bigint NOT"
                + " NULL, occurred_at timestamptz NOT NULL); INSERT INTO %1$s.other SELECT i, i,"
                + " timestamptz '2020-01-01 00:00+00' FROM generate_series(1, 50) i")
            .formatted(schema));
    var other = "elsewhere-" + schema;
    policy(
        other,
        Events.policy(other, schema, "")
            .replace(".event", ".other")
            .replace("store: app", "store: analytics"));
    var otherJob = jobName("elsewhere");
    job(otherJob, Events.job(otherJob, other, ""));
    stores.store("analytics").outbox().prepare();
    for (var record : genuine) {
      analytics.run(
          "INSERT INTO lethe.outbox (id, payload) VALUES ('%s', decode('%s', 'base64'))"
              .formatted(record.get(0), record.get(1).replace("\n", "")));
    }

    runToCompletion(otherJob);

    var details =
        control
            .sql(
                "SELECT detail FROM lethe.audit_entry WHERE outbox_id = ANY(?::uuid[]) ORDER BY"
                    + " seq")
            .param(genuine.stream().map(r -> r.get(0)).toArray(String[]::new))
            .query(String.class)
            .list();
    assertThat(details)
        .hasSize(genuine.size())
        .allSatisfy(
            d ->
                assertThat(d)
                    .contains(
                        "from store 'app', its record found in the outbox of store 'analytics'"));
    exactlyTheDueRowsOfUnheldSubjectsWentAndTheTrailSaysSo(runUntilComplete());
  }

  @org.springframework.beans.factory.annotation.Autowired dev.lethe.store.StoreRegistry stores;

  @org.springframework.beans.factory.annotation.Autowired dev.lethe.audit.AuditTrail audit;

  @org.springframework.beans.factory.annotation.Autowired dev.lethe.audit.AuditVerifier verifier;

  @org.springframework.beans.factory.annotation.Autowired
  dev.lethe.report.ReportService reportService;

  @org.springframework.beans.factory.annotation.Autowired
  org.springframework.transaction.PlatformTransactionManager transactions;

  /**
   * A run of another job takes a window's records from the store's outbox and appends them, as
   * recovered, while the windows' own chunk waits to append them: the chunk counts them, and the
   * restart of the step (after a guard stopped it) does not count them again. Found by an outside
   * attack: the restart counted them twice, and audit verify then called the report and the trail
   * apart for good.
   */
  @Test
  void windowsAnotherRunAppendedWhileTheirChunkWaitedAreCountedOnce() throws Exception {
    events();
    job(job, Events.job(job, policy, "guards: {max-rows: 1000}"));
    new org.springframework.transaction.support.TransactionTemplate(transactions)
        .executeWithoutResult(
            tx -> {
              // the trail's lock, held here: the chunk waits for it once its windows committed
              control.sql("SELECT pg_advisory_xact_lock(hashtext('lethe.audit'))").query().rowSet();
              var run =
                  java.util.concurrent.CompletableFuture.supplyAsync(
                      () -> runs.run(job, AS_OF, "test", ProgressListener.SILENT).report());
              // the store's outbox is made by the run
              await()
                  .atMost(Duration.ofSeconds(30))
                  .ignoreExceptions()
                  .until(
                      () ->
                          !run.isDone()
                              && APP.count("SELECT count(*) FROM lethe.outbox") > 0
                              && control
                                      .sql(
                                          "SELECT count(*) FROM pg_stat_activity WHERE"
                                              + " wait_event = 'advisory' AND pid <>"
                                              + " pg_backend_pid()")
                                      .query(Long.class)
                                      .single()
                                  > 0);
              appendTheOutboxAsRecoveredByAnotherRun();
            });
    job(job, Events.job(job, policy, "guards: {max-share: 1}"));

    exactlyTheDueRowsOfUnheldSubjectsWentAndTheTrailSaysSo(runUntilComplete());
  }

  /** What a run of another job's recovery does: each record appended as recovered by it. */
  private void appendTheOutboxAsRecoveredByAnotherRun() {
    for (var row : APP.rows("SELECT id::text, encode(payload, 'base64') FROM lethe.outbox")) {
      var id = java.util.UUID.fromString(row.get(0));
      WindowRecord record;
      try {
        record =
            WindowRecord.of(
                id,
                dev.lethe.audit.OutboxSeal.open(
                    audit, id, java.util.Base64.getMimeDecoder().decode(row.get(1))));
      } catch (dev.lethe.audit.OutboxSeal.Refused e) {
        throw new AssertionError(e);
      }
      var recovered =
          record.draft().withDetail(dev.lethe.audit.AuditTrail.RECOVERED_BY + "0 from store 'app'");
      assertThat(audit.appendOnce(recovered, id)).isTrue();
    }
  }

  /** The store's connections go away while windows work, at several points of the run. */
  @ParameterizedTest
  @ValueSource(ints = {1, 12, 25})
  void theStoreLostWhileWindowsWork(int at) {
    events();
    // each window's DELETE takes a moment, so that the connections die in the middle of one
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.02);"
            + " RETURN NULL; END $$; CREATE TRIGGER slow AFTER DELETE ON "
            + schema
            + ".event FOR EACH STATEMENT EXECUTE FUNCTION "
            + schema
            + ".slow()");
    var calls = new AtomicInteger();
    runCut(
        job,
        AS_OF,
        (p, step, steps, progress) -> {
          if (calls.incrementAndGet() == at) {
            new Thread(
                    () -> {
                      try {
                        Thread.sleep(10);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      terminateConnections("app");
                    })
                .start();
          }
        });
    assertThat(calls.get()).as("the run got as far as the cut").isGreaterThanOrEqualTo(at);

    exactlyTheDueRowsOfUnheldSubjectsWentAndTheTrailSaysSo(runUntilComplete());
  }

  /**
   * A window's COMMIT reaches the store and commits, and the connection goes before its reply: the
   * window's rows are gone though its commit failed. Its record in the outbox says so, and the
   * window is counted where it happened, once, on the second of a pair of windows as on the first.
   */
  @ParameterizedTest
  @ValueSource(ints = {3, 4})
  void aCommitWhoseReplyIsLostIsCountedOnce(int nth) throws Exception {
    events();
    var app = TestDatabases.url("app");
    var at = java.util.regex.Pattern.compile("//([^:/]+):(\\d+)/").matcher(app);
    assertThat(at.find()).isTrue();
    try (var proxy =
        new dev.lethe.support.CommitSwallowingProxy(
            at.group(1), Integer.parseInt(at.group(2)), nth)) {
      var config = configWithKey();
      var proxied =
          app.replace(at.group(0), "//127.0.0.1:" + proxy.port() + "/")
              + (app.contains("?") ? "&" : "?")
              + "sslmode=disable";
      Files.writeString(config, Files.readString(config).replace(app, proxied));
      var out = new java.io.StringWriter();
      int code =
          dev.lethe.cli.Lethe.execute(
              new String[] {"--config", config.toString(), "run", job, "--as-of", AS_OF.toString()},
              new java.io.PrintWriter(out, true),
              new java.io.PrintWriter(out, true));
      assertThat(proxy.swallowed()).as(out.toString()).isEqualTo(1);
      assertThat(code).as(out.toString()).isZero();
    }
    assertThat(APP.count("SELECT count(*) FROM lethe.outbox")).isZero();

    exactlyTheDueRowsOfUnheldSubjectsWentAndTheTrailSaysSo(runUntilComplete());
  }

  /**
   * Records left in the store's outbox by a run that lost the control database, taken by a restart
   * whose first chunk then fails (a guard trips): the trail entries they made roll back with the
   * chunk, the step's counts do not; taken again by the next restart, they are counted once.
   */
  @Test
  void recordsTakenByAChunkThatFailedAreCountedOnce() throws Exception {
    events();
    try (var locker = DriverManager.getConnection(TestDatabases.url("control"))) {
      locker.setAutoCommit(false);
      try (var s = locker.createStatement()) {
        s.execute("LOCK TABLE lethe.audit_entry IN EXCLUSIVE MODE");
      }
      // the first chunk's windows commit in the store; its trail entries wait for the lock
      var running =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> runCut(job, AS_OF, ProgressListener.SILENT));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> APP.count("SELECT count(*) FROM lethe.outbox") > 0);
      terminateConnections("control");
      assertThat(running.get()).isNotEqualTo("COMPLETED");
    }
    assertThat(APP.count("SELECT count(*) FROM lethe.outbox")).isPositive();
    // the restart takes them, and its first window trips a guard
    job(job, Events.job(job, policy, "guards: {max-share: 1, max-rows: 1}"));
    assertThat(runs.run(job, AS_OF, "test", ProgressListener.SILENT).report().status())
        .isEqualTo("FAILED");
    job(job, Events.job(job, policy, "guards: {max-share: 1}"));

    exactlyTheDueRowsOfUnheldSubjectsWentAndTheTrailSaysSo(runUntilComplete());
  }

  /**
   * The run completes and its process goes while it stores the report: the next run of the job and
   * date, or a restart, makes and stores the report then, with the counts the run recorded.
   */
  @Test
  void aRunThatCompletedWithoutItsReportGetsItFromTheNextRun() throws Exception {
    events();
    try (var locker = DriverManager.getConnection(TestDatabases.url("control"))) {
      locker.setAutoCommit(false);
      try (var s = locker.createStatement()) {
        s.execute("LOCK TABLE lethe.run_report IN EXCLUSIVE MODE");
      }
      var running =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> runCut(job, AS_OF, ProgressListener.SILENT));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  control
                          .sql(
                              "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type ="
                                  + " 'Lock' AND query LIKE '%run_report%'")
                          .query(Long.class)
                          .single()
                      > 0);
      terminateConnections("control");
      try {
        running.get();
      } catch (java.util.concurrent.ExecutionException e) {
        // the run completed; storing its report failed
      }
    }
    long run =
        control
            .sql(
                "SELECT max(e.job_execution_id) FROM batch_job_execution e JOIN"
                    + " batch_job_instance i USING (job_instance_id) WHERE i.job_name = ?")
            .param(job)
            .query(Long.class)
            .single();
    assertThat(
            control
                .sql("SELECT count(*) FROM lethe.run_report WHERE job_execution_id = ?")
                .param(run)
                .query(Long.class)
                .single())
        .isZero();
    // audit verify tells of it, and of the command that makes the report
    assertThat(verifier.verify(WORKSPACE.resolve("reports")).notes())
        .contains(
            "run "
                + run
                + " of job "
                + job
                + " as of "
                + AS_OF
                + " ended COMPLETED without its report (its process stopped before storing it);"
                + " the trail records what it did. Fix: run 'lethe run "
                + job
                + " --as-of "
                + AS_OF
                + "', which makes and stores its report");
    // lethe report RUN says the same, and --last does not pass over it in silence
    var reports = reportService;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> reports.reportOf(run))
        .hasMessageContaining("ended COMPLETED without its report")
        .hasMessageContaining("'lethe run " + job + " --as-of " + AS_OF + "'");
    assertThat(reports.latestWithoutReport(job)).isPresent();

    var again = runs.run(job, AS_OF, "test", ProgressListener.SILENT);
    assertThat(reports.latestWithoutReport(job)).isEmpty();

    assertThat(verifier.verify(WORKSPACE.resolve("reports")).notes())
        .noneMatch(note -> note.startsWith("run " + run + " "));
    assertThat(again.alreadyCompleted()).isTrue();
    assertThat(again.report().run()).isEqualTo(run);
    assertThat(again.report().startedBy()).contains("report made late");
    exactlyTheDueRowsOfUnheldSubjectsWentAndTheTrailSaysSo(again.report().deleted());
  }

  /** Lethe killed with SIGKILL mid-run, in a process of its own, at several points. */
  @ParameterizedTest
  @ValueSource(ints = {ROWS - 1_000, ROWS - 6_000, ROWS - 10_500})
  void theProcessKilled(int rowsLeftWhenKilled) throws Exception {
    events();
    var lethe = lethe(configWithKey(), "run", job, "--as-of", AS_OF.toString());
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(5))
          .until(
              () ->
                  !lethe.isAlive()
                      || APP.count("SELECT count(*) FROM " + schema + ".event")
                          <= rowsLeftWhenKilled);
    } finally {
      lethe.destroyForcibly().waitFor();
    }

    exactlyTheDueRowsOfUnheldSubjectsWentAndTheTrailSaysSo(runUntilComplete());
  }

  /** The events with an address to make a token of, and a stage that does, a month on. */
  private void addresses() {
    events();
    APP.run(
        "ALTER TABLE "
            + schema
            + ".event ADD COLUMN email text, ADD COLUMN pseudonymised_at timestamptz;"
            + " UPDATE "
            + schema
            + ".event SET email = 'user' || id || '@example.org'");
    policy(
        policy,
        Events.policy(policy, schema, "")
            .replace(
                "retain: P1Y\naction: delete",
                "marker: pseudonymised_at\nretain: P30D\naction: pseudonymise\n"
                    + "transform: {email: hmac}"));
    due = new HashMap<>();
    var held = HELD.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow();
    for (var subject :
        APP.longs(
            "SELECT subject_id FROM "
                + schema
                + ".event WHERE occurred_at < timestamptz '2025-12-02 00:00:00+00'"
                + " AND subject_id NOT IN ("
                + held
                + ")")) {
      due.merge(subject, 1L, Long::sum);
    }
  }

  /** Every due row of an unheld subject made a token once, of its own address; the rest not. */
  private void eachDueAddressATokenOnceAndTheTrailSaysSo(long reported) {
    long dueRows = due.values().stream().mapToLong(Long::longValue).sum();
    var tokens = testTokens();
    var held = HELD.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow();
    long right = 0;
    for (var row :
        APP.rows(
            "SELECT id::text, email FROM "
                + schema
                + ".event WHERE pseudonymised_at IS NOT NULL")) {
      assertThat(row.get(1)).isEqualTo(tokens.text("user" + row.get(0) + "@example.org"));
      right++;
    }
    assertThat(right).isEqualTo(dueRows);
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".event WHERE email = 'user' || id || '@example.org' AND (subject_id IN ("
                    + held
                    + ") OR occurred_at >= timestamptz '2025-12-02 00:00:00+00')"))
        .isEqualTo(ROWS - dueRows);
    assertThat(reported).isEqualTo(dueRows);
    var recorded = new HashMap<Long, Long>();
    for (var row :
        control
            .sql(
                "SELECT subjects, rows FROM lethe.audit_entry WHERE kind = 'purge'"
                    + " AND action = 'pseudonymised' AND policy = ?")
            .param(policy)
            .query((rs, n) -> new byte[][] {rs.getBytes(1), rs.getBytes(2)})
            .list()) {
      var subjects = ByteBuffer.wrap(row[0]);
      var rows = ByteBuffer.wrap(row[1]);
      while (subjects.hasRemaining()) {
        recorded.merge(subjects.getLong(), (long) rows.getInt(), Long::sum);
      }
    }
    var expected = new HashMap<Long, Long>();
    due.forEach((subject, n) -> expected.put(prefix(tokens, subject), n));
    assertThat(recorded).isEqualTo(expected);
  }

  private long runUntilCompletePseudonymised() {
    long done = 0;
    for (int attempt = 0; attempt < 5; attempt++) {
      // a killed process's backend may hold the job's lock until PostgreSQL notices it gone (after
      // the statement it was running): the run is refused meanwhile, and tried again, as an
      // operator would
      var report =
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .ignoreException(RunLock.JobAlreadyRunningException.class)
              // connections the test cut just as a run ended may still be in the pool, used too
              // recently to be checked: the next run's look at the catalog meets one, as an
              // operator's next command would, and is tried again
              .ignoreExceptionsMatching(
                  e ->
                      e instanceof dev.lethe.system.BadInputException
                          && e.getMessage().contains("cannot be reached"))
              .until(
                  () -> runs.run(job, AS_OF, "test", ProgressListener.SILENT).report(), r -> true);
      done = report.policies().stream().mapToLong(p -> p.pseudonymised()).sum();
      if (report.status().equals("COMPLETED")) {
        return done;
      }
    }
    throw new AssertionError("the run did not complete in five attempts");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 30})
  void aPseudonymiseStageLosingTheControlDatabase(int at) {
    addresses();
    var calls = new AtomicInteger();
    runCut(
        job,
        AS_OF,
        (p, step, steps, progress) -> {
          if (calls.incrementAndGet() == at) {
            terminateConnections("control");
          }
        });

    eachDueAddressATokenOnceAndTheTrailSaysSo(runUntilCompletePseudonymised());
  }

  @Test
  void aPseudonymiseStageKilled() throws Exception {
    addresses();
    var lethe = lethe(configWithKey(), "run", job, "--as-of", AS_OF.toString());
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(5))
          .until(
              () ->
                  !lethe.isAlive()
                      || APP.count(
                              "SELECT count(*) FROM "
                                  + schema
                                  + ".event WHERE pseudonymised_at IS NOT NULL")
                          >= 4_000);
    } finally {
      lethe.destroyForcibly().waitFor();
    }

    eachDueAddressATokenOnceAndTheTrailSaysSo(runUntilCompletePseudonymised());
  }

  private Path configWithKey() throws IOException {
    var config = configFile("faults-" + schema);
    Files.writeString(
        config,
        Files.readString(config)
            + "  pseudonymisation:\n    key-id: "
            + TEST_KEY_ID
            + "\n    key-file: "
            + WORKSPACE.resolve("hmac.key")
            + "\n");
    return config;
  }

  /** Lethe's command line in a JVM of its own, on this test's class path. */
  static Process lethe(Path config, String... args) throws IOException {
    var command = new java.util.ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.lethe.cli.Lethe");
    command.add("--config");
    command.add(config.toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(WORKSPACE.resolve("killed-" + System.nanoTime() + ".log").toFile())
        .start();
  }
}
