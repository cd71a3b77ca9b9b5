package dev.lethe.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.hold.ObjectionService;
import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.support.LetheTests;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Statistics on real PostgreSQL. The views of each of the three days before the as-of date: BE 20
 * subjects with 2 views each, FR 5 subjects, NL 6, LU 3 (one view each), and 4 anonymous views from
 * BE.
 */
class StatisticsTests extends LetheTests {

  @Autowired StatisticsExport export;
  @Autowired ObjectionService objections;
  @Autowired Validator validator;

  @BeforeEach
  void views() {
    APP.run(
        ("CREATE TABLE %1$s.view (id bigint PRIMARY KEY, subject_id bigint, seen_at timestamptz NOT NULL,"
                + " country text, amount numeric);"
                + " INSERT INTO %1$s.view SELECT row_number() OVER (), s, day + interval '10 hours', c, a"
                + " FROM generate_series(1, 3) d"
                + " CROSS JOIN LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00' - d * interval '1 day' AS day) t"
                + " CROSS JOIN LATERAL (VALUES"
                + "   (1, 20, 'BE', 2), (21, 26, 'NL', 1), (27, 29, 'LU', 1), (30, 34, 'FR', 1)) AS g(lo, hi, c, n)"
                + " CROSS JOIN LATERAL generate_series(g.lo, g.hi) s"
                + " CROSS JOIN LATERAL generate_series(1, g.n) k"
                + " CROSS JOIN LATERAL (SELECT 100 * s AS a) amounts;"
                + " INSERT INTO %1$s.view SELECT 1000 + i, NULL, timestamptz '2025-12-31 12:00:00+00', 'BE', 1"
                + " FROM generate_series(1, 4) i")
            .formatted(schema));
  }

  private String statistic(String name, String extra) {
    job(
        name,
        """
        statistic: %s
        store: app
        table: %s.view
        time: seen_at
        bucket: day
        dimensions: [country]
        measures: [rows, distinct-subjects, {sum: amount, bounds: [0, 1000]}]
        subject: subject_id
        minimum-subjects: 10
        %s
        """
            .formatted(name, schema, extra));
    var job = jobName(name);
    job(job + "-job", "job: " + job + "\nstatistics: [" + name + "]\n");
    return job;
  }

  private List<StatisticsExport.Cell> cells(String name) {
    var statistic = validator.load().statistics().get(name);
    return export.cells(statistic, LocalDate.of(2000, 1, 1), LocalDate.of(2100, 1, 1));
  }

  private static long measure(StatisticsExport.Cell cell, int i) {
    return cell.measures().get(i).longValueExact();
  }

  @Test
  void eachKindOfBadStatisticIsRefusedWithItsLine() {
    APP.run("CREATE TABLE " + schema + ".nokey (code text, label text)");
    APP.run("ALTER TABLE " + schema + ".view ADD COLUMN code text");
    var name = "bad-" + schema;
    job(
        name,
        """
        statistic: %s
        store: app
        table: %s.view
        time: country
        bucket: day
        dimensions:
          - {browser-family: amount}
          - {age: {column: country, via: subject_id, band: 10}}
          - {label: {column: %s.nokey.label, via: code}}
        measures: [rows, {sum: country, bounds: [0, 1]}]
        subject: seen_at
        minimum-subjects: 10
        where:
          - column: amount
            older-than: P1Y
        """
            .formatted(name, schema, schema));

    var errors = validator.validate().problems().errors().stream().map(Object::toString).toList();

    assertThat(errors)
        .anySatisfy(e -> assertThat(e).contains(".yml:4:", "'time'", "text, not a point in time"))
        .anySatisfy(e -> assertThat(e).contains(".yml:7:", "browser-family reads a user-agent"))
        .anySatisfy(e -> assertThat(e).contains(".yml:8:", "no foreign key on 'subject_id'"))
        .anySatisfy(e -> assertThat(e).contains(".yml:9:", "has no one-column key"))
        .anySatisfy(e -> assertThat(e).contains(".yml:10:", "'country' is text, not a number"))
        .anySatisfy(e -> assertThat(e).contains(".yml:11:", "timestamp with time zone"))
        .anySatisfy(e -> assertThat(e).contains(".yml:15:", "conditions compare its own columns"));
  }

