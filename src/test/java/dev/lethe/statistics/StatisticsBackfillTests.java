package dev.lethe.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.cli.Lethe;
import dev.lethe.policy.Statistic;
import dev.lethe.retention.Validator;
import dev.lethe.support.LetheTests;
import dev.lethe.system.BadInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Earlier buckets of a statistic: computed on demand from the rows still there ({@code lethe stats
 * compute}), never where a purge has begun to remove them (nor by a first run), and earlier series
 * exported under their own names. Views: on each of the twelve days 2025-12-20 to 2025-12-31, 12
 * subjects (1 to 12) with one view each from BE.
 */
class StatisticsBackfillTests extends LetheTests {

  @Autowired StatisticsService service;
  @Autowired StatisticsExport export;
  @Autowired Validator validator;

  private String name;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void views() {
    APP.run(
        ("CREATE TABLE %1$s.view (id bigint PRIMARY KEY, subject_id bigint, seen_at timestamptz NOT"
                + " NULL, country text);"
                + " INSERT INTO %1$s.view SELECT row_number() OVER (), s, d + interval '10 hours',"
                + " 'BE' FROM generate_series(timestamptz '2025-12-20 00:00+00',"
                + " timestamptz '2025-12-31 00:00+00', interval '1 day') d"
                + " CROSS JOIN generate_series(1, 12) s")
            .formatted(schema));
    name = "backfill-" + schema;
    job(
        name,
        """
        statistic: %s
        store: app
        table: %s.view
        time: seen_at
        bucket: day
        dimensions: [country]
        measures: [rows]
        subject: subject_id
        minimum-subjects: 10
        """
            .formatted(name, schema));
  }

  private Statistic statistic() {
    return validator.load().statistics().get(name);
  }

