package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.LetheTests;
import dev.lethe.support.TestDatabases;
import java.nio.ByteBuffer;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Range partitions whose every row is due go whole (truncated, what must stay put back) instead of
 * row by row, with every guarantee the windows give. The table: a visit every hour of 2025, 20
 * subjects in turn, one partition per month and a default one; a delete after six months, as of
 * 2026-01-15: January to June go whole, July in part (windows), the rest stays.
 */
class PartitionPurgeTests extends LetheTests {

  private static final LocalDate AS_OF_JAN_15 = LocalDate.of(2026, 1, 15);
  private static final String CUTOFF = "'2025-07-15 00:00+00'";

  @BeforeEach
  void visits() {
    APP.run(
        ("SET TimeZone = 'UTC';"
                + " CREATE TABLE %1$s.visit (id bigint GENERATED ALWAYS AS IDENTITY, subject_id"
                + " bigint, seen_at timestamptz NOT NULL, kind text NOT NULL DEFAULT 'page',"
                + " kind_length int GENERATED ALWAYS AS (length(kind)) STORED,"
                + " PRIMARY KEY (id, seen_at)) PARTITION BY RANGE (seen_at);"
                + " DO $$ BEGIN FOR m IN 0..11 LOOP EXECUTE format('CREATE TABLE %1$s.visit_%%s"
                + " PARTITION OF %1$s.visit FOR VALUES FROM (%%L) TO (%%L)', m + 1,"
                + " timestamptz '2025-01-01 00:00+00' + m * interval '1 month',"
                + " timestamptz '2025-01-01 00:00+00' + (m + 1) * interval '1 month'); END LOOP;"
                + " END $$;"
                + " CREATE TABLE %1$s.visit_rest PARTITION OF %1$s.visit DEFAULT;"
                + " INSERT INTO %1$s.visit (subject_id, seen_at, kind) SELECT i %% 20 + 1,"
                + " timestamptz '2025-01-01 00:00+00' + i * interval '1 hour', CASE WHEN i %% 7 = 0"
                + " THEN 'api' ELSE 'page' END FROM generate_series(0, 8759) i;"
                + " ANALYZE %1$s.visit")
            .formatted(schema));
  }

  private String deleteVisits(String guards) {
    return deleteVisits(guards, "");
  }

  private String deleteVisits(String guards, String where) {
    visitPolicy("visits-" + schema, "visit", "P6M", where);
    var job = jobName("visits");
    job(job, "job: " + job + "\npolicies: [visits-" + schema + "]\nguards: " + guards + "\n");
    return job;
  }

  /** A delete policy on the visits ({@code visit}) or one of their partitions ({@code visit_3}). */
  private void visitPolicy(String name, String table, String retain, String where) {
    policy(
        name,
        """
        policy: %2$s
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %1$s.%3$s
        key: [id, seen_at]
        subject: subject_id
        clock: seen_at
        retain: %4$s
        action: delete
        %5$s"""
            .formatted(schema, name, table, retain, where));
  }

  /** Each month's partition's file: a truncate gives it a new one, a delete does not. */
  private Map<Integer, Long> files() {
    var files = new HashMap<Integer, Long>();
    for (int m = 1; m <= 12; m++) {
      files.put(
          m, APP.count("SELECT pg_relation_filenode('" + schema + ".visit_" + m + "')::bigint"));
    }
    return files;
  }

  private String rowsOf(long subject) {
    return APP.text(
        "SELECT string_agg(id || '/' || seen_at || '/' || kind || '/' || kind_length, ',' ORDER"
            + " BY id) FROM "
            + schema
            + ".visit WHERE subject_id = "
            + subject);
  }

  /** Per subject, the rows due now: before the cutoff, not subject 3's (held). */
  private Map<Long, Long> due() {
    var due = new HashMap<Long, Long>();
    for (var row :
        APP.rows(
            "SELECT subject_id, count(*) FROM "
                + schema
                + ".visit WHERE seen_at < "
                + CUTOFF
                + " AND subject_id <> 3 GROUP BY 1")) {
      due.put(Long.parseLong(row.get(0)), Long.parseLong(row.get(1)));
    }
    return due;
  }