  @Test
  void smallCellsAreSuppressedAndCannotBeHadByTakingPublishedCellsFromTheTotal() {
    var job = statistic("views-" + schema, "");

    var report = run(job);

    var stats = report.statistics().get(0);
    assertThat(stats.status()).isEqualTo("COMPLETED");
    assertThat(stats.bucketsAdded()).isEqualTo(3);
    assertThat(stats.cellsSuppressed()).isEqualTo(9); // NL, LU and FR each day
    assertThat(stats.rowsSuppressed()).isEqualTo(3 * 14);
    var byBucket = new HashMap<LocalDate, List<StatisticsExport.Cell>>();
    cells("views-" + schema)
        .forEach(c -> byBucket.computeIfAbsent(c.bucket(), b -> new ArrayList<>()).add(c));
    assertThat(byBucket).hasSize(3);
    for (var bucket : byBucket.values()) {
      for (var cell : bucket) {
        assertThat(measure(cell, 1))
            .as("distinct subjects of a published cell")
            .isGreaterThanOrEqualTo(10);
      }
      var kinds = bucket.stream().map(StatisticsExport.Cell::kind).toList();
      assertThat(kinds).containsExactly("cell", "other", "total");
      var be = bucket.get(0);
      assertThat(be.dimensions()).containsExactly("BE");
      var other = bucket.get(1);
      var total = bucket.get(2);
      // the suppressed cells are only there as one "other" of 14 subjects: no subtraction of
      // published numbers gives NL, LU or FR alone
      assertThat(measure(other, 1)).isEqualTo(14);
      assertThat(measure(be, 0) + measure(other, 0)).isEqualTo(measure(total, 0));
      assertThat(be.measures().get(2).add(other.measures().get(2)))
          .isEqualByComparingTo(total.measures().get(2));
    }
    // the day with the anonymous views counts their rows but no subject for them
    var last = byBucket.get(LocalDate.of(2025, 12, 31));
    assertThat(measure(last.get(0), 0)).isEqualTo(44);
    assertThat(measure(last.get(0), 1)).isEqualTo(20);
  }

  private void coarse(String name, String bucket, String dimensions, String extra) {
    job(
        name,
        """
        statistic: %s
        store: app
        table: %s.view
        time: seen_at
        bucket: %s
        dimensions: %s
        measures: [rows]
        subject: subject_id
        minimum-subjects: 10
        %s
        """
            .formatted(name, schema, bucket, dimensions, extra));
  }

  /** A delete policy on the views, keeping them {@code retain}. */
  private void viewsPolicy(String retain) {
    policy(
        "views-" + schema,
        """
        policy: views-%1$s
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %1$s.view
        key: id
        subject: subject_id
        clock: seen_at
        retain: %2$s
        action: delete
        """
            .formatted(schema, retain));
  }

  private List<String> errors() {
    return validator.validate().problems().errors().stream().map(Object::toString).toList();
  }

  /**
   * Luxembourg's views of a day are left out by country; the day's views of all countries,
   * published by a statistic of the same rows without dimensions, less Belgium's and the "other"
   * cell, would give them: two statistics of the same rows are refused unless one adds noise (found
   * by an outside attack). A day lies within its month, a week does not; a condition on another
   * column makes other rows.
   */
  @Test
  void twoStatisticsOfTheSameRowsAreRefusedUnlessNoiseProtectsThem() {
    var fine = "views-" + schema;
    var coarse = "all-" + schema;
    statistic(fine, "");
    assertThat(errors()).isEmpty();
    // the same statistic under another name publishes the same numbers: nothing to take
    job(coarse, readJob(fine).replace("statistic: " + fine, "statistic: " + coarse));
    assertThat(errors()).isEmpty();

    coarse(coarse, "day", "[]", "");
    assertThat(errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .contains(".yml:3: field 'table': statistics '")
                    .contains("'" + fine + "'", "'" + coarse + "'")
                    .contains("count the same rows, and neither adds noise")
                    .contains("Fix: add noise"));
    // a condition on the column the other groups by selects whole cells: the same rows still
    coarse(coarse, "day", "[]", "where:\n  - {column: country, in: [BE, NL]}");
    assertThat(errors()).hasSize(1);
    // a month by country holds the days by country
    coarse(coarse, "month", "[country]", "");
    assertThat(errors()).hasSize(1);

    // a week beside a month: where the rows lie within one month, the month less the weeks is
    // the cells the weeks left out (found by an outside attack)
    job(fine, readJob(fine).replace("bucket: day", "bucket: week"));
    assertThat(errors()).hasSize(1);
    // a condition on a column neither groups by: all rows but a few, less all rows, is those few
    statistic(fine, "");
    coarse(coarse, "day", "[]", "where:\n  - {column: subject_id, is-not-null: true}");
    assertThat(errors()).hasSize(1);
    // conditions that look apart are not trusted to be: 17 and '017' are one age (found by an
    // outside attack)
    statistic(fine, "where:\n  - {column: country, in: [BE, NL]}");
    coarse(coarse, "day", "[]", "where:\n  - {column: country, in: [LU, FR]}");
    assertThat(errors()).hasSize(1);
    // noise that hides one person on either; noise of a budget that does not, none at all
    statistic(fine, "");
    coarse(coarse, "day", "[]", "noise: {epsilon: 1.0}");
    assertThat(errors()).isEmpty();
    coarse(coarse, "day", "[]", "noise: {epsilon: 5}");
    assertThat(errors()).hasSize(1);
  }