  private static java.time.ZonedDateTime asOf(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC);
  }

  /** Each stored bucket with its published total, or -1 where the total was withheld. */
  private Map<LocalDate, Long> totals() {
    var totals = new TreeMap<LocalDate, Long>();
    for (var cell : export.cells(statistic(), LocalDate.of(2000, 1, 1), LocalDate.of(2100, 1, 1))) {
      if (cell.kind().equals("total")) {
        totals.put(cell.bucket(), cell.suppressed() ? -1 : cell.measures().get(0).longValue());
      }
    }
    return totals;
  }

  private String deleteViews(String retain) {
    return deleting("views", "view", "id", "seen_at", retain);
  }

  /**
   * A delete policy {@code name-schema} on the schema's {@code table}, and a job {@code name} that
   * runs it; the job's name.
   */
  private String deleting(String name, String table, String key, String clock, String retain) {
    policy(
        name + "-" + schema,
        """
        policy: %1$s-%2$s
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %2$s.%3$s
        key: %4$s
        subject: subject_id
        clock: %5$s
        retain: %6$s
        action: delete
        """
            .formatted(name, schema, table, key, clock, retain));
    var job = jobName(name);
    job(job, "job: " + job + "\npolicies: [" + name + "-" + schema + "]\nguards: {max-share: 1}\n");
    return job;
  }

  private static String readString(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private int lethe(String commandLine) {
    var args = new java.util.ArrayList<String>();
    args.add("--config");
    args.add(configFile("lethe-" + schema).toString());
    args.addAll(List.of(commandLine.split(" ")));
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Lethe.execute(
        args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private long storedBuckets() {
    return control
        .sql("SELECT count(*) FROM lethe.statistic_bucket WHERE statistic = ?")
        .param(name)
        .query(Long.class)
        .single();
  }

  @Test
  void earlierBucketsAreComputedFromTheRowsStillThereAndStoredOnesAreKept() {
    // the statistic's first run saw only the last four days: history was imported after it
    APP.run("CREATE TABLE " + schema + ".history AS SELECT * FROM " + schema + ".view");
    APP.run("DELETE FROM " + schema + ".view WHERE seen_at < '2025-12-28'");
    assertThat(service.compute(statistic(), asOf(AS_OF), 1).bucketsAdded()).isEqualTo(4);
    APP.run(
        "INSERT INTO %1$s.view SELECT * FROM %1$s.history WHERE seen_at < '2025-12-28'"
            .formatted(schema));
    // a row of a stored bucket that arrived later changes nothing stored
    APP.run(
        "INSERT INTO "
            + schema
            + ".view VALUES (1000, 13, '2025-12-30 11:00+00', 'BE'), (1001, 13,"
            + " '2025-12-21 11:00+00', 'BE')");
    var stored = totals();

    var done =
        service.backfill(
            statistic(), LocalDate.of(2025, 12, 20), LocalDate.of(2025, 12, 31), asOf(AS_OF));

    assertThat(done.computed().bucketsAdded()).isEqualTo(8);
    assertThat(done.alreadyStored()).isEqualTo(4);
    var totals = totals();
    assertThat(totals).hasSize(12);
    assertThat(totals.get(LocalDate.of(2025, 12, 20))).isEqualTo(12);
    assertThat(totals.get(LocalDate.of(2025, 12, 21))).isEqualTo(13); // the imported row too
    for (var day : stored.keySet()) {
      assertThat(totals.get(day)).as("stored %s", day).isEqualTo(stored.get(day));
    }
    // again: every bucket is stored, nothing is added
    assertThat(
            service
                .backfill(
                    statistic(),
                    LocalDate.of(2025, 12, 20),
                    LocalDate.of(2025, 12, 31),
                    asOf(AS_OF))
                .computed()
                .bucketsAdded())
        .isZero();
  }

  @Test
  void bucketsAPurgeHasBegunToRemoveAreRefusedWithNothingStored() {
    holds.place("3", null, null, "LIT-9", "claim", "test");
    holds.place("4", null, null, "LIT-9", "claim", "test");
    var report = run(deleteViews("P10D")); // cutoff 2025-12-22: days 20 and 21 keep 2 subjects
    assertThat(report.deleted()).isEqualTo(2 * 10);

    assertThat(lethe("stats compute " + name + " --from 2025-12-20 --to 2025-12-31"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains(
            "the buckets before 2025-12-22 cannot be computed",
            "policy views-" + schema,
            "began deleting rows before 2025-12-22T00:00Z",
            "Nothing was computed",
            "Fix: give --from 2025-12-22 or later");
    assertThat(storedBuckets()).isZero();

    assertThat(lethe("stats compute " + name + " --from 2025-12-22 --to 2025-12-31")).isZero();
    assertThat(out.toString()).contains("10 computed", "0 stored before");
    assertThat(totals()).hasSize(10).containsEntry(LocalDate.of(2025, 12, 22), 12L);
  }

  @Test
  void aFirstRunAfterAPurgeStartsAtItsReachAndItsReportSaysWhy() {
    holds.place("3", null, null, "LIT-9", "claim", "test");
    run(deleteViews("P10D"));
    var job = jobName("stats");
    job(job, "job: " + job + "\nstatistics: [" + name + "]\n");

    var report = run(job);

    var stats = report.statistics().get(0);
    // days 20 and 21 still hold subject 3's rows: counting them would publish a day of one person
    assertThat(stats.bucketsAdded()).isEqualTo(10);
    assertThat(stats.notComputed())
        .contains(
            "buckets before 2025-12-22 are not computed",
            "policy views-" + schema,
            "so they would count only the rows left");
    assertThat(totals().keySet()).first().isEqualTo(LocalDate.of(2025, 12, 22));
    assertThat(dev.lethe.report.ReportText.render(report)) // the reviewer reads it in the text too
        .contains("buckets before 2025-12-22 are not computed");
  }

  @Test
  void aDeleteStepRecordsItsReachBeforeItsFirstDeleteSoAFailedOneCounts() {
    APP.run(
        ("CREATE FUNCTION %1$s.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE"
                + " EXCEPTION 'no deletes today'; END $$;"
                + " CREATE TRIGGER refuse BEFORE DELETE ON %1$s.view FOR EACH ROW EXECUTE FUNCTION"
                + " %1$s.refuse()")
            .formatted(schema));
    var report = run(deleteViews("P10D"));
    assertThat(report.status()).isEqualTo("FAILED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".view")).isEqualTo(144);

    // nothing went, but a purge that began may have: the buckets it reached are not computed
    aBackfillFromTheTwentiethIsRefusedWithNothingStored();
  }

  /** A purge reached the 21st: a backfill of December from the 20th is refused, nothing stored. */
  private void aBackfillFromTheTwentiethIsRefusedWithNothingStored() {
    assertThatThrownBy(
            () ->
                service.backfill(
                    statistic(),
                    LocalDate.of(2025, 12, 20),
                    LocalDate.of(2025, 12, 31),
                    asOf(AS_OF)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("the buckets before 2025-12-22 cannot be computed");
    assertThat(storedBuckets()).isZero();
  }

  @Test
  void onlyClosedBucketsAreComputedAndAnEmptyRangeIsBadInput() {
    var done =
        service.backfill(
            statistic(),
            LocalDate.of(2025, 12, 30),
            LocalDate.of(2026, 3, 1),
            asOf(LocalDate.of(2025, 12, 31)).plusHours(15));
    // the 31st is still open at 15:00 that day
    assertThat(done.computed().bucketsAdded()).isEqualTo(1);
    assertThat(done.to()).isEqualTo(LocalDate.of(2025, 12, 31));

    assertThatThrownBy(
            () ->
                service.backfill(
                    statistic(),
                    LocalDate.of(2025, 12, 31),
                    LocalDate.of(2026, 1, 5),
                    asOf(LocalDate.of(2025, 12, 31)).plusHours(15)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no day bucket from 2025-12-31 has closed yet");
    assertThat(lethe("stats compute " + name + " --from 2025-12-25 --to 2025-12-20"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("--to 2025-12-20 is before --from 2025-12-25");
    assertThat(lethe("stats compute no-such-statistic --from 2025-12-20 --to 2025-12-25"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("no statistic named 'no-such-statistic'");
    assertThat(storedBuckets()).isEqualTo(1);
  }

  @Test
  void anEarlierSeriesIsListedAndExportedUnderItsOwnNames() {
    service.compute(statistic(), asOf(LocalDate.of(2025, 12, 26)), 1);
    var file = WORKSPACE.resolve("jobs").resolve(name + ".yml");
    job(
        name,
        readString(file)
            .replace("measures: [rows]", "measures: [rows, distinct-subjects]")
            .replace("minimum-subjects: 10", "minimum-subjects: 12"));
    // the new series begins after the first one's days
    var second = service.compute(statistic(), asOf(AS_OF), 2);
    assertThat(second.bucketsAdded()).isEqualTo(6);
    assertThat(second.notComputed()).contains("buckets before 2025-12-26 are not computed");
    // nor does a backfill publish them again
    assertThatThrownBy(
            () ->
                service.backfill(
                    statistic(),
                    LocalDate.of(2025, 12, 20),
                    LocalDate.of(2025, 12, 25),
                    asOf(AS_OF)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("an earlier series of the same rows")
        .hasMessageContaining("Nothing was computed. Fix: give --from 2025-12-26 or later");

    assertThat(lethe("stats series " + name)).isZero();
    assertThat(out.toString())
        .containsPattern(
            "(?m)^\\s+1\\s+\\w{12}\\s+6\\s+2025-12-20\\s+2025-12-25\\s+.*earlier definition$")
        .containsPattern("(?m)^\\s+2\\s+\\w{12}\\s+6\\s+2025-12-26\\s+2025-12-31\\s+.*current$");

    assertThat(lethe("stats export " + name + " --series 1 --to 2025-12-20")).isZero();
    assertThat(out.toString())
        .startsWith("bucket,kind,country,rows,suppressed")
        .contains("2025-12-20,cell,BE,12,false");
    assertThat(
            lethe(
                "stats export "
                    + name
                    + " --series 2 --format json --from 2025-12-26 --to"
                    + " 2025-12-26"))
        .isZero();
    assertThat(out.toString()).contains("\"distinct_subjects\" : 12", "\"minimumSubjects\" : 12");
    assertThat(lethe("stats export " + name + " --from 2025-12-26 --to 2025-12-26")).isZero();
    assertThat(out.toString()).startsWith("bucket,kind,country,rows,distinct_subjects,suppressed");

    assertThat(lethe("stats export " + name + " --series 3")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("--series 3", "has series [1 (", "2 (");
  }

  /**
   * A statistic renamed is a new statistic of the same rows: it does not publish again the days the
   * old name published, cut another way (found by an outside attack: the series rule went by the
   * statistic's name).
   */
  @Test
  void aRenamedStatisticDoesNotPublishAgainWhatTheOldNamePublished() throws Exception {
    service.compute(statistic(), asOf(LocalDate.of(2025, 12, 26)), 1);
    var file = WORKSPACE.resolve("jobs").resolve(name + ".yml");
    var renamed = name + "-x";
    job(
        renamed,
        readString(file)
            .replace("statistic: " + name, "statistic: " + renamed)
            .replace("minimum-subjects: 10", "minimum-subjects: 3"));
    java.nio.file.Files.delete(file);

    var outcome = service.compute(validator.load().statistics().get(renamed), asOf(AS_OF), 2);

    assertThat(outcome.bucketsAdded()).isEqualTo(6);
    assertThat(outcome.notComputed())
        .contains("buckets before 2025-12-26 are not computed: an earlier series of the same rows");
  }

  private List<String> errors() {
    return validator.validate().problems().errors().stream().map(Object::toString).toList();
  }

  @Test
  void aDeleteByAnotherClockIsRefusedUnlessACheckProvesARowsTimeComesFirst() {
    APP.run(
        "ALTER TABLE %1$s.view ADD COLUMN resolved_at timestamptz; UPDATE %1$s.view SET resolved_at = seen_at + interval '2 days'"
            .formatted(schema));
    deleting("views", "view", "id", "resolved_at", "P1Y");
    // buckets by seen_at, rows gone by resolved_at: nothing says a row was seen before it was
    // resolved, so a delete's cutoff says nothing of the buckets
    assertThat(errors())
        .anySatisfy(
            e ->
                assertThat(e)
                    .contains(
                        name + ".yml:4:",
                        "deletes rows of " + schema + ".view by their resolved_at",
                        "by their seen_at",
                        "ADD CHECK (seen_at <= resolved_at)"));

    APP.run("ALTER TABLE " + schema + ".view ADD CHECK (seen_at <= resolved_at)");
    assertThat(errors()).noneMatch(e -> e.contains(name + ".yml"));

    // the other way round no check can help: a row is resolved after it is seen
    job(
        name,
        readString(WORKSPACE.resolve("jobs").resolve(name + ".yml"))
            .replace("time: seen_at", "time: resolved_at"));
    deleting("views", "view", "id", "seen_at", "P1Y");
    assertThat(errors())
        .anySatisfy(
            e ->
                assertThat(e)
                    .contains(name + ".yml:4:", "by their seen_at", "by their resolved_at"));
  }

  @Test
  void aDeleteThatCascadesIntoTheStatisticsTableIsRefusedNamingTheForeignKey() {
    APP.run(
        ("CREATE TABLE %1$s.visitor (id bigint PRIMARY KEY, left_at timestamptz);"
                + " INSERT INTO %1$s.visitor SELECT s, timestamptz '2025-01-01 00:00+00' FROM generate_series(1, 12) s;"
                + " ALTER TABLE %1$s.view ADD CONSTRAINT view_visitor FOREIGN KEY (subject_id)"
                + " REFERENCES %1$s.visitor (id) ON DELETE CASCADE")
            .formatted(schema));
    policy(
        "visitors-" + schema,
        """
        policy: visitors-%1$s
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %1$s.visitor
        key: id
        subject: id
        clock: left_at
        retain: P1Y
        action: delete
        allow-cascade: true
        """
            .formatted(schema));

    assertThat(errors())
        .anySatisfy(
            e ->
                assertThat(e)
                    .contains(
                        name + ".yml:3:",
                        "policy 'visitors-" + schema + "'",
                        "foreign key view_visitor from " + schema + ".view (ON DELETE CASCADE)",
                        "whatever their time"));
  }

  @Test
  void aDeleteOnAPartitionReachesAStatisticOnItsParent() {
    APP.run(
        ("CREATE TABLE %1$s.pv (id bigint, subject_id bigint, seen_at timestamptz NOT NULL,"
                + " country text, PRIMARY KEY (id, seen_at)) PARTITION BY RANGE (seen_at);"
                + " CREATE TABLE %1$s.pv_dec PARTITION OF %1$s.pv FOR VALUES FROM"
                + " ('2025-12-01 00:00+00') TO ('2026-01-01 00:00+00');"
                + " INSERT INTO %1$s.pv SELECT * FROM %1$s.view")
            .formatted(schema));
    job(
        name,
        readString(WORKSPACE.resolve("jobs").resolve(name + ".yml"))
            .replace(schema + ".view", schema + ".pv"));
    var job = deleting("pv", "pv_dec", "[id, seen_at]", "seen_at", "P10D");
    assertThat(run(job).deleted()).isEqualTo(2 * 12); // the 20th and the 21st

    aBackfillFromTheTwentiethIsRefusedWithNothingStored();
  }

  /**
   * A purge of a parent table takes its inheritance children's rows: a statistic on a child is
   * reached by it (its first buckets would count only the rows left).
   */
  @Test
  void aDeleteOnAParentReachesAStatisticOnItsInheritanceChild() {
    APP.run(
        ("CREATE TABLE %1$s.view_child () INHERITS (%1$s.view);"
                + " INSERT INTO %1$s.view_child SELECT id + 1000, subject_id, seen_at, country"
                + " FROM %1$s.view; DELETE FROM ONLY %1$s.view")
            .formatted(schema));
    job(
        name,
        readString(WORKSPACE.resolve("jobs").resolve(name + ".yml"))
            .replace(schema + ".view\n", schema + ".view_child\n"));
    assertThat(run(deleteViews("P10D")).deleted()).isEqualTo(2 * 12); // the 20th and 21st

    aBackfillFromTheTwentiethIsRefusedWithNothingStored();
  }

  @Test
  void aPurgeThatBeginsWhileAFirstRunReadsLeavesWhatItReachedOut() throws Exception {
    holds.place("3", null, null, "LIT-9", "claim", "test");
    var purge = deleteViews("P10D");
    java.util.concurrent.Future<StatisticOutcome> computing;
    try (var blocker =
        java.sql.DriverManager.getConnection(dev.lethe.support.TestDatabases.url("control"))) {
      // the first run has looked at the purges (none) and waits to read the objections
      blocker.setAutoCommit(false);
      try (var st = blocker.createStatement()) {
        st.execute("LOCK TABLE lethe.objection IN ACCESS EXCLUSIVE MODE");
      }
      var statistic = statistic();
      computing =
          java.util.concurrent.Executors.newSingleThreadExecutor()
              .submit(() -> service.compute(statistic, asOf(AS_OF), 99));
      // the compute waits for the lock now
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(
              () ->
                  control
                          .sql(
                              "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid ="
                                  + " l.relation WHERE c.relname = 'objection' AND NOT l.granted")
                          .query(Long.class)
                          .single()
                      > 0);
      var purged = run(purge);
      assertThat(purged.deleted()).isEqualTo(2 * 11); // the 20th and 21st, but subject 3's
      blocker.rollback();
    }
    var outcome = computing.get(60, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(outcome.bucketsAdded()).isEqualTo(10);
    assertThat(outcome.notComputed()).contains("buckets before 2025-12-22 are not computed");
    assertThat(totals().keySet()).first().isEqualTo(LocalDate.of(2025, 12, 22));
  }

  @Test
  void aFilledInBucketAfterTheSeriesLastIsRefusedAndRowsBefore1900AreNoBuckets() {
    APP.run(
        "INSERT INTO "
            + schema
            + ".view VALUES (5000, 1, '-infinity', 'BE'), (5001, 2, '0044-03-15 12:00+00', 'BE')");
    // the first run reads from 1900: the rows of -infinity and of 44 fail nothing
    assertThat(service.compute(statistic(), asOf(LocalDate.of(2025, 12, 25)), 1).bucketsAdded())
        .isEqualTo(5);

    assertThatThrownBy(
            () ->
                service.backfill(
                    statistic(),
                    LocalDate.of(2025, 12, 28),
                    LocalDate.of(2025, 12, 28),
                    asOf(AS_OF)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("the buckets after 2025-12-24, its series' last")
        .hasMessageContaining("Fix: give --to 2025-12-24 or earlier");
    assertThat(lethe("stats compute " + name + " --from 1850-01-01 --to 1900-02-01"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("--from 1850-01-01 is before 1900-01-01");
    assertThat(storedBuckets()).isEqualTo(5);
  }

  @Test
  void aValueHoldingACommaIsAnotherDefinitionThanTwoValues() {
    job(
        name,
        readString(WORKSPACE.resolve("jobs").resolve(name + ".yml"))
            + "where:\n  - column: country\n    in: [BE, NL]\n");
    var both = statistic();
    job(
        name,
        readString(WORKSPACE.resolve("jobs").resolve(name + ".yml"))
            .replace("in: [BE, NL]", "in: [\"BE, NL\"]"));
    var one = statistic();

    assertThat(both.definitionText()).contains("[BE, NL]");
    assertThat(StatisticsService.definition(one, ZoneOffset.UTC))
        .isNotEqualTo(StatisticsService.definition(both, ZoneOffset.UTC));
  }

  @Test
  void operatorsWordsAreSafeAndSeriesAreFoundAsTyped() {
    service.compute(statistic(), asOf(LocalDate.of(2025, 12, 26)), 1);
    var checksum = export.allSeries(name, java.util.Optional.of(statistic())).get(0).definition();

    assertThat(
            lethe(
                "stats export "
                    + name
                    + " --series "
                    + checksum.substring(0, 6).toUpperCase(java.util.Locale.ROOT)
                    + " --to 2025-12-20"))
        .isZero();
    assertThat(out.toString()).contains("2025-12-20,cell,BE,12,false");
    assertThat(lethe("stats export " + name + " --output /no/such/folder/x.csv"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("the folder /no/such/folder does not exist");
    assertThat(lethe("stats export bad\u001b]0;pwned\u0007name")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("bad\\u001b]0;pwned\\u0007name").doesNotContain("\u001b");
    // a statistic without dimensions draws its trend from its one cell per bucket
    job(
        name,
        readString(WORKSPACE.resolve("jobs").resolve(name + ".yml"))
            .replace("dimensions: [country]\n", ""));
    // (after the days the first definition published: the two would give each other away)
    service.compute(statistic(), asOf(AS_OF), 2);
    assertThat(export.trend(statistic(), 60))
        .hasSize(6)
        .allSatisfy(p -> assertThat(p.total()).isNotNull());
  }
}
