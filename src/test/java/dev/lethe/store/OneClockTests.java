package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.cli.Lethe;
import dev.lethe.policy.Statistic;
import dev.lethe.retention.Validator;
import dev.lethe.support.LetheTests;
import dev.lethe.support.MariaDb;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * One instant means one thing in every store: the same policies and statistics over the same rows
 * in PostgreSQL and MariaDB (a date, a zone-less date and time, a moment), in a zone east of UTC
 * with summer time and in one west of it, as of both changes of summer time, leave the same rows
 * and count the same cells, and both equal what is computed here from the rule alone: a date row
 * goes once its whole day (in Lethe's zone) is before the cutoff, a zone-less time is a time of day
 * in Lethe's zone, a moment is a moment.
 */
class OneClockTests extends LetheTests {

  /** A column type in each store, and how a row's value is made from its moment. */
  enum Kind {
    DATE("date", "DATE"),
    LOCAL("timestamp", "DATETIME"),
    MOMENT("timestamptz", "TIMESTAMP");

    final String postgres;
    final String maria;

    Kind(String postgres, String maria) {
      this.postgres = postgres;
      this.maria = maria;
    }
  }

  private static final List<String> PERIODS = List.of("P1D", "PT28H");

  @Autowired Validator validator;
  @Autowired StoreRegistry stores;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void mariaDb() {
    MariaDb.require();
  }

  /**
   * The rows' times: every hour around both changes of summer time in Europe and in the United
   * States of 2025, and the last and first half hours of January and February.
   */
  private static List<LocalDateTime> times() {
    var times = new ArrayList<LocalDateTime>();
    for (var from :
        List.of(LocalDateTime.of(2025, 3, 6, 0, 0), LocalDateTime.of(2025, 10, 23, 0, 0))) {
      for (int hour = 0; hour < 24 * 28; hour++) {
        times.add(from.plusHours(hour).plusMinutes(hour % 2 == 0 ? 0 : 30));
      }
    }
    times.add(LocalDateTime.of(2025, 1, 31, 23, 30));
    times.add(LocalDateTime.of(2025, 2, 1, 0, 30));
    return times;
  }

  /** A row's value in the column: the local time as a date, as it is, or as a moment in zone. */
  private static Object value(Kind kind, LocalDateTime local, ZoneId zone, boolean maria) {
    return switch (kind) {
      case DATE -> local.toLocalDate();
      case LOCAL -> local;
      case MOMENT ->
          maria
              // MariaDB's TIMESTAMP is written in the session's zone, UTC here
              ? local.atZone(zone).withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime()
              : local.atZone(zone).toOffsetDateTime();
    };
  }

  private String table(Kind kind, String period, String zoneTag) {
    return ("c_" + kind.name() + "_" + period + "_" + zoneTag + "_" + schema).toLowerCase();
  }

  private void createTables(ZoneId zone, String zoneTag) throws SQLException {
    var times = times();
    try (var maria = DriverManager.getConnection(MariaDb.url());
        var pg = APP.connect()) {
      maria.createStatement().execute("SET time_zone = '+00:00'");
      for (var kind : Kind.values()) {
        for (var period : PERIODS) {
          var name = table(kind, period, zoneTag);
          maria
              .createStatement()
              .execute(
                  "CREATE TABLE "
                      + name
                      + " (id BIGINT PRIMARY KEY, subject_id BIGINT, at "
                      + kind.maria
                      + " NULL)");
          pg.createStatement()
              .execute(
                  "CREATE TABLE "
                      + schema
                      + "."
                      + name
                      + " (id bigint PRIMARY KEY, subject_id bigint, at "
                      + kind.postgres
                      + ")");
          insert(maria, name, kind, zone, true, times);
          insert(pg, schema + "." + name, kind, zone, false, times);
        }
      }
    }
  }

  private static void insert(
      Connection c, String table, Kind kind, ZoneId zone, boolean maria, List<LocalDateTime> times)
      throws SQLException {
    try (var ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
      for (int i = 0; i < times.size(); i++) {
        ps.setLong(1, i);
        ps.setLong(2, i % 7);
        ps.setObject(3, value(kind, times.get(i), zone, maria));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private String policies(String zoneTag) {
    var names = new ArrayList<String>();
    for (var store : List.of("app", "maria")) {
      for (var kind : Kind.values()) {
        for (var period : PERIODS) {
          var table = table(kind, period, zoneTag);
          var name = (store + "-" + table).replace('_', '-');
          policy(
              name,
              """
              policy: %s
              category: usage-data
              legal-basis: legitimate-interest
              store: %s
              table: %s
              key: id
              subject: subject_id
              clock: at
              retain: %s
              action: delete
              """
                  .formatted(
                      name, store, store.equals("app") ? schema + "." + table : table, period));
          names.add(name);
        }
      }
    }
    return String.join(", ", names);
  }

  /** What the rule alone keeps: the ids whose clock is not before the cutoff of {@code asOf}. */
  private static Set<Long> expectedSurvivors(
      Kind kind, String period, ZoneId zone, LocalDate asOf) {
    var retention = dev.lethe.policy.Retention.parse(period).orElseThrow();
    var cutoff = retention.cutoff(asOf.atStartOfDay(zone)).toInstant();
    var times = times();
    var kept = new TreeSet<Long>();
    for (int i = 0; i < times.size(); i++) {
      var local = times.get(i);
      boolean gone =
          switch (kind) {
            // its whole day is over by the cutoff
            case DATE ->
                !local.toLocalDate().plusDays(1).atStartOfDay(zone).toInstant().isAfter(cutoff);
            case LOCAL, MOMENT -> local.atZone(zone).toInstant().isBefore(cutoff);
          };
      if (!gone) {
        kept.add((long) i);
      }
    }
    return kept;
  }

  private Set<Long> survivors(String store, String table) {
    var ids = new TreeSet<Long>();
    try (var c =
            store.equals("maria") ? DriverManager.getConnection(MariaDb.url()) : APP.connect();
        var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT id FROM " + (store.equals("maria") ? table : schema + "." + table))) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }

  private int lethe(ZoneId zone, String commandLine) throws IOException {
    var config = configFile("clock-" + schema);
    var text =
        Files.readString(config)
            .replace(
                "  stores:\n",
                "  time-zone: "
                    + zone.getId()
                    + "\n  stores:\n    maria:\n      url: \""
                    + MariaDb.url()
                    + "\"\n");
    Files.writeString(config, text);
    var args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(commandLine.split(" ")));
    return Lethe.execute(
        args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void postgreSqlAndMariaDbKeepTheSameRowsAsTheRuleAroundBothChangesOfSummerTime()
      throws Exception {
    var zones =
        Map.of(
            "east", ZoneId.of("Europe/Brussels"),
            "west", ZoneId.of("America/New_York"));
    var asOfs =
        Map.of(
            "east",
            List.of(
                LocalDate.of(2025, 3, 30),
                LocalDate.of(2025, 3, 31),
                LocalDate.of(2025, 10, 26),
                LocalDate.of(2025, 10, 27)),
            "west",
            List.of(
                LocalDate.of(2025, 3, 9),
                LocalDate.of(2025, 3, 10),
                LocalDate.of(2025, 11, 2),
                LocalDate.of(2025, 11, 3)));
    var names = new StringBuilder();
    for (var tag : zones.keySet()) {
      createTables(zones.get(tag), tag);
      if (!names.isEmpty()) {
        names.append(", ");
      }
      names.append(policies(tag));
    }
    for (var tag : List.of("east", "west")) {
      var zone = zones.get(tag);
      var job = jobName("clock-" + tag);
      var own =
          java.util.Arrays.stream(names.toString().split(", "))
              .filter(n -> n.contains("-" + tag + "-"))
              .toList();
      job(
          job,
          "job: " + job + "\npolicies: [" + String.join(", ", own) + "]\nguards: {max-share: 1}\n");
      for (var asOf : asOfs.get(tag)) {
        err.getBuffer().setLength(0);
        assertThat(lethe(zone, "run " + job + " --as-of " + asOf)).as(err.toString()).isZero();
        for (var kind : Kind.values()) {
          for (var period : PERIODS) {
            var table = table(kind, period, tag);
            var expected = expectedSurvivors(kind, period, zone, asOf);
            var what = "%s %s %s as of %s".formatted(zone, kind, period, asOf);
            assertThat(survivors("app", table)).as("PostgreSQL, " + what).isEqualTo(expected);
            assertThat(survivors("maria", table)).as("MariaDB, " + what).isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void postgreSqlAndMariaDbCountTheSameDaysAndMonthsAsTheRule() throws Exception {
    for (var zone : List.of(ZoneId.of("Europe/Brussels"), ZoneId.of("America/New_York"))) {
      var tag = zone.getId().contains("Brussels") ? "se" : "sw";
      createTables(zone, tag);
      for (var kind : Kind.values()) {
        var table = table(kind, "P1D", tag);
        for (var bucket : List.of("day", "month")) {
          var expected = expectedCells(kind, zone, bucket);
          for (var store : List.of("app", "maria")) {
            var name = (store + "-" + bucket + "-" + table).replace('_', '-');
            job(
                name,
                """
                statistic: %s
                store: %s
                table: %s
                time: at
                bucket: %s
                measures: [rows]
                subject: subject_id
                minimum-subjects: 1
                """
                    .formatted(
                        name, store, store.equals("app") ? schema + "." + table : table, bucket));
            var statistic = validator.load().statistics().get(name);
            assertThat(cells(statistic, zone))
                .as("%s %s %s %s", store, zone, kind, bucket)
                .isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void aDateWrittenInAConditionIsAMomentInLethesZoneOnBothStores() throws Exception {
    // Kolkata is UTC+05:30: its midnight is neither UTC's nor the host's
    var zone = ZoneId.of("Asia/Kolkata");
    var tag = "wk";
    createTables(zone, tag);
    var names = new ArrayList<String>();
    for (var store : List.of("app", "maria")) {
      var table = table(Kind.MOMENT, "P1D", tag);
      var name = (store + "-where-" + table).replace('_', '-');
      policy(
          name,
          """
          policy: %s
          category: usage-data
          legal-basis: legitimate-interest
          store: %s
          table: %s
          key: id
          subject: subject_id
          clock: at
          retain: P1D
          action: delete
          where:
            - column: at
              before: "2025-03-20"
            - column: at
              after: "2025-03-08 06:30"
          """
              .formatted(name, store, store.equals("app") ? schema + "." + table : table));
      names.add(name);
    }
    var job = jobName("where");
    job(
        job,
        "job: " + job + "\npolicies: [" + String.join(", ", names) + "]\nguards: {max-share: 1}\n");

    assertThat(lethe(zone, "run " + job + " --as-of 2025-11-01")).as(err.toString()).isZero();

    var before = LocalDate.of(2025, 3, 20).atStartOfDay(zone).toInstant();
    var after = LocalDateTime.of(2025, 3, 8, 6, 30).atZone(zone).toInstant();
    var times = times();
    var expected = new java.util.TreeSet<Long>();
    for (int i = 0; i < times.size(); i++) {
      var at = times.get(i).atZone(zone).toInstant();
      if (!(at.isBefore(before) && at.isAfter(after))) {
        expected.add((long) i);
      }
    }
    var table = table(Kind.MOMENT, "P1D", tag);
    assertThat(survivors("app", table)).as("PostgreSQL").isEqualTo(expected);
    assertThat(survivors("maria", table)).as("MariaDB").isEqualTo(expected);
  }

  @Test
  void theDayMonthAndYearOfAMomentAreMidnightsInLethesZoneOnBothStores() throws Exception {
    var zone = ZoneId.of("Europe/Brussels");
    var table = "cut_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + table
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, at DATE, d TIMESTAMP NULL, m TIMESTAMP"
            + " NULL, y TIMESTAMP NULL, ld DATETIME, done_at TIMESTAMP NULL)");
    APP.run(
        "CREATE TABLE "
            + schema
            + "."
            + table
            + " (id bigint PRIMARY KEY, subject_id bigint, at date, d timestamptz, m timestamptz,"
            + " y timestamptz, ld timestamp, done_at timestamptz)");
    // just past midnight in Brussels: still the day, month and year before in UTC
    var moments =
        List.of(
            LocalDateTime.of(2025, 4, 1, 0, 30).atZone(zone),
            LocalDateTime.of(2026, 1, 1, 0, 30).atZone(zone));
    try (var maria = DriverManager.getConnection(MariaDb.url());
        var pg = APP.connect()) {
      maria.createStatement().execute("SET time_zone = '+00:00'");
      for (int i = 0; i < moments.size(); i++) {
        var utc = moments.get(i).withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
        try (var ps =
            maria.prepareStatement(
                "INSERT INTO " + table + " VALUES (?, 1, '2020-01-01', ?, ?, ?, ?, NULL)")) {
          ps.setLong(1, i);
          for (int c = 2; c <= 4; c++) {
            ps.setObject(c, utc);
          }
          ps.setObject(5, moments.get(i).toLocalDateTime());
          ps.execute();
        }
        try (var ps =
            pg.prepareStatement(
                "INSERT INTO "
                    + schema
                    + "."
                    + table
                    + " VALUES (?, 1, '2020-01-01', ?, ?, ?, ?, NULL)")) {
          ps.setLong(1, i);
          for (int c = 2; c <= 4; c++) {
            ps.setObject(c, moments.get(i).toOffsetDateTime());
          }
          ps.setObject(5, moments.get(i).toLocalDateTime());
          ps.execute();
        }
      }
    }
    var names = new ArrayList<String>();
    for (var store : List.of("app", "maria")) {
      var name = store + "-cut-" + schema;
      policy(
          name,
          """
          policy: %s
          category: usage-data
          legal-basis: legitimate-interest
          store: %s
          table: %s
          key: id
          subject: subject_id
          clock: at
          marker: done_at
          retain: P30D
          action: pseudonymise
          transform: {d: day, m: month, y: year, ld: day}
          """
              .formatted(name, store, store.equals("app") ? schema + "." + table : table));
      names.add(name);
    }
    var job = jobName("cut");
    job(
        job,
        "job: " + job + "\npolicies: [" + String.join(", ", names) + "]\nguards: {max-share: 1}\n");

    assertThat(lethe(zone, "run " + job + " --as-of 2026-06-01")).as(err.toString()).isZero();

    // as UTC moments: midnights in Brussels
    var expected =
        List.of(
            "0 2025-03-31T22:00 2025-03-31T22:00 2024-12-31T23:00 2025-04-01T00:00",
            "1 2025-12-31T23:00 2025-12-31T23:00 2025-12-31T23:00 2026-01-01T00:00");
    var fromPg = new ArrayList<String>();
    try (var pg = APP.connect();
        var rs =
            pg.createStatement()
                .executeQuery(
                    "SELECT id, d, m, y, ld FROM " + schema + "." + table + " ORDER BY id")) {
      while (rs.next()) {
        fromPg.add(
            rs.getLong(1)
                + " "
                + utc(rs.getObject(2, OffsetDateTime.class))
                + " "
                + utc(rs.getObject(3, OffsetDateTime.class))
                + " "
                + utc(rs.getObject(4, OffsetDateTime.class))
                + " "
                + rs.getObject(5, LocalDateTime.class));
      }
    }
    var fromMaria = new ArrayList<String>();
    try (var maria = DriverManager.getConnection(MariaDb.url())) {
      maria.createStatement().execute("SET time_zone = '+00:00'");
      try (var rs =
          maria
              .createStatement()
              .executeQuery("SELECT id, d, m, y, ld FROM " + table + " ORDER BY id")) {
        while (rs.next()) {
          fromMaria.add(
              rs.getLong(1)
                  + " "
                  + rs.getObject(2, LocalDateTime.class)
                  + " "
                  + rs.getObject(3, LocalDateTime.class)
                  + " "
                  + rs.getObject(4, LocalDateTime.class)
                  + " "
                  + rs.getObject(5, LocalDateTime.class));
        }
      }
    }
    assertThat(fromPg).as("PostgreSQL").isEqualTo(expected);
    assertThat(fromMaria).as("MariaDB").isEqualTo(expected);
  }

  private static LocalDateTime utc(OffsetDateTime at) {
    return at.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
  }

  /** Rows per bucket, from the store: the cells of a statistic without dimensions. */
  private Map<LocalDate, Long> cells(Statistic statistic, ZoneId zone) {
    var cells = new TreeMap<LocalDate, Long>();
    for (var aggregate :
        stores
            .store(statistic.store())
            .statistic(statistic, zone)
            .aggregate(Optional.empty(), LocalDate.of(2026, 1, 1), Set.of(), false)) {
      // without dimensions a bucket is one cell, as on PostgreSQL (not only a total)
      assertThat(aggregate.isTotal()).as(statistic.name()).isFalse();
      cells.merge(aggregate.bucket(), aggregate.rows(), Long::sum);
    }
    return cells;
  }

  /** Rows per bucket by the rule: a row's day is its day in the zone. */
  private static Map<LocalDate, Long> expectedCells(Kind kind, ZoneId zone, String bucket) {
    var cells = new TreeMap<LocalDate, Long>();
    for (var local : times()) {
      var day =
          switch (kind) {
            case DATE, LOCAL -> local.toLocalDate();
            case MOMENT -> local.atZone(zone).toInstant().atZone(zone).toLocalDate();
          };
      var start = bucket.equals("day") ? day : day.withDayOfMonth(1);
      cells.merge(start, 1L, Long::sum);
    }
    return cells;
  }
}