  /**
   * A parent table's statistic reads its inheritance children's rows: beside a statistic of a
   * child, the parent's total less the child's other cells gave the cell the child withheld (found
   * by an outside attack). The two count the same rows, as a partitioned table and a partition do.
   */
  @Test
  void statisticsOfAParentAndItsInheritanceChildCountTheSameRows() {
    APP.run("CREATE TABLE " + schema + ".view_child () INHERITS (" + schema + ".view)");
    var parent = "views-" + schema;
    var child = "child-" + schema;
    statistic(parent, "");
    coarse(child, "day", "[]", "");
    job(child, readJob(child).replace(schema + ".view\n", schema + ".view_child\n"));
    assertThat(readJob(child)).contains(".view_child");
    assertThat(errors())
        .singleElement()
        .asString()
        .contains("'" + parent + "'", "'" + child + "'", "count the same rows, and neither");

    // with noise, they share one budget
    statistic(parent, "noise: {epsilon: 1.0}");
    coarse(child, "day", "[]", "noise: {epsilon: 1.0}");
    job(child, readJob(child).replace(schema + ".view\n", schema + ".view_child\n"));
    assertThat(errors()).singleElement().asString().contains("1.0 + 1.0 = 2.0");
  }

  /**
   * Noise on each of several statistics of the same rows adds up: twenty of epsilon 1.0, side by
   * side, tell a cell as well as one of epsilon 20. Where two or more add noise, their budgets
   * together must stay within 1.0.
   */
  @Test
  void theNoiseOfStatisticsOfTheSameRowsIsOneBudget() {
    var fine = "views-" + schema;
    var coarse = "all-" + schema;
    statistic(fine, "noise: {epsilon: 1.0}");
    coarse(coarse, "day", "[]", "noise: {epsilon: 1.0}");
    assertThat(errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .containsPattern("(views|all)-t\\d+\\.yml:\\d+: field 'noise'")
                    .contains("'" + coarse + "' (" + coarse + ".yml), '" + fine + "'")
                    .contains("noise of epsilon 1.0 + 1.0 = 2.0")
                    .contains(
                        "Fix: share a budget of at most 1.0 among them (such as epsilon 0.5"));
    coarse(coarse, "day", "[]", "noise: {epsilon: 0.5}");
    statistic(fine, "noise: {epsilon: 0.5}");
    assertThat(errors()).isEmpty();
    // one statistic under two names draws its noise twice: two budgets all the same
    statistic(fine, "noise: {epsilon: 0.8}");
    job(coarse, readJob(fine).replace("statistic: " + fine, "statistic: " + coarse));
    assertThat(errors()).singleElement().asString().contains("0.8 + 0.8 = 1.6");
    // noise beside exact numbers spends only its own
    coarse(coarse, "day", "[]", "");
    statistic(fine, "noise: {epsilon: 1.0}");
    assertThat(errors()).isEmpty();
  }

  /**
   * A statistic counts the subjects its table's policies know: with the row's id as its subject, an
   * objector was counted and minimum-subjects counted rows, not people (found by an outside
   * attack).
   */
  @Test
  void aStatisticCountsTheSubjectsItsTablesPoliciesKnow() {
    viewsPolicy("P10Y");
    var name = "views-" + schema;
    statistic(name, "");
    assertThat(errors()).isEmpty();
    job(name, readJob(name).replace("subject: subject_id", "subject: id"));
    assertThat(errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .contains(name + ".yml:8: field 'subject': 'id' is not the subject column")
                    .contains("Fix: write subject: subject_id"));
  }

