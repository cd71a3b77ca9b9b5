package dev.lethe.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.RecordsConfiguration;
import dev.lethe.hold.HoldService;
import dev.lethe.hold.RestrictionService;
import dev.lethe.report.RunReport;
import dev.lethe.retention.PlanService;
import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.RunService;
import dev.lethe.transform.HmacKey;
import dev.lethe.transform.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests that run Lethe: one Spring context for all of them (the control database and
 * the stores are this test run's own databases), a folder of policy and job files that each test
 * writes afresh, and a schema of its own in the store for each test.
 */
@SpringBootTest(classes = RecordsConfiguration.class)
public abstract class LetheTests {

  protected static final Path WORKSPACE = workspace();
  protected static final LocalDate AS_OF = LocalDate.of(2026, 1, 1);
  protected static final Sql APP = new Sql(TestDatabases.url("app"));

  /**
   * The tests' own HMAC key, written to a key file as operators would; its text must appear in no
   * log line, report or exception message.
   */
  protected static final String TEST_KEY = "lethe-test-key-0123456789abcdef-do-not-use";

  protected static final String TEST_KEY_ID = "test-2026";
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  @Autowired protected RunService runs;
  @Autowired protected PlanService plans;
  @Autowired protected HoldService holds;
  @Autowired protected RestrictionService restrictions;
  @Autowired protected JdbcClient control;
  @Autowired protected javax.sql.DataSource controlDataSource;

  /** A schema of this test's own in the {@code app} store. */
  protected String schema;

  @DynamicPropertySource
  static void databases(DynamicPropertyRegistry registry) {
    registry.add("lethe.control-database.url", () -> TestDatabases.url("control"));
    registry.add("lethe.stores.app.url", () -> TestDatabases.url("app"));
    registry.add("lethe.stores.pagila.url", () -> TestDatabases.url("pagila"));
    registry.add("lethe.stores.analytics.url", () -> TestDatabases.url("analytics"));
    // this run's database on the MariaDB server, created by the MariaDB tests that need it
    registry.add("lethe.stores.maria.url", MariaDb::url);
    // a directory of log files, which the log tests fill
    registry.add("lethe.stores.weblogs.kind", () -> "logfiles");
    registry.add("lethe.stores.weblogs.directory", () -> WORKSPACE.resolve("logs").toString());
    registry.add("lethe.stores.weblogs.files", () -> "access.log*");
    registry.add("lethe.stores.weblogs.format", () -> "combined");
    registry.add("lethe.requests.exports", () -> WORKSPACE.resolve("exports").toString());
    registry.add("lethe.policies", () -> WORKSPACE.resolve("policies").toString());
    registry.add("lethe.jobs", () -> WORKSPACE.resolve("jobs").toString());
    registry.add("lethe.reports", () -> WORKSPACE.resolve("reports").toString());
    registry.add("lethe.chunk-size", () -> "100");
    // short, so that the tests of application locks wait little
    registry.add("lethe.lock-timeout", () -> "PT2S");
    registry.add("lethe.pseudonymisation.key-id", () -> TEST_KEY_ID);
    registry.add("lethe.pseudonymisation.key-file", () -> keyFile().toString());
    registry.add("lethe.audit.key-id", () -> AUDIT_KEY_ID);
    registry.add("lethe.audit.keys", () -> auditKeys().toString());
  }

  /** The id of the tests' audit signing key, made once per test run. */
  protected static final String AUDIT_KEY_ID = "test-audit";

  /** The folder of the tests' audit key pair. */
  protected static synchronized Path auditKeys() {
    var folder = WORKSPACE.resolve("audit-keys");
    if (!Files.exists(folder.resolve(AUDIT_KEY_ID + ".key"))) {
      dev.lethe.audit.AuditKeys.generate(AUDIT_KEY_ID, folder);
    }
    return folder;
  }

  @BeforeEach
  void freshWorkspace() {
    clear(WORKSPACE.resolve("policies"));
    clear(WORKSPACE.resolve("jobs"));
    // Lethe never deletes them (V16); the tests start each from none
    control
        .sql(
            "ALTER TABLE lethe.legal_hold DISABLE TRIGGER legal_hold_kept;"
                + " ALTER TABLE lethe.restriction DISABLE TRIGGER restriction_kept;"
                + " DELETE FROM lethe.legal_hold; DELETE FROM lethe.restriction;"
                + " ALTER TABLE lethe.legal_hold ENABLE TRIGGER legal_hold_kept;"
                + " ALTER TABLE lethe.restriction ENABLE TRIGGER restriction_kept")
        .update();
    control.sql("DELETE FROM lethe.objection").update();
    control.sql("DELETE FROM lethe.request_outcome").update();
    control.sql("DELETE FROM lethe.suppression").update();
    control.sql("DELETE FROM lethe.subject_request").update();
    control.sql("UPDATE lethe.subject_flags_version SET version = version + 1").update();
    schema = "t" + SCHEMAS.incrementAndGet();
    APP.run("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  }

  /**
   * Waits until a session of the control database waits for an advisory lock (a gate, a lock on a
   * statistic's rows): a test then knows the other side is blocked, without sleeping.
   */
  protected void awaitAnAdvisoryLockWait() {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .pollInterval(java.time.Duration.ofMillis(20))
        .until(
            () ->
                control
                        .sql(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT"
                                + " granted AND database = (SELECT oid FROM pg_database WHERE"
                                + " datname = current_database())")
                        .query(Long.class)
                        .single()
                    > 0);
  }

  /** Waits until a session of Lethe's on the app store waits for a row or table lock. */
  protected static void awaitLetheWaitingOnAnAppLock() {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .pollInterval(java.time.Duration.ofMillis(20))
        .until(
            () ->
                APP.count(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name ="
                            + " 'lethe-store-app' AND wait_event_type = 'Lock'")
                    > 0);
  }

  protected void policy(String name, String yaml) {
    write(WORKSPACE.resolve("policies").resolve(name + ".yml"), yaml);
  }

  protected void job(String name, String yaml) {
    write(WORKSPACE.resolve("jobs").resolve(name + ".yml"), yaml);
  }

  protected RunReport run(String job) {
    return runs.run(job, AS_OF, "test", ProgressListener.SILENT).report();
  }

  /**
   * Runs a job whose connections the test cuts: the run's status, or UNKNOWN where it could not
   * even record how it ended (the next run of the job and date recovers it).
   */
  protected String runCut(String job, java.time.LocalDate asOf, ProgressListener cutting) {
    try {
      return runs.run(job, asOf, "test", cutting).report().status();
    } catch (dev.lethe.retention.RunService.RunLeftUnfinishedException e) {
      assertThat(e.getMessage()).contains("lost the control database", "again");
      return "UNKNOWN";
    } finally {
      // the pool keeps the connections the test cut for a moment: new ones for the next run
      if (controlDataSource instanceof com.zaxxer.hikari.HikariDataSource hikari) {
        hikari.getHikariPoolMXBean().softEvictConnections();
      }
    }
  }

  protected RunReport.PolicyReport outcome(RunReport report, String policy) {
    return report.policies().stream()
        .filter(p -> p.step().equals(policy))
        .findFirst()
        .orElseThrow();
  }

  /**
   * The usual fixture: 1,000 events of which rows 366 to 1000 have expired ({@link Events}), the
   * policy {@code events} on them, and a job running it with {@code guards} (a line of YAML, or
   * empty). Returns the job's name, {@code jobName("purge")}.
   */
  protected String eventsPurge(String guards) {
    Events.create(APP, schema, 1000, 50);
    policy("events", Events.policy("events", schema, ""));
    var job = jobName("purge");
    job(job, Events.job(job, "events", guards));
    return job;
  }

  /**
   * A monthly statistic of a fresh events table of the test's schema (100 events of 50 subjects, by
   * status; at least 10 subjects a cell), named {@code base-SCHEMA}, and the job {@code
   * jobName("stats")} that computes it. Returns the statistic's name.
   */
  protected String monthlyStatistic(String base) {
    Events.create(APP, schema, 100, 50);
    var name = base + "-" + schema;
    job(
        name,
        """
        statistic: %s
        store: app
        table: %s.event
        time: occurred_at
        bucket: month
        dimensions: [status]
        measures: [rows, distinct-subjects]
        subject: subject_id
        minimum-subjects: 10
        """
            .formatted(name, schema));
    var job = jobName("stats");
    job(job, "job: " + job + "\nstatistics: [" + name + "]\n");
    return name;
  }

  /** A unique job name, so that each test's runs are job instances of their own. */
  protected String jobName(String base) {
    return base + "-" + schema;
  }

  /** A key file as an operator keeps one: readable by its owner only (Lethe refuses others). */
  public static void writeSecret(Path file, String text) {
    write(file, text);
    try {
      java.nio.file.Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void clear(Path folder) {
    try {
      Files.createDirectories(folder);
      try (Stream<Path> files = Files.walk(folder)) {
        for (var f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          if (!f.equals(folder)) {
            Files.delete(f);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tokens the tests' key gives, as Lethe makes them. */
  protected static Tokens testTokens() {
    return new Tokens(HmacKey.load(TEST_KEY_ID, keyFile(), Map.of()).orElseThrow());
  }

  /**
   * A configuration file for Lethe started as operators start it (the command line, serve): this
   * run's control database and app store, the test's folders.
   */
  protected static Path configFile(String name) {
    var config = WORKSPACE.resolve(name + ".yml");
    write(
        config,
        """
        lethe:
          control-database:
            url: "%s"
          stores:
            app:
              url: "%s"
          policies: %s
          jobs: %s
          reports: %s
          chunk-size: 100
          audit:
            key-id: %s
            keys: %s
        """
            .formatted(
                TestDatabases.url("control"),
                TestDatabases.url("app"),
                WORKSPACE.resolve("policies"),
                WORKSPACE.resolve("jobs"),
                WORKSPACE.resolve("reports"),
                AUDIT_KEY_ID,
                auditKeys()));
    return config;
  }

  protected static Path keyFile() {
    var file = WORKSPACE.resolve("hmac.key");
    writeSecret(file, TEST_KEY + "\n");
    return file;
  }

  private static Path workspace() {
    try {
      return Files.createTempDirectory("lethe-tests");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