  /** Per subject (the first 8 bytes of its token), the rows the trail says went. */
  private Map<Long, Long> trail(String policy) {
    var recorded = new HashMap<Long, Long>();
    for (var row :
        control
            .sql("SELECT subjects, rows FROM lethe.audit_entry WHERE kind = 'purge' AND policy = ?")
            .param(policy)
            .query((rs, n) -> List.of(rs.getBytes(1), rs.getBytes(2)))
            .list()) {
      var subjects = ByteBuffer.wrap(row.get(0));
      var rows = ByteBuffer.wrap(row.get(1));
      while (subjects.hasRemaining()) {
        recorded.merge(subjects.getLong(), (long) rows.getInt(), Long::sum);
      }
    }
    return recorded;
  }

  private Map<Long, Long> byToken(Map<Long, Long> bySubject) {
    var tokens = testTokens();
    var expected = new HashMap<Long, Long>();
    bySubject.forEach(
        (subject, n) ->
            expected.put(ByteBuffer.wrap(tokens.raw(Long.toString(subject))).getLong(), n));
    return expected;
  }

  @Test
  void duePartitionsGoWholeKeepingExactlyWhatIsSparedAndEveryRowIsAudited() {
    holds.place("3", null, null, "LIT-P", "claim", "test");
    var job = deleteVisits("{max-share: 1}");
    var before = files();
    var held = rowsOf(3);
    var due = due();
    long dueRows = due.values().stream().mapToLong(Long::longValue).sum();
    long later = APP.count("SELECT count(*) FROM " + schema + ".visit WHERE seen_at >= " + CUTOFF);

    var plan = plans.plan(job, AS_OF_JAN_15);
    var report = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();

    assertThat(report.status()).isEqualTo("COMPLETED");
    var outcome = outcome(report, "visits-" + schema);
    assertThat(outcome.deleted()).isEqualTo(dueRows);
    assertThat(plan.policies().get(0).counts().wouldChange()).isEqualTo(outcome.deleted());
    assertThat(outcome.heldByHolds())
        .isEqualTo(plan.policies().get(0).counts().heldByHolds())
        .isEqualTo(
            APP.count("SELECT count(*) FROM " + schema + ".visit WHERE seen_at < " + CUTOFF));
    // what is spared stayed exactly as it was: ids, times, values, generated columns
    assertThat(rowsOf(3)).isEqualTo(held);
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".visit WHERE seen_at >= " + CUTOFF))
        .isEqualTo(later);
    // January to June were truncated; July went in windows; later months were not touched
    var after = files();
    for (int m = 1; m <= 6; m++) {
      assertThat(after.get(m)).as("month %d", m).isNotEqualTo(before.get(m));
    }
    for (int m = 7; m <= 12; m++) {
      assertThat(after.get(m)).as("month %d", m).isEqualTo(before.get(m));
    }
    // the trail has every row that went, per subject
    assertThat(trail("visits-" + schema)).isEqualTo(byToken(due));
  }

  private int jobs;

  /** A delete policy on one month's partition (its table named directly). */
  private void monthPolicy(String name, int month, String retain) {
    visitPolicy(name, "visit_" + month, retain, "");
  }

  private String jobOf(String... policies) {
    var job = jobName("lineage-" + policies.length + "-" + (++jobs));
    job(
        job,
        "job: "
            + job
            + "\npolicies: ["
            + String.join(", ", policies)
            + "]\nguards: {max-share: 1}\n");
    return job;
  }

  /**
   * A policy on a partition and one on its parent share the partition's rows: keeping wins across
   * the two as on one table, and a hold under either keeps the subject's rows there from both.
   * Found by an outside attack: policies were compared by their table, so the one on the parent
   * deleted what the one on the partition kept, and the other way round.
   */
  @Test
  void aPolicyOnAPartitionAndOneOnItsParentEachKeepWhatTheOtherKeeps(
      @Autowired Validator validator) {
    long march = APP.count("SELECT count(*) FROM " + schema + ".visit_3");
    // the partition's policy would take March; the parent's keeps two years
    var parentKeeps = "visits-" + schema;
    deleteVisits("{max-share: 1}");
    visitPolicy(parentKeeps, "visit", "P2Y", "");
    monthPolicy("march-" + schema, 3, "P1M");
    // validate says so, as for two policies on one table (found by an outside attack: it said
    // nothing)
    assertThat(validator.validate().problems().warnings().toString())
        .contains(
            "both cover "
                + schema
                + ".visit_3 and "
                + schema
                + ".visit (the one holds rows of the other); where both apply, keeping wins");
    var first =
        runs.run(
                jobOf(parentKeeps, "march-" + schema),
                AS_OF_JAN_15,
                "test",
                ProgressListener.SILENT)
            .report();
    assertThat(first.status()).as(first.exitMessage()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".visit_3")).isEqualTo(march);
    assertThat(outcome(first, "march-" + schema).deleted()).isZero();

    // the parent's policy would take January to June; the partition's keeps March two years
    deleteVisits("{max-share: 1}");
    monthPolicy("march-" + schema, 3, "P2Y");
    var job = jobOf(parentKeeps, "march-" + schema);
    long others =
        APP.count(
            "SELECT count(*) FROM "
                + schema
                + ".visit WHERE seen_at < "
                + CUTOFF
                + " AND tableoid <> '"
                + schema
                + ".visit_3'::regclass");
    var plan = plans.plan(job, AS_OF_JAN_15);
    var report = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();
    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".visit_3")).isEqualTo(march);
    assertThat(outcome(report, parentKeeps).deleted()).isEqualTo(others);
    assertThat(plan.policies().stream().mapToLong(p -> p.counts().wouldChange()).sum())
        .isEqualTo(others);
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".visit WHERE seen_at < "
                    + CUTOFF
                    + " AND tableoid <> '"
                    + schema
                    + ".visit_3'::regclass"))
        .isZero();
  }

  @Test
  void aHoldUnderAPartitionsPolicyKeepsTheSubjectsRowsThereFromTheParentsPolicy() {
    // both would take March: the parent's at six months, the partition's at one
    var parent = "visits-" + schema;
    deleteVisits("{max-share: 1}");
    monthPolicy("march-" + schema, 3, "P1M");
    monthPolicy("april-" + schema, 4, "P1M");
    holds.place("5", "march-" + schema, null, "LIT-M", "claim on March", "test");
    holds.place("6", parent, null, "LIT-V", "claim on visits", "test");
    String march5 =
        APP.text(
            "SELECT string_agg(id::text, ',' ORDER BY id) FROM "
                + schema
                + ".visit_3 WHERE subject_id = 5");
    String april6 =
        APP.text(
            "SELECT string_agg(id::text, ',' ORDER BY id) FROM "
                + schema
                + ".visit_4 WHERE subject_id = 6");
    var job = jobOf(parent, "march-" + schema, "april-" + schema);
    var report = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();
    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    // the hold under March's policy kept subject 5's March rows from the parent's delete, and the
    // hold under the parent's policy kept subject 6's April rows from April's
    assertThat(
            APP.text(
                "SELECT string_agg(id::text, ',' ORDER BY id) FROM "
                    + schema
                    + ".visit_3 WHERE subject_id = 5"))
        .isEqualTo(march5)
        .isNotNull();
    assertThat(
            APP.text(
                "SELECT string_agg(id::text, ',' ORDER BY id) FROM "
                    + schema
                    + ".visit_4 WHERE subject_id = 6"))
        .isEqualTo(april6)
        .isNotNull();
    // (the parent's policy spares subject 5 in every month: a hold under a partition's policy is
    // taken as a hold on the parent's rows, the safe side)
    assertThat(
            APP.count("SELECT count(*) FROM " + schema + ".visit_3 WHERE subject_id NOT IN (5, 6)"))
        .isZero();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".visit_4 WHERE subject_id <> 6"))
        .isZero();
  }

  /**
   * The max-share guard's base is the table before any row went, also after a crash in the step's
   * first chunk: found by an outside attack, a restart measured the base again without the
   * partition the first chunk had emptied, and tripped a guard the run had been within.
   */
  @Test
  void aCrashInTheFirstChunkKeepsTheGuardsBaseAsItWasBeforeAnyRowWent() {
    long total = APP.count("SELECT count(*) FROM " + schema + ".visit");
    long due = APP.count("SELECT count(*) FROM " + schema + ".visit WHERE seen_at < " + CUTOFF);
    long january = APP.count("SELECT count(*) FROM " + schema + ".visit_1");
    // within the guard against the whole table, beyond it against the table without January
    double share = ((double) due / total + (double) due / (total - january)) / 2;
    var job = deleteVisits(String.format(java.util.Locale.ROOT, "{max-share: %.4f}", share));
    var chunks = new java.util.concurrent.atomic.AtomicInteger();
    var status =
        runCut(
            job,
            AS_OF_JAN_15,
            (p, step, steps, progress) -> {
              if (chunks.incrementAndGet() == 1) {
                // January's partition is emptied in the store; its chunk never commits here
                APP.run(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                        + controlDatabase()
                        + "'");
              }
            });
    assertThat(status).isNotEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".visit_1")).isZero();

    var restarted = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();

    assertThat(restarted.status()).as(restarted.exitMessage()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".visit WHERE seen_at < " + CUTOFF))
        .isZero();
    assertThat(trail("visits-" + schema).values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(due);
  }

  private String controlDatabase() {
    return control.sql("SELECT current_database()").query(String.class).single();
  }

  @Test
  void aPolicyWithConditionsGoesInWindowsKeepingWhatTheyKeep() {
    holds.place("3", null, null, "LIT-P", "claim", "test");
    var job = deleteVisits("{max-share: 1}", "where:\n  - column: kind\n    equals: page\n");
    var before = files();
    var api =
        APP.text(
            "SELECT string_agg(id || '/' || seen_at || '/' || subject_id, ',' ORDER BY id) FROM "
                + schema
                + ".visit WHERE kind = 'api'");
    var held = rowsOf(3);
    var due = new HashMap<Long, Long>();
    for (var row :
        APP.rows(
            "SELECT subject_id, count(*) FROM "
                + schema
                + ".visit WHERE seen_at < "
                + CUTOFF
                + " AND subject_id <> 3 AND kind = 'page' GROUP BY 1")) {
      due.put(Long.parseLong(row.get(0)), Long.parseLong(row.get(1)));
    }

    var plan = plans.plan(job, AS_OF_JAN_15);
    var report = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();

    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(outcome(report, "visits-" + schema).deleted())
        .isEqualTo(due.values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(plan.policies().get(0).counts().wouldChange());
    // a condition could read other tables, which the partition's lock does not hold still
    assertThat(files()).isEqualTo(before);
    assertThat(
            APP.text(
                "SELECT string_agg(id || '/' || seen_at || '/' || subject_id, ',' ORDER BY id) FROM "
                    + schema
                    + ".visit WHERE kind = 'api'"))
        .isEqualTo(api);
    assertThat(rowsOf(3)).isEqualTo(held);
    assertThat(trail("visits-" + schema)).isEqualTo(byToken(due));
  }

  @Test
  void aGuardCountsAPartitionsRowsBeforeAnyGo() {
    var job = deleteVisits("{max-rows: 100}");
    var before = files();
    long rows = APP.count("SELECT count(*) FROM " + schema + ".visit");

    var report = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();

    assertThat(report.status()).isEqualTo("FAILED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".visit")).isEqualTo(rows);
    assertThat(files()).isEqualTo(before);
    assertThat(trail("visits-" + schema)).isEmpty();
  }

  @Test
  void aPartitionInUseOrWithInsertOrDeleteTriggersGoesInWindows() throws Exception {
    // an insert trigger would see the kept rows go back in (and here changes them)
    APP.run(
        ("CREATE FUNCTION %1$s.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.kind :="
                + " 'stamped'; RETURN NEW; END $$;"
                + " CREATE TRIGGER stamp BEFORE INSERT ON %1$s.visit_3 FOR EACH ROW EXECUTE"
                + " FUNCTION %1$s.stamp()")
            .formatted(schema));
    // a delete trigger an application relies on: a truncate would not fire it
    APP.run(
        ("CREATE TABLE %1$s.gone (id bigint);"
                + " CREATE FUNCTION %1$s.note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " INSERT INTO %1$s.gone VALUES (OLD.id); RETURN OLD; END $$;"
                + " CREATE TRIGGER note AFTER DELETE ON %1$s.visit_4 FOR EACH ROW EXECUTE"
                + " FUNCTION %1$s.note()")
            .formatted(schema));
    long april = APP.count("SELECT count(*) FROM " + schema + ".visit_4 WHERE subject_id <> 3");
    holds.place("3", null, null, "LIT-P", "claim", "test");
    var job = deleteVisits("{max-share: 1}");
    var before = files();
    var held = rowsOf(3);
    var due = due();
    try (var reader = DriverManager.getConnection(TestDatabases.url("app"))) {
      // an application reads February in a transaction that stays open: no truncate waits on it
      reader.setAutoCommit(false);
      try (var s = reader.createStatement()) {
        s.execute("SELECT count(*) FROM " + schema + ".visit_2");
      }

      var report = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();

      assertThat(report.status()).isEqualTo("COMPLETED");
      reader.rollback();
    }
    var after = files();
    assertThat(after.get(2)).isEqualTo(before.get(2));
    assertThat(after.get(3)).isEqualTo(before.get(3));
    assertThat(after.get(4)).isEqualTo(before.get(4));
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".gone")).isEqualTo(april);
    assertThat(after.get(1)).isNotEqualTo(before.get(1));
    // their due rows went all the same, row by row, and what is held is as it was
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".visit WHERE seen_at < "
                    + CUTOFF
                    + " AND subject_id <> 3"))
        .isZero();
    assertThat(rowsOf(3)).isEqualTo(held);
    assertThat(trail("visits-" + schema)).isEqualTo(byToken(due));
  }

  @Test
  void aConnectionLostInsideAPartitionsTransactionChangesNothingThereAndTheRestartFinishes() {
    // the store's connection goes as March's kept rows go back, after it was truncated (a
    // check that ends its own session: no trigger, which would send March to the windows)
    APP.run(
        ("CREATE FUNCTION %1$s.lose(k text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$"
                + " BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN true; END $$;"
                + " ALTER TABLE %1$s.visit_3 ADD CONSTRAINT lose CHECK (%1$s.lose(kind)) NOT VALID")
            .formatted(schema));
    holds.place("3", null, null, "LIT-P", "claim", "test");
    var job = deleteVisits("{max-share: 1}");
    var held = rowsOf(3);
    var due = due();
    long march = APP.count("SELECT count(*) FROM " + schema + ".visit_3");

    var failed = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();

    assertThat(failed.status()).isEqualTo("FAILED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".visit_3")).isEqualTo(march);
    assertThat(rowsOf(3)).isEqualTo(held);

    APP.run("ALTER TABLE " + schema + ".visit_3 DROP CONSTRAINT lose");
    var restarted = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();

    assertThat(restarted.status()).isEqualTo("COMPLETED");
    assertThat(rowsOf(3)).isEqualTo(held);
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".visit WHERE seen_at < "
                    + CUTOFF
                    + " AND subject_id <> 3"))
        .isZero();
    // every row once in the trail: nothing twice, nothing missing
    assertThat(trail("visits-" + schema)).isEqualTo(byToken(due));
    assertThat(outcome(restarted, "visits-" + schema).deleted())
        .isEqualTo(due.values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void aHoldPlacedWhileAPartitionGoesIsHonouredByEveryPartitionAndWindowAfterIt() throws Exception {
    // February's kept rows take a while to go back: a hold on subject 5 is placed meanwhile
    holds.place("3", null, null, "LIT-P", "claim", "test");
    APP.run(
        ("CREATE TABLE %1$s.slept (at timestamptz);"
                + " CREATE FUNCTION %1$s.slow(k text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS"
                + " $$ BEGIN IF NOT EXISTS (SELECT 1 FROM %1$s.slept) THEN INSERT INTO %1$s.slept"
                + " VALUES (now()); PERFORM pg_sleep(2); END IF; RETURN true; END $$;"
                + " ALTER TABLE %1$s.visit_2 ADD CONSTRAINT slow CHECK (%1$s.slow(kind)) NOT VALID")
            .formatted(schema));
    var job = deleteVisits("{max-share: 1}");
    var placing =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              // February's transaction is putting its kept rows back, slowly
              org.awaitility.Awaitility.await()
                  .atMost(java.time.Duration.ofSeconds(30))
                  .until(
                      () ->
                          APP.count(
                                  "SELECT count(*) FROM pg_stat_activity WHERE wait_event ="
                                      + " 'PgSleep' AND datname = current_database()")
                              > 0);
              holds.place("5", null, null, "LIT-LATE", "claim", "test");
            });

    var report = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();
    placing.get(30, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    // what was in flight when the hold came went; everything after it kept subject 5's rows
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".visit WHERE subject_id = 5 AND seen_at < '2025-03-01 00:00+00'"))
        .isZero();
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".visit WHERE subject_id = 5 AND seen_at >= '2025-03-01 00:00+00' AND"
                    + " seen_at < "
                    + CUTOFF))
        .isEqualTo(
            APP.count(
                "SELECT count(*) FROM generate_series(0, 8759) i WHERE i % 20 + 1 = 5 AND"
                    + " timestamptz '2025-01-01 00:00+00' + i * interval '1 hour' >= '2025-03-01"
                    + " 00:00+00' AND timestamptz '2025-01-01 00:00+00' + i * interval '1 hour' < "
                    + CUTOFF));
    // and every row that went is in the trail once
    long gone = outcome(report, "visits-" + schema).deleted();
    assertThat(trail("visits-" + schema).values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(gone)
        .isEqualTo(
            APP.count(
                    "SELECT count(*) FROM generate_series(0, 8759) i WHERE timestamptz '2025-01-01"
                        + " 00:00+00' + i * interval '1 hour' < "
                        + CUTOFF)
                - APP.count("SELECT count(*) FROM " + schema + ".visit WHERE seen_at < " + CUTOFF));
  }

  @Test
  void rulesPublicationsAndAPutBackThatFailsSendAPartitionToTheWindows() {
    APP.run(
        ("CREATE TABLE %1$s.noted (id bigint);"
                + " CREATE RULE noted AS ON INSERT TO %1$s.visit_1 DO ALSO INSERT INTO %1$s.noted"
                + " VALUES (NEW.id);"
                // subject 3's api rows no longer meet a check added since: they could not go back
                + " ALTER TABLE %1$s.visit_2 ADD CONSTRAINT no_api CHECK (kind <> 'api') NOT VALID;"
                + " CREATE PUBLICATION pub_%1$s FOR TABLE %1$s.visit_5")
            .formatted(schema));
    try {
      holds.place("3", null, null, "LIT-P", "claim", "test");
      var job = deleteVisits("{max-share: 1}");
      var before = files();
      var held = rowsOf(3);
      var due = due();

      var report = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();

      assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
      var after = files();
      for (int m : new int[] {1, 2, 5}) {
        assertThat(after.get(m)).as("month %d", m).isEqualTo(before.get(m));
      }
      for (int m : new int[] {3, 4, 6}) {
        assertThat(after.get(m)).as("month %d", m).isNotEqualTo(before.get(m));
      }
      assertThat(APP.count("SELECT count(*) FROM " + schema + ".noted")).isZero();
      assertThat(rowsOf(3)).isEqualTo(held);
      assertThat(trail("visits-" + schema)).isEqualTo(byToken(due));
    } finally {
      APP.run("DROP PUBLICATION IF EXISTS pub_" + schema);
    }
  }

  /**
   * A foreign key may reference one partition rather than the table (found by an outside attack):
   * one that cascades reached another table's rows unseen by validate, and one that does not failed
   * the run halfway after the plan said nothing was referenced. Both are the table's keys now.
   */
  @Test
  void aForeignKeyToOnePartitionIsTheTablesToo(@Autowired Validator validator) {
    APP.run(
        ("CREATE TABLE %1$s.refund (id int PRIMARY KEY, visit_id bigint NOT NULL, seen_at"
                + " timestamptz NOT NULL, FOREIGN KEY (visit_id, seen_at) REFERENCES"
                + " %1$s.visit_3 (id, seen_at) ON DELETE CASCADE);"
                + " INSERT INTO %1$s.refund SELECT row_number() OVER (), id, seen_at FROM"
                + " %1$s.visit_3 WHERE subject_id = 5 ORDER BY id LIMIT 5")
            .formatted(schema));
    var job = deleteVisits("{max-share: 1}");
    assertThat(validator.validate().problems().errors().toString())
        .contains("deleting rows of " + schema + ".visit would reach " + schema + ".refund")
        .contains("ON DELETE CASCADE");

    // without the cascade: the five referenced visits stay, counted as such, in plan and run
    APP.run(
        ("ALTER TABLE %1$s.refund DROP CONSTRAINT refund_visit_id_seen_at_fkey;"
                + " ALTER TABLE %1$s.refund ADD FOREIGN KEY (visit_id, seen_at) REFERENCES"
                + " %1$s.visit_3 (id, seen_at)")
            .formatted(schema));
    assertThat(validator.validate().problems().errors()).isEmpty();
    var plan = plans.plan(job, AS_OF_JAN_15);
    var report = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();

    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    var outcome = outcome(report, "visits-" + schema);
    assertThat(outcome.referenced()).isEqualTo(5);
    assertThat(plan.policies().get(0).counts().referenced()).isEqualTo(5);
    assertThat(plan.policies().get(0).counts().wouldChange()).isEqualTo(outcome.deleted());
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".refund")).isEqualTo(5);
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".visit WHERE seen_at < "
                    + CUTOFF
                    + " AND (id, seen_at) NOT IN (SELECT visit_id, seen_at FROM "
                    + schema
                    + ".refund)"))
        .isZero();

    // and the table's keys are its partitions': one cascading from the table reaches the rows a
    // policy on one partition deletes
    APP.run(
        ("CREATE TABLE %1$s.note (visit_id bigint, seen_at timestamptz, FOREIGN KEY (visit_id,"
                + " seen_at) REFERENCES %1$s.visit (id, seen_at) ON DELETE CASCADE)")
            .formatted(schema));
    monthPolicy("march-" + schema, 3, "P6M");
    assertThat(validator.validate().problems().errors().toString())
        .contains("deleting rows of " + schema + ".visit_3 would reach " + schema + ".note");
  }

  /**
   * A statement trigger or a rule on the table is not its partitions', and a truncate of a
   * partition fires neither: the application's delete log missed every row that went whole (found
   * by an outside attack). Such a table's partitions go in windows, and the log has every row.
   */
  @Test
  void aDeleteTriggerOrRuleOnTheTableSendsItsPartitionsToTheWindows() {
    APP.run(
        ("CREATE TABLE %1$s.deleted_log (n bigint); CREATE TABLE %1$s.rule_log (id bigint);"
                + " CREATE FUNCTION %1$s.log_deletes() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN INSERT INTO %1$s.deleted_log SELECT count(*) FROM old_rows; RETURN NULL;"
                + " END $$;"
                + " CREATE TRIGGER log_deletes AFTER DELETE ON %1$s.visit REFERENCING OLD TABLE AS"
                + " old_rows FOR EACH STATEMENT EXECUTE FUNCTION %1$s.log_deletes()")
            .formatted(schema));
    var job = deleteVisits("{max-share: 1}");
    long dueRows = due().values().stream().mapToLong(Long::longValue).sum();
    long subject3 =
        APP.count(
            "SELECT count(*) FROM "
                + schema
                + ".visit WHERE seen_at < "
                + CUTOFF
                + " AND subject_id = 3");
    var before = files();

    var report = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();

    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    assertThat(outcome(report, "visits-" + schema).deleted()).isEqualTo(dueRows + subject3);
    assertThat(APP.count("SELECT coalesce(sum(n), 0) FROM " + schema + ".deleted_log"))
        .isEqualTo(dueRows + subject3);
    assertThat(files()).isEqualTo(before);

    // a rule on the table, the same
    APP.run(
        ("DROP TRIGGER log_deletes ON %1$s.visit; CREATE RULE log_deletes AS ON DELETE TO"
                + " %1$s.visit DO ALSO INSERT INTO %1$s.rule_log VALUES (OLD.id)")
            .formatted(schema));
    long nextDue =
        APP.count(
            "SELECT count(*) FROM " + schema + ".visit WHERE seen_at < '2025-09-15 00:00+00'");
    var later = runs.run(job, LocalDate.of(2026, 3, 15), "test", ProgressListener.SILENT).report();
    assertThat(later.status()).as(later.exitMessage()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".rule_log")).isEqualTo(nextDue);
    assertThat(files()).isEqualTo(before);
  }

  @Test
  void subjectsThatCompareEqualInOtherSpellingsAreEachRecordedUnderTheirOwn() {
    APP.run(
        ("CREATE COLLATION IF NOT EXISTS %1$s.ci (provider = icu, locale = 'und-u-ks-level2',"
                + " deterministic = false);"
                + " CREATE TABLE %1$s.mail (id bigint, address text COLLATE %1$s.ci, sent_at"
                + " timestamptz NOT NULL, PRIMARY KEY (id, sent_at)) PARTITION BY RANGE (sent_at);"
                + " CREATE TABLE %1$s.mail_1 PARTITION OF %1$s.mail FOR VALUES FROM"
                + " ('2025-01-01 00:00+00') TO ('2025-02-01 00:00+00');"
                + " INSERT INTO %1$s.mail VALUES (1, 'alice@x.com', '2025-01-02 00:00+00'),"
                + " (2, 'Alice@X.com', '2025-01-03 00:00+00'), (3, 'ALICE@x.com', '2025-01-04"
                + " 00:00+00'), (4, 'bob@x.com', '2025-01-05 00:00+00')")
            .formatted(schema));
    policy(
        "mail-" + schema,
        """
        policy: mail-%1$s
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %1$s.mail
        key: [id, sent_at]
        subject: address
        clock: sent_at
        retain: P6M
        action: delete
        """
            .formatted(schema));
    var job = jobName("mail");
    job(job, "job: " + job + "\npolicies: [mail-" + schema + "]\nguards: {max-share: 1}\n");
    long file = APP.count("SELECT pg_relation_filenode('" + schema + ".mail_1')::bigint");

    var report = runs.run(job, AS_OF_JAN_15, "test", ProgressListener.SILENT).report();

    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT pg_relation_filenode('" + schema + ".mail_1')::bigint"))
        .isNotEqualTo(file);
    var tokens = testTokens();
    var expected = new HashMap<Long, Long>();
    for (var address : List.of("alice@x.com", "Alice@X.com", "ALICE@x.com", "bob@x.com")) {
      expected.put(ByteBuffer.wrap(tokens.raw(address)).getLong(), 1L);
    }
    assertThat(trail("mail-" + schema)).isEqualTo(expected);
  }
}