  /**
   * Two processes computing statistics of one table at once (other definitions, one database) each
   * found the other's days not yet stored, and both published them (found by an outside attack).
   * What may be stored is told again under a lock on the rows: here another series of the same rows
   * is stored while this one waits for that lock, and this one stores none of its days.
   */
  @Test
  void aSeriesStoredMeanwhileByAnotherProcessIsSeenUnderTheLockOnTheRows(
      @Autowired StatisticsService service, @Autowired PurgeReach reach) throws Exception {
    var name = "views-" + schema;
    statistic(name, "");
    var statistic = validator.load().statistics().get(name);
    var now = AS_OF.atStartOfDay(java.time.ZoneOffset.UTC);
    var rows = reach.rowsOf(statistic);
    try (var other =
        java.sql.DriverManager.getConnection(dev.lethe.support.TestDatabases.url("control"))) {
      try (var s = other.createStatement()) {
        s.execute(
            "SELECT pg_advisory_lock(hashtext('lethe.statistic.rows."
                + rows.replace("'", "''")
                + "'), 2)");
      }
      var computing =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> service.compute(statistic, now, 1));
      // it waits on the lock on the rows, having computed its buckets
      awaitAnAdvisoryLockWait();
      assertThat(computing).isNotDone();
      // another statistic of the same rows stores the same days meanwhile
      try (var s = other.createStatement()) {
        s.execute(
            "INSERT INTO lethe.statistic_series (statistic, definition, description,"
                + " first_stored_at, rows_identity, zone, time_column) VALUES ('renamed-"
                + schema
                + "', 'x', '{}', now(), '"
                + rows.replace("'", "''")
                + "', 'UTC', 'seen_at');"
                + " INSERT INTO lethe.statistic_bucket (statistic, definition, bucket, bucket_end,"
                + " run_id, computed_at, cells, suppressed_cells, suppressed_rows,"
                + " total_withheld) VALUES ('renamed-"
                + schema
                + "', 'x', '2025-12-31', '2026-01-01', 1, now(), 0, 0, 0, false)");
        s.execute(
            "SELECT pg_advisory_unlock(hashtext('lethe.statistic.rows."
                + rows.replace("'", "''")
                + "'), 2)");
      }
      var outcome = computing.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(outcome.bucketsAdded()).isZero();
    }
    assertThat(cells(name)).isEmpty();
  }

  @Test
  void cellsOfOneOrTwoSubjectsWithoutNoiseAreWarnedOf() {
    var name = "views-" + schema;
    statistic(name, "");
    job(name, readJob(name).replace("minimum-subjects: 10", "minimum-subjects: 1"));
    var warnings =
        validator.validate().problems().warnings().stream().map(Object::toString).toList();
    assertThat(warnings)
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains(name + ".yml:9: field 'minimum-subjects': cells of one subject")
                    .contains("that person's numbers", "Fix: raise minimum-subjects to 3"));
    job(name, readJob(name).replace("minimum-subjects: 1", "minimum-subjects: 2"));
    assertThat(validator.validate().problems().warnings().toString()).contains("two subjects");
    job(name, readJob(name).replace("minimum-subjects: 2", "minimum-subjects: 3"));
    assertThat(validator.validate().problems().warnings().toString())
        .doesNotContain("minimum-subjects");
    statistic(name, "noise: {epsilon: 1.0}");
    job(name, readJob(name).replace("minimum-subjects: 10", "minimum-subjects: 1"));
    assertThat(validator.validate().problems().warnings().toString())
        .doesNotContain("minimum-subjects");
  }

  @Test
  void whenEvenTheSuppressedCellsTogetherAreTooFewTheTotalIsWithheld() {
    APP.run("DELETE FROM " + schema + ".view WHERE country IN ('NL', 'FR')");
    var job = statistic("views-" + schema, "");

    var report = run(job);

    assertThat(report.statistics().get(0).totalsWithheld()).isEqualTo(3);
    // nor does the run's report count the rows left out: beside a withheld total that count is
    // the withheld "other" cell (found by an outside attack)
    assertThat(report.statistics().get(0).cellsSuppressed()).isEqualTo(3);
    assertThat(report.statistics().get(0).rowsSuppressed()).isZero();
    var published = cells("views-" + schema).stream().filter(c -> !c.suppressed()).toList();
    assertThat(published)
        .hasSize(3)
        .allSatisfy(c -> assertThat(c.kind()).isEqualTo("cell"))
        .allSatisfy(c -> assertThat(c.dimensions()).containsExactly("BE"));
    // each withheld total is a row that says so, with no number: not to be read as no data
    var withheld = cells("views-" + schema).stream().filter(c -> c.suppressed()).toList();
    assertThat(withheld)
        .hasSize(3)
        .allSatisfy(c -> assertThat(c.kind()).isEqualTo("total"))
        .allSatisfy(c -> assertThat(c.measures()).isEmpty());
  }

  /**
   * A text subject with blanks around it is the same person, as for holds and erasures: counted
   * once, and left out whatever spelling their rows hold (a person who objected was published as
   * four subjects: found by an outside attack).
   */
  @Test
  void aSubjectIsOnePersonWhateverBlanksItsRowsHold() {
    APP.run(
        ("CREATE TABLE %1$s.visit (id int PRIMARY KEY, person text, seen_at timestamptz NOT NULL,"
                + " country text);"
                + " INSERT INTO %1$s.visit VALUES"
                + " (1, 'x1', '2025-12-31 10:00+00', 'AQ'), (2, ' x1', '2025-12-31 10:00+00', 'AQ'),"
                + " (3, 'x1 ', '2025-12-31 10:00+00', 'AQ'), (4, E'x1\t', '2025-12-31 10:00+00', 'AQ'),"
                + " (5, 'y1', '2025-12-31 10:00+00', 'AQ'), (6, E'\ny1', '2025-12-31 10:00+00', 'AQ')")
            .formatted(schema));
    objections.place("x1", "analytics", "test");
    var name = "persons-" + schema;
    job(
        name,
        """
        statistic: %s
        store: app
        table: %s.visit
        time: seen_at
        bucket: day
        dimensions: [country]
        measures: [rows, distinct-subjects]
        subject: person
        minimum-subjects: 1
        """
            .formatted(name, schema));
    var job = jobName(name);
    job(job + "-job", "job: " + job + "\nstatistics: [" + name + "]\n");

    run(job);

    assertThat(cells(name))
        .filteredOn(c -> c.kind().equals("cell"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.dimensions()).containsExactly("AQ");
              assertThat(measure(c, 0)).as("rows").isEqualTo(2);
              assertThat(measure(c, 1)).as("distinct subjects").isEqualTo(1);
            });
  }

  /**
   * A restricted subject whose rows a stage made tokens of is left out all the same: the rows hold
   * the token of its key (a restriction left out nothing there: found by an outside attack).
   */
  @Test
  void aRestrictedSubjectsTokenisedRowsAreLeftOut() {
    APP.run(
        ("UPDATE %1$s.view SET subject_id = %2$d WHERE subject_id = 1")
            .formatted(schema, testTokens().number("1")));
    long before = APP.count("SELECT count(*) FROM " + schema + ".view");
    restrictions.place("1", "accuracy contested", "test");
    var name = "views-" + schema;
    var job = statistic(name, "");
    job(name, readJob(name).replace("minimum-subjects: 10", "minimum-subjects: 3"));

    run(job);

    long rowsOf1 =
        APP.count(
            "SELECT count(*) FROM "
                + schema
                + ".view WHERE subject_id = "
                + testTokens().number("1")
                + " AND seen_at < '2026-01-01'");
    assertThat(rowsOf1).isPositive();
    long counted =
        cells(name).stream()
            .filter(c -> c.kind().equals("total") && !c.suppressed())
            .mapToLong(c -> measure(c, 0))
            .sum();
    assertThat(counted).isEqualTo(before - rowsOf1);
  }

  @Test
  void restrictedSubjectsAndThoseWhoObjectedAreLeftOut() {
    restrictions.place("1", "accuracy contested", "test");
    objections.place("2", "analytics", "test");
    objections.place("3", "marketing", "test"); // not an objection to analytics
    var job = statistic("views-" + schema, "");

    run(job);

    var be = cells("views-" + schema).get(0);
    assertThat(measure(be, 1)).isEqualTo(18);
    assertThat(measure(be, 0)).isEqualTo(36);
    assertThat(be.measures().get(2))
        .isEqualByComparingTo(BigDecimal.valueOf(2 * (100 * 52 + 10 * 1000)));
  }

  @Test
  void aBucketIsComputedOnceAndKeepsItsValuesAfterThePurge() {
    var name = "views-" + schema;
    statistic(name, "");
    policy(
        "views",
        """
        policy: views
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %s.view
        key: id
        subject: subject_id
        clock: seen_at
        retain: P1D
        action: delete
        """
            .formatted(schema));
    var job = jobName("both");
    job(
        job,
        "job: "
            + job
            + "\nstatistics: ["
            + name
            + "]\npolicies: [views]\nguards: {max-share: 1}\n");

    var first = run(job);
    var before = cells(name);
    assertThat(first.statistics().get(0).bucketsAdded()).isEqualTo(3);
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".view")).isLessThan(100);

    // a day later the purged rows are gone; the buckets stored from them are not recomputed
    var later = runs.run(job, AS_OF.plusDays(1), "test", ProgressListener.SILENT).report();
    var again = runs.run(job, AS_OF.plusDays(1), "test", ProgressListener.SILENT);

    assertThat(later.statistics().get(0).bucketsAdded()).isZero(); // no view on the as-of day
    assertThat(again.alreadyCompleted()).isTrue();
    assertThat(cells(name)).isEqualTo(before);
  }

  @Test
  void aRerunOfTheSameDayAddsNothing(@Autowired StatisticsService service) {
    var name = "views-" + schema;
    statistic(name, "");
    var statistic = validator.load().statistics().get(name);
    var now = AS_OF.atStartOfDay(java.time.ZoneOffset.UTC);

    var first = service.compute(statistic, now, 1);
    var second = service.compute(statistic, now, 2);

    assertThat(first.bucketsAdded()).isEqualTo(3);
    assertThat(second).isEqualTo(StatisticOutcome.NONE);
    assertThat(
            control
                .sql("SELECT count(*) FROM lethe.statistic_bucket WHERE statistic = ?")
                .param(name)
                .query(Long.class)
                .single())
        .isEqualTo(3);
  }

  @Test
  void aBucketLongerThanADeleteOnItsTableIsRefusedNamingBothFiles() {
    var name = "weekly-" + schema;
    statistic(name, "");
    job(name, readJob(name).replace("bucket: day", "bucket: week"));
    viewsPolicy("P3D");

    // the same table, however its name is spelt
    job(
        name,
        readJob(name)
            .replace("table: " + schema + ".view", "table: " + schema.toUpperCase() + ".VIEW"));
    var errors = validator.validate().problems().errors().stream().map(Object::toString).toList();

    assertThat(errors)
        .anySatisfy(
            e ->
                assertThat(e)
                    .contains(
                        name + ".yml:5:",
                        "a week bucket is computed when it ends",
                        "policy 'views-" + schema + "'",
                        "views-" + schema + ".yml",
                        "P3D",
                        "use a shorter bucket"));

    // a day bucket, or a delete at least a week later, is no loss
    job(name, readJob(name).replace("bucket: week", "bucket: day"));
    assertThat(validator.validate().problems().errors()).isEmpty();
    job(name, readJob(name).replace("bucket: day", "bucket: month"));
    policy("views-" + schema, readPolicy("views-" + schema).replace("P3D", "P1M"));
    assertThat(validator.validate().problems().errors()).isEmpty();
    policy("views-" + schema, readPolicy("views-" + schema).replace("P1M", "P30D"));
    assertThat(validator.validate().problems().errors().toString())
        .contains("a month bucket is computed when it ends");
  }

  private static String readJob(String name) {
    return read(WORKSPACE.resolve("jobs").resolve(name + ".yml"));
  }

  private static String readPolicy(String name) {
    return read(WORKSPACE.resolve("policies").resolve(name + ".yml"));
  }

  private static String read(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void anotherTimeZoneStartsANewSeriesAndASeriesWithoutAZoneIsContinued(
      @Autowired StatisticsService service) {
    var name = "zoned-" + schema;
    statistic(name, "");
    var statistic = validator.load().statistics().get(name);
    var utc = AS_OF.atStartOfDay(java.time.ZoneOffset.UTC);
    assertThat(service.compute(statistic, utc, 1).bucketsAdded()).isEqualTo(3);
    assertThat(service.compute(statistic, utc, 2).bucketsAdded()).isZero();

    // the same definition in another zone: its days are other days, so a series of its own,
    // which does not publish again the days the first one did: the two would give away what
    // each leaves out
    var brussels = AS_OF.atStartOfDay(java.time.ZoneId.of("Europe/Brussels"));
    assertThat(StatisticsService.definition(statistic, brussels.getZone()))
        .isNotEqualTo(StatisticsService.definition(statistic, java.time.ZoneOffset.UTC));
    var inBrussels = service.compute(statistic, brussels, 3);
    assertThat(inBrussels.bucketsAdded()).isZero();
    assertThat(inBrussels.notComputed())
        .contains("buckets before 2026-01-02 are not computed: an earlier series");
    // UTC, Etc/UTC and Z name one zone
    assertThat(StatisticsService.definition(statistic, java.time.ZoneId.of("Etc/UTC")))
        .isEqualTo(StatisticsService.definition(statistic, java.time.ZoneOffset.UTC));

    // a series stored before the zone named series is continued, not computed again
    var legacy = org.apache.commons.codec.digest.DigestUtils.sha256Hex(statistic.definitionText());
    var utcSeries = StatisticsService.definition(statistic, java.time.ZoneOffset.UTC);
    control
        .sql(
            "INSERT INTO lethe.statistic_bucket SELECT statistic, ?, bucket, bucket_end, run_id,"
                + " computed_at, cells, suppressed_cells, suppressed_rows, total_withheld, epsilon"
                + " FROM lethe.statistic_bucket WHERE statistic = ? AND definition = ?")
        .params(legacy, name, utcSeries)
        .update();
    control
        .sql(
            "UPDATE lethe.statistic_cell SET definition = ? WHERE statistic = ? AND definition = ?")
        .params(legacy, name, utcSeries)
        .update();
    control
        .sql("DELETE FROM lethe.statistic_bucket WHERE statistic = ? AND definition = ?")
        .params(name, utcSeries)
        .update();
    assertThat(service.compute(statistic, utc, 4).bucketsAdded()).isZero();
    assertThat(
            control
                .sql(
                    "SELECT count(*) FROM lethe.statistic_bucket WHERE statistic = ? AND"
                        + " definition = ?")
                .params(name, utcSeries)
                .query(Long.class)
                .single())
        .isEqualTo(3);
    assertThat(
            control
                .sql("SELECT count(*) FROM lethe.statistic_cell WHERE definition = ?")
                .param(legacy)
                .query(Long.class)
                .single())
        .isZero();
  }

  @Test
  void anExportOfDaysInsideAWeekHasThatWeek(@Autowired StatisticsService service) {
    var name = "week-export-" + schema;
    statistic(name, "");
    job(name, readJob(name).replace("bucket: day", "bucket: week"));
    var statistic = validator.load().statistics().get(name);
    // the views are of 2025-12-29 to 31, a week that began on Monday 2025-12-29
    service.compute(statistic, LocalDate.of(2026, 1, 6).atStartOfDay(java.time.ZoneOffset.UTC), 1);

    var cells = export.cells(statistic, LocalDate.of(2025, 12, 31), LocalDate.of(2026, 1, 3));

    assertThat(cells).isNotEmpty().allMatch(c -> c.bucket().equals(LocalDate.of(2025, 12, 29)));
    assertThat(export.cells(statistic, LocalDate.of(2026, 1, 5), LocalDate.of(2026, 1, 9)))
        .isEmpty();
  }

  @Test
  void aChangedDefinitionStartsANewSeries(@Autowired StatisticsService service) {
    var name = "views-" + schema;
    statistic(name, "");
    var now = AS_OF.atStartOfDay(java.time.ZoneOffset.UTC);
    // the first definition published the 29th
    assertThat(
            service
                .compute(validator.load().statistics().get(name), now.minusDays(2), 1)
                .bucketsAdded())
        .isOne();

    job(
        name,
        "statistic: "
            + name
            + "\nstore: app\ntable: "
            + schema
            + ".view\ntime: seen_at\nbucket: day\n"
            + "dimensions: [country]\nmeasures: [rows]\nsubject: subject_id\nminimum-subjects: 5\n");
    var changed = validator.load().statistics().get(name);
    var outcome = service.compute(changed, now, 2);

    // the new series begins after the old one's days: with k = 10 the 29th's "other" cell and
    // total were published, and LU would be them less NL and FR, published with k = 5 (found by an
    // outside attack: a changed definition computed every day in the table again)
    assertThat(outcome.bucketsAdded()).isEqualTo(2);
    assertThat(outcome.notComputed())
        .contains("buckets before 2025-12-30 are not computed: an earlier series of the same rows")
        .contains("a new series, noise or not, never publishes them again");
    assertThat(cells(name)).noneMatch(c -> c.bucket().equals(LocalDate.of(2025, 12, 29)));
    assertThat(export.series(changed).earlierSeries()).isEqualTo(1);
    // with k = 5, NL and FR are published now, and LU alone is too small to be "other"
    assertThat(
            cells(name).stream()
                .filter(c -> c.bucket().equals(LocalDate.of(2025, 12, 30)) && !c.suppressed())
                .map(StatisticsExport.Cell::dimensions)
                .toList())
        .containsExactly(List.of("BE"), List.of("FR"), List.of("NL"));
    // and the total, which would give LU away, is a row that says it is withheld
    assertThat(
            cells(name).stream()
                .filter(c -> c.bucket().equals(LocalDate.of(2025, 12, 30)) && c.suppressed())
                .map(StatisticsExport.Cell::kind)
                .toList())
        .containsExactly("total");

    // noise or not: each new series drew the day's noise afresh, and many of them averaged it
    // away (found by an outside attack)
    statistic(name, "noise: {epsilon: 1.0}");
    var noisy = service.compute(validator.load().statistics().get(name), now, 3);
    assertThat(noisy.bucketsAdded()).isZero();
    assertThat(noisy.notComputed()).contains("buckets before 2026-01-01 are not computed");

    // a series by another time column: any of its days may hold rows the earlier ones counted
    APP.run("ALTER TABLE " + schema + ".view ADD COLUMN logged_at timestamptz");
    APP.run("UPDATE " + schema + ".view SET logged_at = seen_at + interval '3 days'");
    statistic(name, "");
    job(name, readJob(name).replace("time: seen_at", "time: logged_at"));
    var otherTime = service.compute(validator.load().statistics().get(name), now.plusDays(10), 4);
    assertThat(otherTime.bucketsAdded()).isZero();
    assertThat(otherTime.notComputed()).contains("by another time column");
  }

  @Test
  void withNoiseASubjectCountsOncePerCellAndSumsAreClamped(
      @Autowired dev.lethe.store.StoreRegistry stores) {
    var name = "views-" + schema;
    statistic(name, "noise: {epsilon: 1.0}");
    var statistic = validator.load().statistics().get(name);
    // what the noise does to each measure is published with the series
    assertThat(export.noise(statistic))
        .extracting(NoiseBound::measure)
        .containsExactlyElementsOf(statistic.measures().stream().map(m -> m.label()).toList());
    assertThat(export.noise(statistic)).allSatisfy(b -> assertThat(b.error95()).isPositive());
    var source = stores.store("app").statistic(statistic, java.time.ZoneOffset.UTC);

    var bounded = source.aggregate(java.util.Optional.empty(), AS_OF, java.util.Set.of(), true);
    var unbounded = source.aggregate(java.util.Optional.empty(), AS_OF, java.util.Set.of(), false);

    Map<String, dev.lethe.store.StatisticSource.Aggregate> be = new HashMap<>();
    bounded.stream()
        .filter(
            a ->
                !a.isTotal()
                    && a.dimensions().equals(List.of("BE"))
                    && a.bucket().equals(LocalDate.of(2025, 12, 31)))
        .forEach(a -> be.put("bounded", a));
    unbounded.stream()
        .filter(
            a ->
                !a.isTotal()
                    && a.dimensions().equals(List.of("BE"))
                    && a.bucket().equals(LocalDate.of(2025, 12, 31)))
        .forEach(a -> be.put("unbounded", a));
    // 20 subjects with two views each, and four anonymous views, each its own contribution
    assertThat(be.get("unbounded").rows()).isEqualTo(44);
    assertThat(be.get("bounded").rows()).isEqualTo(24);
    // amounts of 100 to 2000 per view, clamped to 1000: subjects 11-20 add 1000 each
    assertThat(be.get("bounded").sums().get(0))
        .isEqualByComparingTo(BigDecimal.valueOf(100 * 55 + 10 * 1000 + 4));
  }

  @Test
  void bucketsAreDaysOfTheRunsTimeZone(@Autowired dev.lethe.store.StoreRegistry stores) {
    // half past eleven in the evening in UTC is already the next day in Brussels
    APP.run(
        "INSERT INTO "
            + schema
            + ".view VALUES (2000, NULL, timestamptz '2025-12-30 23:30:00+00', 'BE', 1)");
    var name = "views-" + schema;
    statistic(name, "");
    var statistic = validator.load().statistics().get(name);

    java.util.function.Function<String, Map<LocalDate, Long>> totals =
        zone -> {
          var result = new HashMap<LocalDate, Long>();
          stores
              .store("app")
              .statistic(statistic, java.time.ZoneId.of(zone))
              .aggregate(java.util.Optional.empty(), AS_OF, java.util.Set.of(), false)
              .stream()
              .filter(dev.lethe.store.StatisticSource.Aggregate::isTotal)
              .forEach(a -> result.put(a.bucket(), a.rows()));
          return result;
        };

    var utc = totals.apply("UTC");
    var brussels = totals.apply("Europe/Brussels");
    assertThat(utc.get(LocalDate.of(2025, 12, 30)))
        .isEqualTo(brussels.get(LocalDate.of(2025, 12, 30)) + 1);
    assertThat(brussels.get(LocalDate.of(2025, 12, 31)))
        .isEqualTo(utc.get(LocalDate.of(2025, 12, 31)) + 1);
  }

  @Test
  void anAgeBandIsReadThroughTheForeignKeyAtTheRowsTime() {
    // persons born on 1 July of 1990, 1980 or 1970, each visiting twice on 2025-12-31: 35, 45
    // and 55 years old then
    APP.run(
        ("CREATE TABLE %1$s.person (id bigint PRIMARY KEY, birth_date date);"
                + " INSERT INTO %1$s.person SELECT i, make_date(1990 - (i %% 3) * 10, 7, 1)"
                + " FROM generate_series(1, 60) i;"
                + " CREATE TABLE %1$s.visit (id bigint PRIMARY KEY,"
                + " person_id bigint REFERENCES %1$s.person (id), seen_at timestamptz NOT NULL);"
                + " INSERT INTO %1$s.visit SELECT row_number() OVER (), p, timestamptz '2025-12-31 12:00:00+00'"
                + " FROM generate_series(1, 60) p, generate_series(1, 2) k")
            .formatted(schema));
    var name = "ages-" + schema;
    job(
        name,
        """
        statistic: %s
        store: app
        table: %s.visit
        time: seen_at
        bucket: month
        dimensions: [{age-band: {column: birth_date, via: person_id, band: 10}}]
        measures: [rows, distinct-subjects]
        subject: person_id
        minimum-subjects: 10
        """
            .formatted(name, schema));
    var job = jobName("ages-run");
    job(job, "job: " + job + "\nstatistics: [" + name + "]\n");

    run(job);

    assertThat(cells(name))
        .filteredOn(c -> c.kind().equals("cell"))
        .extracting(c -> c.dimensions().get(0) + "=" + c.measures().get(1).longValue())
        .containsExactly("30-39=20", "40-49=20", "50-59=20");
  }

  @Test
  void withNoiseEachBucketRecordsItsEpsilonAndAWhereNarrowsTheRows() {
    var name = "views-" + schema;
    var job =
        statistic(name, "noise: {epsilon: 0.5}\nwhere:\n  - column: country\n    in: [BE, FR]");

    var report = run(job);

    assertThat(report.statistics().get(0).epsilonSpent()).isEqualTo(1.5); // 3 buckets of 0.5
    assertThat(
            control
                .sql(
                    "SELECT array_agg(DISTINCT epsilon) FROM lethe.statistic_bucket WHERE statistic = ?")
                .param(name)
                .query((rs, n) -> java.util.Arrays.asList((Object[]) rs.getArray(1).getArray()))
                .single())
        .containsExactly(new BigDecimal("0.5"));
    assertThat(cells(name)).allSatisfy(c -> assertThat(c.dimensions()).isSubsetOf("BE", "FR"));
  }
}
