package dev.lethe.store.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.policy.Statistic;
import dev.lethe.retention.Validator;
import dev.lethe.statistics.StatisticsExport;
import dev.lethe.store.StatisticSource.Aggregate;
import dev.lethe.store.StoreRegistry;
import dev.lethe.support.LetheTests;
import dev.lethe.support.MariaDb;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The same rows in a PostgreSQL and a MariaDB table, and the same statistic on each: MariaDB must
 * give the same cells, totals and unions. The rows: 900 visits, one every 37 minutes from
 * 2025-10-21 (so across the night Brussels moves its clocks back), of 40 persons (every 50th visit
 * anonymous), in four countries, with amounts (every 11th missing); persons born in 1960 to 1999,
 * read through the visit's foreign key for age bands.
 */
class MariaStatisticsTests extends LetheTests {

  private static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");
  private static final LocalDateTime FIRST = LocalDateTime.of(2025, 10, 21, 0, 0);

  @Autowired Validator validator;
  @Autowired StoreRegistry stores;
  @Autowired StatisticsExport export;

  private String visit;

  @BeforeEach
  void theSameVisitsInBothDatabases() throws SQLException {
    MariaDb.require();
    visit = "visit_" + schema;
    var person = "person_" + schema;
    MariaDb.run(
        ("CREATE TABLE %2$s (id BIGINT PRIMARY KEY, birth_date DATE);\n"
                + "CREATE TABLE %1$s (id BIGINT PRIMARY KEY, person_id BIGINT REFERENCES %2$s (id),"
                + " seen_at TIMESTAMP NOT NULL, country VARCHAR(2), amount DECIMAL(10, 2),"
                + " agent VARCHAR(500))")
            .formatted(visit, person));
    APP.run(
        ("CREATE TABLE %1$s.person (id bigint PRIMARY KEY, birth_date date);"
                + " CREATE TABLE %1$s.visit (id bigint PRIMARY KEY,"
                + " person_id bigint REFERENCES %1$s.person (id), seen_at timestamptz NOT NULL,"
                + " country text, amount numeric(10, 2), agent text)")
            .formatted(schema));
    try (var maria = DriverManager.getConnection(MariaDb.url());
        var pg = APP.connect()) {
      pg.createStatement().execute("SET TIME ZONE 'UTC'");
      // a TIMESTAMP is a moment, as timestamptz is; written here in UTC, as Lethe's sessions read
      // it
      maria.createStatement().execute("SET time_zone = '+00:00'");
      for (var c : List.of(maria, pg)) {
        var people = c == maria ? person : schema + ".person";
        var visits = c == maria ? visit : schema + ".visit";
        try (var ps = c.prepareStatement("INSERT INTO " + people + " VALUES (?, ?)")) {
          for (int p = 1; p <= 40; p++) {
            ps.setLong(1, p);
            ps.setObject(2, LocalDate.of(1960 + p - 1, 1 + p % 12, 1 + p % 28));
            ps.addBatch();
          }
          ps.executeBatch();
        }
        var agents = dev.lethe.support.UserAgents.samples();
        try (var ps = c.prepareStatement("INSERT INTO " + visits + " VALUES (?, ?, ?, ?, ?, ?)")) {
          for (int i = 1; i <= 900; i++) {
            ps.setLong(1, i);
            ps.setObject(2, i % 50 == 0 ? null : (long) (1 + i % 40), java.sql.Types.BIGINT);
            // UTC in both: MariaDB's sessions are UTC, and so is this PostgreSQL session
            ps.setTimestamp(3, Timestamp.valueOf(FIRST.plusMinutes(37L * i)));
            ps.setString(4, List.of("BE", "BE", "NL", "FR", "LU").get(i % 5));
            ps.setObject(
                5,
                i % 11 == 0 ? null : new java.math.BigDecimal(i * 13 % 1500).movePointLeft(1),
                java.sql.Types.DECIMAL);
            ps.setString(6, agents.get(i % agents.size()));
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
    }
  }

  private Statistic statistic(String name, String store, String table, String bucket) {
    job(
        name,
        """
        statistic: %s
        store: %s
        table: %s
        time: seen_at
        bucket: %s
        dimensions: [country, {age-band: {column: birth_date, via: person_id, band: 10}}]
        measures: [rows, distinct-subjects, {sum: amount, bounds: [10, 100]}]
        subject: person_id
        minimum-subjects: 3
        where:
          - column: country
            in: [BE, NL, FR]
        """
            .formatted(name, store, table, bucket));
    return validator.load().statistics().get(name);
  }

  private List<String> aggregates(Statistic statistic, Set<String> excluded, boolean bound) {
    var rows = new ArrayList<String>();
    stores
        .store(statistic.store())
        .statistic(statistic, BRUSSELS)
        .aggregate(Optional.empty(), LocalDate.of(2025, 12, 1), excluded, bound)
        .forEach(a -> rows.add(text(a)));
    return rows.stream().sorted().toList();
  }

  private static String text(Aggregate a) {
    return a.bucket()
        + " "
        + (a.isTotal() ? "total" : a.dimensions())
        + " rows="
        + a.rows()
        + " subjects="
        + a.subjects()
        + " sums="
        + a.sums().stream().map(s -> s.stripTrailingZeros().toPlainString()).toList();
  }

  @Test
  void mariaDbGivesTheSameCellsTotalsAndUnionsAsPostgreSql() throws java.io.IOException {
    for (var bucket : List.of("day", "week", "month")) {
      var pg = statistic("pg-" + bucket + "-" + schema, "app", schema + ".visit", bucket);
      var maria = statistic("maria-" + bucket + "-" + schema, "maria", visit, bucket);
      for (boolean bound : List.of(false, true)) {
        for (var excluded : List.of(Set.<String>of(), Set.of("3", "7", "nobody"))) {
          var expected = aggregates(pg, excluded, bound);
          assertThat(expected).hasSizeGreaterThan(3);
          assertThat(aggregates(maria, excluded, bound))
              .as("%s buckets, bound %s, excluding %s", bucket, bound, excluded)
              .containsExactlyElementsOf(expected);
        }
      }
      // the union of some cells per bucket, as suppression asks for it
      var cells =
          Map.of(
              LocalDate.of(2025, 10, 20),
              List.of(List.of("BE", "30-39"), List.of("NL", "50-59")),
              LocalDate.of(2025, 10, 26),
              List.of(List.of("FR", "40-49")),
              LocalDate.of(2025, 10, 27),
              List.of(List.of("NL", "40-49"), List.of("FR", "20-29")),
              LocalDate.of(2025, 11, 1),
              List.of(List.of("BE", "60-69")));
      for (boolean bound : List.of(false, true)) {
        var expected =
            stores.store("app").statistic(pg, BRUSSELS).unions(cells, Set.of("5"), bound);
        var actual =
            stores.store("maria").statistic(maria, BRUSSELS).unions(cells, Set.of("5"), bound);
        assertThat(expected).as(bucket).isNotEmpty();
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach(
            (day, aggregate) ->
                assertThat(text(actual.get(day))).as(bucket).isEqualTo(text(aggregate)));
      }
      // one bucket at a time: a day's statistic beside a week's of the same rows is refused
      for (var name : List.of(pg.name(), maria.name())) {
        java.nio.file.Files.delete(WORKSPACE.resolve("jobs").resolve(name + ".yml"));
      }
    }
  }

  /**
   * What a statistic of a MariaDB table counts is the table on its server, whatever name reaches
   * it: one database under two store names let two statistics of one table both publish (found by
   * an outside attack).
   */
  @Test
  void aMariaDbTableIsKnownOnItsServerUnderAnyName() {
    var store = stores.store("maria");
    var plain = store.rowsOfTable(visit);
    assertThat(plain).isPresent();
    assertThat(plain.get()).startsWith("MariaDB server ");
    assertThat(store.rowsOfTable(dev.lethe.support.MariaDb.DATABASE + "." + visit))
        .isEqualTo(plain);
  }

  @Test
  void browserFamiliesAreTheSameOnMariaDb() {
    for (var store : List.of("app", "maria")) {
      job(
          store + "-browsers-" + schema,
          """
          statistic: %s-browsers-%s
          store: %s
          table: %s
          time: seen_at
          bucket: week
          dimensions: [{browser-family: agent}]
          measures: [rows, distinct-subjects]
          subject: person_id
          minimum-subjects: 3
          """
              .formatted(store, schema, store, store.equals("app") ? schema + ".visit" : visit));
    }
    var statistics = validator.load().statistics();
    var pg = aggregates(statistics.get("app-browsers-" + schema), Set.of(), true);
    assertThat(pg).anySatisfy(row -> assertThat(row).contains("[Firefox 128]"));
    assertThat(aggregates(statistics.get("maria-browsers-" + schema), Set.of(), true))
        .containsExactlyElementsOf(pg);
  }

  @Test
  void theDayOfAMomentIsTheDayInTheRunsZoneAcrossAClockChange() {
    var maria = statistic("maria-day-" + schema, "maria", visit, "day");
    // 2025-10-25 22:30 UTC is already the 26th in Brussels (UTC+2 then); 2025-10-26 23:30 UTC
    // is the 27th there (UTC+1 since the night)
    MariaDb.run(
        "INSERT INTO "
            + visit
            + " VALUES (5001, 1, '2025-10-25 22:30:00', 'BE', 1, NULL), (5002, 1,"
            + " '2025-10-26 23:30:00', 'BE', 1, NULL)");
    var totals =
        stores
            .store("maria")
            .statistic(maria, BRUSSELS)
            .aggregate(Optional.empty(), LocalDate.of(2025, 12, 1), Set.of(), false)
            .stream()
            .filter(Aggregate::isTotal)
            .collect(java.util.stream.Collectors.toMap(Aggregate::bucket, Aggregate::rows));
    var utc =
        stores
            .store("maria")
            .statistic(maria, ZoneId.of("UTC"))
            .aggregate(Optional.empty(), LocalDate.of(2025, 12, 1), Set.of(), false)
            .stream()
            .filter(Aggregate::isTotal)
            .collect(java.util.stream.Collectors.toMap(Aggregate::bucket, Aggregate::rows));
    long moved = 0;
    for (var day : utc.keySet()) {
      moved += Math.abs(utc.get(day) - totals.getOrDefault(day, 0L));
    }
    assertThat(moved).as("rows in another day in Brussels than in UTC").isPositive();
    assertThat(totals.values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(utc.values().stream().mapToLong(Long::longValue).sum());
    long late =
        MariaDb.count(
            "SELECT count(*) FROM "
                + visit
                + " WHERE country IN ('BE', 'NL', 'FR') AND seen_at >= '2025-10-25 22:00:00'"
                + " AND seen_at < '2025-10-26 23:00:00'");
    assertThat(totals.get(LocalDate.of(2025, 10, 26))).isEqualTo(late);
  }

  @Test
  void aJobPublishesMariaDbStatisticsLikePostgreSqlOnes() {
    statistic("pg-job-" + schema, "app", schema + ".visit", "week");
    statistic("maria-job-" + schema, "maria", visit, "week");
    var job = jobName("both");
    job(job, "job: " + job + "\nstatistics: [pg-job-" + schema + ", maria-job-" + schema + "]\n");

    var report = run(job);

    assertThat(report.status()).isEqualTo("COMPLETED");
    var loaded = validator.load().statistics();
    java.util.function.Function<String, List<String>> published =
        name ->
            export
                .cells(loaded.get(name), LocalDate.of(2000, 1, 1), LocalDate.of(2100, 1, 1))
                .stream()
                .map(
                    c ->
                        c.bucket()
                            + " "
                            + c.kind()
                            + " "
                            + c.dimensions()
                            + " "
                            + c.measures().stream()
                                .map(m -> m.stripTrailingZeros().toPlainString())
                                .toList())
                .toList();
    var pg = published.apply("pg-job-" + schema);
    assertThat(pg).anySatisfy(c -> assertThat(c).contains("other"));
    assertThat(published.apply("maria-job-" + schema)).isEqualTo(pg);
  }

  @Test
  void wrongColumnsAreRefusedOnMariaDbWithTheLine() {
    job(
        "maria-bad-" + schema,
        """
        statistic: maria-bad-%s
        store: maria
        table: %s
        time: country
        bucket: day
        dimensions: [{browser-family: amount}]
        measures: [rows]
        subject: nobody
        minimum-subjects: 3
        """
            .formatted(schema, visit));

    var errors = validator.validate().problems().errors().stream().map(Object::toString).toList();

    assertThat(errors)
        .anySatisfy(e -> assertThat(e).contains("field 'time'", "varchar(2), not a point in time"))
        .anySatisfy(e -> assertThat(e).contains("browser-family reads a user-agent string"))
        .anySatisfy(e -> assertThat(e).contains("field 'subject'", "no column 'nobody'"));
  }
}
