package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.support.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The command line as operators use it: exit codes, messages, and a config file. */
class CommandLineTests extends LetheTests {

  @org.springframework.beans.factory.annotation.Autowired dev.lethe.audit.AuditTrail audit;
  @org.springframework.beans.factory.annotation.Autowired dev.lethe.hold.HoldsInForce holdsInForce;

  private Path config;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void configFile() {
    config = configFile("lethe-" + schema);
  }

  /** Lethe with this test's configuration file, the command line given as one line. */
  private int configured(String commandLine) {
    var args = new java.util.ArrayList<String>(java.util.List.of("--config", config.toString()));
    args.addAll(java.util.List.of(commandLine.split(" ")));
    return lethe(args.toArray(String[]::new));
  }

  private int lethe(String... args) {
    return Lethe.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void helpListsEveryCommand() {
    assertThat(lethe("--help")).isZero();
    assertThat(out.toString())
        .contains(
            "validate",
            "plan",
            "run",
            "runs",
            "report",
            "stats",
            "object",
            "request",
            "audit",
            "hold",
            "restrict",
            "demo",
            "bench");
  }

  @Test
  void unknownCommandsAndBadOptionsAreBadInput() {
    assertThat(lethe("purge-everything")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(lethe("run", "nightly", "--as-of", "yesterday")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("--as-of", "yesterday");
    assertThat(lethe("--config", "/no/such/file.yml", "validate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("/no/such/file.yml: no such file");
  }

  @Test
  void validateReportsEveryProblemWithFileAndLineAndExitsTwo() {
    Events.create(APP, schema, 10, 5);
    policy("events", Events.policy("events", schema, "").replace("retain:", "retian:"));
    policy(
        "other", Events.policy("other", schema, "").replace("clock: occurred_at", "clock: status"));
    job("nightly", Events.job("nightly", "events, other", ""));

    int code = configured("validate");

    assertThat(code).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("events.yml:10: field 'retian': unknown field. Fix: did you mean 'retain'?")
        .contains("error(s); nothing was run");
  }

  @Test
  void aBrokenOrExplodingConfigurationFileIsBadInputNamingItsLineWithinSeconds() throws Exception {
    var job = eventsPurge("");
    var original = Files.readString(config);
    var cases =
        java.util.Map.of(
            "  chunk-size: [1,\n",
            ":",
            // a billion laughs: nine levels of ten aliases
            bomb(),
            "aliases",
            "  x: " + "[".repeat(60) + "]".repeat(60) + "\n",
            "nested",
            "  requests:\n    exports: ${LETHE_NOT_SET_ANYWHERE}\n",
            "LETHE_NOT_SET_ANYWHERE");
    for (var entry : cases.entrySet()) {
      Files.writeString(config, original + entry.getKey());
      err.getBuffer().setLength(0);
      long started = System.nanoTime();
      assertThat(configured("run " + job + " --as-of 2026-01-01"))
          .as(entry.getValue())
          .isEqualTo(Lethe.BAD_INPUT);
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(java.time.Duration.ofSeconds(20));
      assertThat(err.toString())
          .as(entry.getValue())
          .contains(config.toString(), entry.getValue(), "Fix:");
    }
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000);
  }

  private static String bomb() {
    var yaml =
        new StringBuilder(
            "lols:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      var previous = (char) (c - 1);
      yaml.append("  ").append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        yaml.append(i == 0 ? "" : ",").append("*").append(previous);
      }
      yaml.append("]\n");
    }
    return yaml.toString();
  }

  @Test
  void aPolicyThatExplodesIsTooBigOrTooDeepIsBadInputNamingTheFile() throws Exception {
    var job = eventsPurge("");
    var policies = WORKSPACE.resolve("policies");
    var cases =
        java.util.Map.of(
            "bomb-" + schema,
            bomb().replace("lols:", "policy: x\nlols:"),
            "deep-" + schema,
            "policy: x\ndeep: " + "{a: ".repeat(60) + "1" + "}".repeat(60) + "\n",
            "huge-" + schema,
            "policy: x\n# " + "x".repeat(3 * 1024 * 1024) + "\n",
            "latin1-" + schema,
            "policy: caf\u00e9\n",
            "forever-" + schema,
            Events.policy("forever-" + schema, schema, "").replace("retain: P1Y", "retain: P9999Y"),
            "billion-days-" + schema,
            Events.policy("billion-" + schema, schema, "")
                .replace("retain: P1Y", "retain: P1000000000D"));
    for (var entry : cases.entrySet()) {
      var file = policies.resolve(entry.getKey() + ".yml");
      if (entry.getKey().startsWith("latin1")) {
        Files.write(file, entry.getValue().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      } else {
        Files.writeString(file, entry.getValue());
      }
      err.getBuffer().setLength(0);
      assertThat(configured("run " + job + " --as-of 2026-01-01"))
          .as(entry.getKey())
          .isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString()).as(entry.getKey()).contains(entry.getKey() + ".yml");
      assertThat(configured("validate")).as(entry.getKey()).isEqualTo(Lethe.BAD_INPUT);
      Files.delete(file);
    }
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000);
  }

  @Test
  void aStoreThatRefusesTheLoginOrDoesNotAnswerFailsWithinSecondsNamingItsCause() throws Exception {
    var job = eventsPurge("");
    var original = Files.readString(config);
    // a port where nothing listens, and a wrong password for a user that must give one
    for (var url :
        java.util.List.of(
            "jdbc:postgresql://127.0.0.1:5999/app",
            "jdbc:postgresql://127.0.0.1:5432/test?user=lethe_no_such_user")) {
      Files.writeString(
          config, original.replace(TestDatabases.url("app"), url) + "  connect-timeout: PT2S\n");
      err.getBuffer().setLength(0);
      long started = System.nanoTime();
      assertThat(configured("validate")).as(url).isEqualTo(Lethe.BAD_INPUT);
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
          .as(url)
          .isLessThan(java.time.Duration.ofSeconds(15));
      assertThat(err.toString())
          .as(url)
          .contains("store 'app' cannot be reached")
          .containsAnyOf("refused", "lethe_no_such_user", "authentication", "does not exist");
    }
  }

  @Test
  void aControlDatabaseThatCannotBeReachedAsConfiguredIsBadInputNamingTheSetting()
      throws Exception {
    var original = Files.readString(config);
    for (var url :
        java.util.List.of(
            "jdbc:postgresql://127.0.0.1:5999/control",
            "jdbc:postgresql://127.0.0.1:5432/lethe_no_such_database?user=postgres")) {
      Files.writeString(config, original.replace(TestDatabases.url("control"), url));
      err.getBuffer().setLength(0);
      assertThat(configured("runs")).as(url + ": " + err).isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString()).contains("lethe.control-database", "Fix:");
    }
  }

  @Test
  void aStoreUserWithoutThePrivilegesAPolicyNeedsIsNamedByValidate() throws Exception {
    var job = eventsPurge("");
    var role = "lethe_ro_" + schema;
    APP.run(
        "DROP ROLE IF EXISTS "
            + role
            + "; CREATE ROLE "
            + role
            + " LOGIN; GRANT USAGE ON SCHEMA "
            + schema
            + " TO "
            + role
            + "; GRANT SELECT ON "
            + schema
            + ".event TO "
            + role);
    try {
      var url = TestDatabases.url("app");
      Files.writeString(
          config,
          Files.readString(config).replace(url, url.replaceAll("user=[^&]*", "user=" + role)));

      assertThat(configured("validate")).isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString())
          .contains("events.yml", "may not DELETE on " + schema + ".event", "GRANT DELETE");
      assertThat(configured("run " + job + " --as-of 2026-01-01")).isEqualTo(Lethe.BAD_INPUT);
      assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000);
    } finally {
      APP.run("DROP OWNED BY " + role + "; DROP ROLE " + role);
    }
  }

  @Test
  void validateReportsEveryProblemOfEveryFileInOneRound() throws Exception {
    var job = eventsPurge("");
    // a policy with a schema error, named by a job; a policy whose column is not in its table
    policy("bad-one", Events.policy("bad-one", schema, "").replace("retain: P1Y", "retain: soon"));
    policy(
        "no-column",
        Events.policy("no-column", schema, "").replace("clock: occurred_at", "clock: happened"));
    job(job, Events.job(job, "events, bad-one, no-column", ""));

    assertThat(configured("validate")).isEqualTo(Lethe.BAD_INPUT);

    assertThat(err.toString())
        .contains("bad-one.yml", "'soon'")
        .contains("no-column.yml", "happened")
        .contains("policy 'bad-one' cannot be used: its file")
        .doesNotContain("no policy named 'bad-one'");
  }

  @Test
  void aSubjectFileWithoutEndAndANegativeLimitAreBadInput() {
    assertThat(configured("hold place --from-file /dev/zero --case LIT-0 --reason endless"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("/dev/zero", "larger than", "Fix:");
    assertThat(
            control
                .sql("SELECT count(*) FROM lethe.legal_hold WHERE case_reference = 'LIT-0'")
                .query(Long.class)
                .single())
        .isZero();
    assertThat(configured("runs --limit -1")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("--limit -1", "Fix:");
  }

  /**
   * The most windows side by side (six lanes, two windows each per chunk) on a pool of eight
   * connections: each window gives its connection back as it ends, so none waits for one, and every
   * due row is gone and in the trail.
   */
  @Test
  void theMostWindowsSideBySideShareThePoolAndEveryRowIsInTheTrail() throws IOException {
    var job = eventsPurge("");
    Files.writeString(
        config,
        Files.readString(config)
            .replace("  chunk-size: 100\n", "  chunk-size: 10\n  parallel-windows: 6\n"));

    // a window that waited for a connection would wait out the pool's timeout (30 s) before its
    // chunk went on: the run would end all the same, minutes later
    org.junit.jupiter.api.Assertions.assertTimeout(
        java.time.Duration.ofSeconds(60),
        () ->
            assertThat(configured("run " + job + " --as-of 2026-01-01"))
                .as(err.toString())
                .isZero());

    // as of 2026-01-01, a year kept: the 365 newest of 1000 daily rows stay
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(365);
    assertThat(
            control
                .sql(
                    "SELECT coalesce(sum(a.total_rows), 0) FROM lethe.audit_entry a WHERE a.kind ="
                        + " 'purge' AND a.run_id IN (SELECT e.job_execution_id FROM"
                        + " batch_job_execution e JOIN batch_job_instance i USING"
                        + " (job_instance_id) WHERE i.job_name = ?)")
                .param(job)
                .query(Long.class)
                .single())
        .isEqualTo(635);
    assertThat(APP.count("SELECT count(*) FROM lethe.outbox")).isZero();
  }

  @Test
  void anAsOfDateNoRetentionCanBeComputedForIsRefusedAndChangesNothing() {
    var job = eventsPurge("");
    for (var day : java.util.List.of("0001-01-01", "1899-12-31", "3000-01-01", "+99999-01-01")) {
      err.getBuffer().setLength(0);
      assertThat(lethe("plan", job, "--as-of", day, "--config", config.toString()))
          .as(day)
          .isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString()).as(day).contains("--as-of").doesNotContain("invalid input syntax");
    }
    assertThat(lethe("run", job, "--as-of", "0001-01-01", "--config", config.toString()))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("1900-01-01 to 2999-12-31", "Fix:");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000);
  }

  @Test
  void reportsAndPlansAreReadableByTheirOwnerOnlyOrByAGroupWhereConfigured() throws Exception {
    var job = eventsPurge("");
    var reports = Files.createDirectories(WORKSPACE.resolve("reports-mode-" + schema));
    Files.writeString(
        config,
        Files.readString(config)
            .replace("reports: " + WORKSPACE.resolve("reports"), "reports: " + reports));
    assertThat(configured("plan " + job + " --as-of 2026-01-01")).isZero();
    assertThat(configured("run " + job + " --as-of 2026-01-01")).isZero();
    var printed = reports.resolve("printed.txt");
    assertThat(configured("report --last " + job + " --output " + printed)).isZero();

    var modes = new java.util.TreeMap<String, String>();
    try (var files = Files.list(reports)) {
      for (var file : files.filter(Files::isRegularFile).toList()) {
        modes.put(
            file.getFileName().toString(),
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));
      }
    }
    // a plan's json and txt, a run's json, txt and html, the printed report; nothing left over
    assertThat(modes).hasSize(6);
    assertThat(modes.values()).containsOnly("rw-------");

    Files.writeString(config, Files.readString(config) + "  reports-group-readable: true\n");
    assertThat(configured("plan " + job + " --as-of 2026-01-02")).isZero();
    try (var files = Files.list(reports)) {
      var plans =
          files.filter(f -> f.getFileName().toString().contains("2026-01-02-plan")).toList();
      assertThat(plans).hasSize(2);
      for (var plan : plans) {
        assertThat(
                java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(plan)))
            .isEqualTo("rw-r-----");
      }
    }
  }

  @Test
  void runPrintsTheReportAndPlanChangesNothing() {
    var job = eventsPurge("");

    assertThat(lethe("plan", job, "--as-of", "2026-01-01", "--config", config.toString())).isZero();
    assertThat(out.toString())
        .contains("dry-run", "events")
        .containsPattern("events\\s+\\S+\\s+1000\\s+635\\s+delete\\s+635");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000);

    assertThat(configured("run " + job + " --as-of 2026-01-01")).isZero();
    assertThat(out.toString()).contains("COMPLETED", "Rows deleted in all: 635");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(365);
  }

  @Test
  void aTrippedGuardFailsTheRunWithExitOne() {
    var job = eventsPurge("guards: {max-rows: 10}");

    assertThat(configured("run " + job + " --as-of 2026-01-01")).isEqualTo(Lethe.FAILED);
    assertThat(out.toString()).contains("FAILED", "guard max-rows tripped");
  }

  @Test
  void aHoldOnAKeyNoPolicyItCoversCouldHoldIsRefused() {
    // every subject column here is a bigint: an e-mail address can be no one's key
    policy("events", Events.policy("events", schema, ""));
    Events.create(APP, schema, 10, 5);

    assertThat(configured("hold place --subject user@x --case LIT-8 --reason court"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains(
            "--subject user@x cannot be the subject of any policy the hold covers",
            "events: " + schema + ".event.subject_id (bigint)");
    assertThat(holds.list(true)).isEmpty();
    assertThat(configured("hold place --subject 42 --case LIT-8 --reason court")).isZero();
  }

  @Test
  void holdsArePlacedInBulkFromAFileAllOrNone() throws IOException {
    // with the tests' key, so that the trail names each subject by its token
    Files.writeString(
        config,
        Files.readString(config)
            + "  pseudonymisation:\n    key-id: "
            + TEST_KEY_ID
            + "\n    key-file: "
            + WORKSPACE.resolve("hmac.key")
            + "\n");
    policy("events", Events.policy("events", schema, ""));
    Events.create(APP, schema, 10, 5);
    var file = WORKSPACE.resolve("holds-" + schema + ".txt");
    var keys = new StringBuilder("\uFEFF# subjects of case LIT-9\n\n");
    for (int i = 1; i <= 1000; i++) {
      keys.append(i).append(i % 2 == 0 ? "\r\n" : "\n");
    }
    keys.append("7\n");
    // a line that cannot be a key stops the whole file, naming the line
    Files.writeString(file, keys + "user@x\n");
    assertThat(configured("hold place --from-file " + file + " --case LIT-9 --reason court"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains(file + ", line 1004: user@x cannot be the subject of any policy the hold covers");
    assertThat(holds.list(true)).isEmpty();
    // and so does a byte that is not UTF-8
    Files.write(
        file,
        (keys + "12\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    Files.write(file, new byte[] {'1', (byte) 0xE9, '\n'}, java.nio.file.StandardOpenOption.APPEND);
    assertThat(configured("hold place --from-file " + file + " --case LIT-9 --reason court"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains(file + ", line 1005: not UTF-8; no hold was placed");
    assertThat(holds.list(true)).isEmpty();
    // a key --subject refuses is refused here too: a no-break space at an end, a byte order mark
    // past the first line, a zero-width mark; such a hold held no one, and the rows went
    // and a control character Java's strip() took for a blank at an end (it was held without it)
    for (var bad :
        java.util.List.of(
            "14\u00a0",
            "15\u202f",
            "\ufeff18",
            "19\u200b",
            "\u206020",
            "12\u001f",
            "\u001c17",
            "13\u2028",
            "14\u3000")) {
      Files.writeString(file, keys + bad + "\n");
      assertThat(configured("hold place --from-file " + file + " --case LIT-9 --reason court"))
          .as(bad)
          .isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString()).contains(file + ", line 1004: the key is not a subject key");
      assertThat(holds.list(true)).isEmpty();
    }
    assertThat(configured("hold place --subject 1 --from-file " + file + " --case L --reason r"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(configured("hold place --case LIT-9 --reason court")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("--subject is missing");

    Files.writeString(file, keys.toString());
    assertThat(configured("hold place --from-file " + file + " --case LIT-9 --reason court"))
        .isZero();

    assertThat(out.toString())
        .containsPattern("1000 holds placed \\(ids \\d+ to \\d+\\) on all data for case LIT-9")
        .contains("a key repeated on 1 line(s) was held once");
    assertThat(holds.list(false)).hasSize(1000);
    assertThat(holdsInForce.activeOn("1000"))
        .singleElement()
        .satisfies(h -> assertThat(h.caseReference()).isEqualTo("LIT-9"));
    // each subject's history shows its hold
    assertThat(audit.about(audit.token("999").orElseThrow()))
        .extracting(e -> e.kind() + " " + e.action())
        .contains("hold placed");
  }

  @Test
  void oneDatabaseUnderTwoStoreNamesIsRefusedNamingBoth() throws IOException {
    // the same database under a second name, its URL written differently
    var app = TestDatabases.url("app");
    var again = app + (app.contains("?") ? "&" : "?") + "ApplicationName=again";
    Files.writeString(
        config,
        Files.readString(config)
            .replace("  stores:\n", "  stores:\n    app-again:\n      url: \"" + again + "\"\n"));
    Events.create(APP, schema, 1000, 50);
    policy("events", Events.policy("events", schema, ""));
    policy(
        "events-long",
        Events.policy("events-long", schema, "")
            .replace("P1Y", "P5Y")
            .replace("store: app", "store: app-again"));
    job("both", Events.job("both", "events, events-long", ""));

    assertThat(configured("validate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .containsPattern("stores '(app|app-again)' and '(app-again|app)' are one and the same")
        .contains("(PostgreSQL cluster ");
    assertThat(configured("run both --as-of 2026-01-01")).isEqualTo(Lethe.BAD_INPUT);
    // the longer retention keeps every row
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000);
  }

  @Test
  void oneMariaDbDatabaseUnderTwoStoreNamesIsRefusedToo() throws IOException {
    dev.lethe.support.MariaDb.require();
    var maria = dev.lethe.support.MariaDb.url();
    var again = maria + (maria.contains("?") ? "&" : "?") + "connectTimeout=5000";
    Files.writeString(
        config,
        Files.readString(config)
            .replace(
                "  stores:\n",
                "  stores:\n    m1:\n      url: \""
                    + maria
                    + "\"\n    m2:\n      url: \""
                    + again
                    + "\"\n"));
    var table = "twice_" + schema;
    dev.lethe.support.MariaDb.run(
        "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, subject_id BIGINT, at DATETIME)");
    for (var store : java.util.List.of("m1", "m2")) {
      policy(
          store,
          """
          policy: %s
          category: usage-data
          legal-basis: legitimate-interest
          store: %s
          table: %s
          key: id
          subject: subject_id
          clock: at
          retain: P1Y
          action: delete
          """
              .formatted(store, store, table));
    }

    assertThat(configured("validate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("stores 'm1' and 'm2' are one and the same (MariaDB server ");
  }

  @Test
  void aMariaDbTableReachedThroughAnotherStoresSchemaIsRefused() throws IOException {
    dev.lethe.support.MariaDb.require();
    // store m2 opens another database of the same server, and its policy names m1's table
    var other = dev.lethe.support.MariaDb.DATABASE + "_b";
    dev.lethe.support.MariaDb.run("CREATE DATABASE IF NOT EXISTS " + other);
    var maria = dev.lethe.support.MariaDb.url();
    Files.writeString(
        config,
        Files.readString(config)
            .replace(
                "  stores:\n",
                "  stores:\n    m1:\n      url: \""
                    + maria
                    + "\"\n    m2:\n      url: \""
                    + maria.replace(dev.lethe.support.MariaDb.DATABASE, other)
                    + "\"\n"));
    var table = "crossed_" + schema;
    dev.lethe.support.MariaDb.run(
        "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, subject_id BIGINT, at DATETIME)");
    policy(
        "long",
        """
        policy: long
        category: account-data
        legal-basis: contract
        store: m1
        table: %s
        key: id
        subject: subject_id
        clock: at
        retain: P5Y
        action: delete
        """
            .formatted(table));
    policy(
        "short",
        """
        policy: short
        category: marketing
        legal-basis: consent
        store: m2
        table: %s.%s
        key: id
        subject: subject_id
        clock: at
        retain: P1D
        action: delete
        """
            .formatted(dev.lethe.support.MariaDb.DATABASE, table));

    assertThat(configured("validate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("policies 'long' (store 'm1') and 'short' (store 'm2') reach the same rows");
  }

  @Test
  void logFilesThatTwoStoresPatternsShareAreRefused() throws IOException {
    var logs = Files.createDirectories(WORKSPACE.resolve("shared-logs-" + schema));
    Files.writeString(logs.resolve("access.log"), "");
    Files.writeString(logs.resolve("access.log.1"), "");
    Files.writeString(
        config,
        Files.readString(config)
            .replace(
                "  stores:\n",
                "  stores:\n    w1:\n      kind: logfiles\n      directory: "
                    + logs
                    + "\n      files: \"access.log*\"\n    w2:\n      kind: logfiles\n"
                    + "      directory: "
                    + logs
                    + "/../"
                    + logs.getFileName()
                    + "\n      files: \"access.log.[0-9]*\"\n      active: none\n"));
    for (var store : java.util.List.of("w1", "w2")) {
      policy(
          store,
          """
          policy: %s
          category: usage-data
          legal-basis: legitimate-interest
          store: %s
          subject: ip
          clock: time
          retain: P%dD
          action: delete
          """
              .formatted(store, store, store.equals("w1") ? 90 : 1));
    }

    assertThat(configured("validate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains(
            "policies 'w1' (store 'w1') and 'w2' (store 'w2') reach the same rows", "access.log.1");
  }

  @Test
  void auditVerifyChecksFromACheckpointAndExitsOneNamingEveryBreak() throws IOException {
    var job = eventsPurge("");
    assertThat(configured("run " + job + " --as-of 2026-01-01")).isZero();
    Path checkpoint;
    try (var files = Files.list(WORKSPACE.resolve("reports/checkpoints"))) {
      checkpoint = files.sorted().reduce((a, b) -> b).orElseThrow();
    }
    assertThat(configured("audit verify --since " + checkpoint)).isZero();
    assertThat(out.toString()).contains("intact since " + checkpoint.getFileName());
    assertThat(configured("audit verify --since " + config)).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("not a checkpoint file");

    // an entry appended by someone without Lethe's key, with a correct link
    long seq = control.sql("SELECT max(seq) FROM lethe.audit_entry").query(Long.class).single();
    control
        .sql(
            "INSERT INTO lethe.audit_entry (seq, recorded_at, kind, action, subjects, rows,"
                + " total_rows, prev_hash, hash) SELECT seq + 1, now(), 'hold', 'released',"
                + " ''::bytea, ''::bytea, 0, hash, md5(hash) || md5(hash) FROM lethe.audit_entry"
                + " WHERE seq = ?")
        .param(seq)
        .update();
    try {
      assertThat(configured("audit verify")).isEqualTo(Lethe.FAILED);
      assertThat(out.toString())
          .contains("The audit trail is BROKEN", "entry " + (seq + 1) + " (", "forged");
    } finally {
      control.sql("ALTER TABLE lethe.audit_entry DISABLE TRIGGER audit_entry_append_only").update();
      control.sql("DELETE FROM lethe.audit_entry WHERE seq = ?").param(seq + 1).update();
      control.sql("ALTER TABLE lethe.audit_entry ENABLE TRIGGER audit_entry_append_only").update();
    }
  }

  @Test
  void holdCommandsPlaceListAndRelease() {
    policy("events", Events.policy("events", schema, ""));
    Events.create(APP, schema, 10, 5);

    assertThat(configured("hold place --subject 42 --case LIT-7 --reason court")).isZero();
    assertThat(configured("hold place --subject 42 --reason no-case")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(configured("hold place --subject 42 --case X --reason r --policy nope"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("--policy nope: no such policy");
    assertThat(configured("hold list")).isZero();
    assertThat(out.toString()).contains("LIT-7", "all data");
    long id = holds.list(false).get(0).id();
    assertThat(configured("hold release " + id + " --reason settled")).isZero();
    assertThat(configured("hold release " + id + " --reason again")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("already released");
  }

  @Test
  void requestCommandsReceiveCarryOutShowAndRefuseWhatIsWrong() throws IOException {
    policy("events", Events.policy("events", schema, ""));
    Events.create(APP, schema, 10, 5);

    assertThat(configured("request erase --subject 3")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("requests need the pseudonymisation key", "Fix:");

    // the tests' key under its id: a key id stands for one key in a control database
    var key = WORKSPACE.resolve("cli.key");
    writeSecret(key, TEST_KEY);
    Files.writeString(
        config,
        Files.readString(config)
            + "  pseudonymisation: {key-id: "
            + TEST_KEY_ID
            + ", key-file: "
            + key
            + "}\n  requests: {exports: "
            + WORKSPACE.resolve("exports")
            + "}\n");
    assertThat(configured("request erase --subject 3 --reference DSR-9")).isZero();
    assertThat(out.toString()).containsPattern("Request \\d+ \\(erase\\) received, due ");
    assertThat(configured("request erase --subject 3")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("already has an open erase request");
    assertThat(configured("request erase --subject not-a-number")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(configured("request withdraw-consent --subject 3 --purpose marketing"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("unknown purpose 'marketing'");
    assertThat(configured("request list --open")).isZero();
    assertThat(out.toString()).containsPattern("erase\\s+3\\s+open");

    assertThat(configured("run requests")).as(out + "\n" + err).isZero();
    long id = control.sql("SELECT id FROM lethe.subject_request").query(Long.class).single();
    assertThat(configured("request show " + id)).isZero();
    assertThat(out.toString()).contains("erase of subject 3", "reference DSR-9", "; done");
    assertThat(out.toString()).containsPattern("events\\s+app\\s+deleted 2");
    // the response for the person: what was found, done and kept, why and for how long
    out.getBuffer().setLength(0);
    assertThat(configured("request show " + id + " --format json")).isZero();
    var response =
        tools.jackson.databind.json.JsonMapper.builder().build().readTree(out.toString());
    assertThat(response.get("status").asString()).isEqualTo("done");
    var events = response.get("policies").get(0);
    assertThat(events.get("category").asString()).isEqualTo("usage-data");
    assertThat(events.get("legalBasis").asString()).isEqualTo("legitimate-interest");
    assertThat(events.get("deleted").asLong()).isEqualTo(2);
    assertThat(events.get("retention").asString()).isEqualTo("delete after P1Y, from occurred_at");
    java.time.OffsetDateTime.parse(response.get("received").asString());
    out.getBuffer().setLength(0);
    assertThat(configured("request show " + id + " --format html")).isZero();
    assertThat(out.toString()).contains("<td>deleted 2</td>", "legitimate-interest");
    assertThat(configured("request show " + id + " --format pdf")).isEqualTo(Lethe.BAD_INPUT);
    // a done request cannot be cancelled; an open one can, with its reason
    assertThat(configured("request cancel " + id + " --reason withdrawn"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(configured("request erase --subject 4")).isZero();
    long open =
        control
            .sql("SELECT id FROM lethe.subject_request WHERE status = 'open'")
            .query(Long.class)
            .single();
    assertThat(
            lethe(
                "--config",
                config.toString(),
                "request",
                "cancel",
                Long.toString(open),
                "--reason",
                "identity not confirmed"))
        .isZero();
    assertThat(out.toString()).contains("Request " + open + " (erase) cancelled");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 3"))
        .isZero();
    assertThat(configured("request suppressed --purpose marketing --address a@b.c"))
        .isEqualTo(RequestCommand.Suppressed.NOT_SUPPRESSED);
    // an address or key pasted with a no-break space is refused, not answered "not suppressed"
    // or "nothing recorded"
    assertThat(configured("request suppressed --purpose marketing --address a@b.c\u00a0"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(configured("audit subject 3\u00a0")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("is not a subject key");
    assertThat(configured("request show 987654")).isEqualTo(Lethe.BAD_INPUT);

    // and the trail says what was done to the subject, by its token
    assertThat(configured("audit subject 3")).isZero();
    assertThat(out.toString())
        .containsPattern("request\\s+received")
        .containsPattern("request\\s+deleted\\s+events\\s+\\d+\\s+2 ")
        .containsPattern("request\\s+done");
    assertThat(configured("audit verify")).isZero();
    assertThat(out.toString()).contains("The audit trail is intact");
  }

  @Test
  void runsAndReportsShowWhatARunDid() {
    var job = eventsPurge("");
    assertThat(configured("run " + job + " --as-of 2026-01-01")).isZero();

    assertThat(configured("runs")).isZero();
    assertThat(out.toString())
        .containsPattern(job + "\\s+2026-01-01\\s+COMPLETED\\s+\\S+ s\\s+635\\s+0\\b");
    // a run with its report is shown as the report says, which audit verify checks, not as Spring
    // Batch's row says, which nothing does
    control
        .sql(
            "UPDATE batch_job_execution SET status = 'FAILED', end_time = end_time + interval '5"
                + " hours' WHERE job_execution_id = (SELECT max(job_execution_id) FROM"
                + " lethe.run_report WHERE job = ?)")
        .param(job)
        .update();
    out.getBuffer().setLength(0);
    assertThat(configured("runs")).isZero();
    assertThat(out.toString())
        .containsPattern(job + "\\s+2026-01-01\\s+COMPLETED\\s+\\d{1,3}\\.\\d s\\s+635\\s+0\\b");
    assertThat(configured("report --last " + job + " --format json")).isZero();
    assertThat(out.toString())
        .contains(
            "\"job\" : \"" + job + "\"",
            "\"deleted\" : 635",
            "\"legalBasis\" : \"legitimate-interest\"");
    assertThat(configured("report --format pdf 1")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(configured("report 987654")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("no report for run 987654");
  }

  @Test
  void aReportsFolderThatCannotBeWrittenIsSaidWithTheRunAndWhatToDo() throws IOException {
    var job = eventsPurge("");
    var notAFolder = WORKSPACE.resolve("reports-file-" + schema);
    Files.writeString(notAFolder, "a file where the reports folder should be");
    var reports = "reports: " + WORKSPACE.resolve("reports");
    assertThat(Files.readString(config)).contains(reports);
    Files.writeString(config, Files.readString(config).replace(reports, "reports: " + notAFolder));

    assertThat(configured("run " + job + " --as-of 2026-01-01")).isNotZero();

    assertThat(err.toString())
        .contains("ended COMPLETED, and its report cannot be written to the reports folder")
        .contains(notAFolder.toString())
        .contains("Fix: make lethe.reports a folder Lethe's user can write, then run 'lethe run")
        .contains(job + " --as-of 2026-01-01' again, which stores the report");
  }

  @Test
  void aStoreOfAnUnknownDatabaseIsAConfigurationError() throws IOException {
    var broken =
        Files.readString(config).replace(TestDatabases.url("app"), "jdbc:oracle:thin:@db:1521/app");
    Files.writeString(config, broken);

    assertThat(configured("validate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("lethe.stores.app.url", "not a JDBC URL Lethe knows", "jdbc:mariadb:");
  }

  @Test
  void aHoldCanBePlacedWhileAnotherPolicyFileIsBroken() {
    Events.create(APP, schema, 10, 5);
    policy("events", Events.policy("events", schema, ""));
    policy("broken", "policy: broken\nretian: P1Y\n");

    assertThat(configured("hold place --subject 7 --policy events --case LIT-8 --reason urgent"))
        .isZero();
    assertThat(holds.list(false))
        .singleElement()
        .satisfies(h -> assertThat(h.scope()).isEqualTo("policy events"));
  }

  @Test
  void wrongSettingsAreBadInputNamingTheSettingAndWhereItWasSet() throws IOException {
    var typo = WORKSPACE.resolve("typo-" + schema + ".yml");
    Files.writeString(typo, "lethe:\n  polices: x\n");
    var zero = WORKSPACE.resolve("zero-" + schema + ".yml");
    Files.writeString(zero, "lethe:\n  chunk-size: 0\n");

    assertThat(lethe("--config", typo.toString(), "validate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(lethe("--config", zero.toString(), "validate")).isEqualTo(Lethe.BAD_INPUT);

    assertThat(err.toString())
        .contains(typo + "] - 2:", "lethe.polices is not a setting Lethe knows")
        .contains("lethe.chunk-size (rows per window) must be at least 1");
  }

  @Test
  void storesWithoutAControlDatabaseAreRefusedBeforeAnythingIsDeleted() throws IOException {
    var job = eventsPurge("");
    var noControl = WORKSPACE.resolve("no-control-" + schema + ".yml");
    Files.writeString(
        noControl,
        Files.readString(config)
            .replace(
                "  control-database:\n    url: \"" + TestDatabases.url("control") + "\"\n", ""));
    assertThat(Files.readString(noControl)).doesNotContain("control-database");

    assertThat(lethe("--config", noControl.toString(), "run", job, "--as-of", "2026-01-01"))
        .isEqualTo(Lethe.BAD_INPUT);

    assertThat(err.toString())
        .contains("lethe.control-database.url is not", "nothing would be spared");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000);
    // validate reads only the files and the stores' catalogs: it needs no control database
    assertThat(lethe("--config", noControl.toString(), "validate")).isZero();
    assertThat(out.toString()).contains("ok: 1 policies, 1 jobs");
  }

  @Test
  void aTokenWithoutAKeyIsBadInputThatSaysWhereTheKeyGoes() throws IOException {
    dev.lethe.support.Visits.create(APP, schema, "visit", 10);
    policy(
        "visits",
        dev.lethe.support.Visits.policy(
            "visits",
            schema,
            "visit",
            "retain: P30D\naction: pseudonymise\ntransform: {email: hmac}"));

    assertThat(configured("validate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("visits.yml:13: field 'transform': column 'email': hmac needs a key")
        .contains("lethe.pseudonymisation.key-id", "LETHE_HMAC_KEY");

    // a key id whose key is missing is bad configuration, named as such
    Files.writeString(
        config,
        Files.readString(config)
            + "  pseudonymisation:\n    key-id: k1\n    key-file: /no/such/key\n");
    assertThat(configured("validate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("lethe.pseudonymisation.key-file: /no/such/key cannot be read");

    // with its key, the policy validates
    var key = WORKSPACE.resolve("cli-" + schema + ".key");
    writeSecret(key, TEST_KEY);
    Files.writeString(config, Files.readString(config).replace("/no/such/key", key.toString()));
    err.getBuffer().setLength(0);
    assertThat(configured("validate")).as(err.toString()).isZero();
    assertThat(out.toString() + err.toString()).doesNotContain(TEST_KEY);
  }

  @Test
  void aFailedRunIsNotRestartedUnderAnotherKey() throws IOException {
    dev.lethe.support.Visits.create(APP, schema, "visit", 200);
    policy(
        "visits",
        dev.lethe.support.Visits.policy(
            "visits",
            schema,
            "visit",
            "retain: P30D\naction: pseudonymise\ntransform: {email: hmac}"));
    var job = jobName("visits");
    job(job, Events.job(job, "visits", ""));
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full';"
            + " END $$; CREATE TRIGGER refuse BEFORE UPDATE ON "
            + schema
            + ".visit FOR EACH ROW WHEN (OLD.id = 150) EXECUTE FUNCTION "
            + schema
            + ".refuse()");
    var key = WORKSPACE.resolve("rotate-" + schema + ".key");
    writeSecret(key, TEST_KEY);
    // key ids of its own: in a control database of its own, whose key ids are its business
    var original =
        Files.readString(config)
            .replaceFirst(
                "control-database:\n    url: \"[^\"]*\"",
                java.util.regex.Matcher.quoteReplacement(
                    "control-database:\n    url: \""
                        + TestDatabases.url("rotate_" + schema)
                        + "\""))
            .replace(
                "reports: " + WORKSPACE.resolve("reports"),
                "reports: " + WORKSPACE.resolve("reports-rotate-" + schema));
    Files.writeString(
        config, original + "  pseudonymisation:\n    key-id: k1\n    key-file: " + key + "\n");
    assertThat(configured("run " + job + " --as-of 2026-01-01")).isEqualTo(Lethe.FAILED);
    APP.run("DROP TRIGGER refuse ON " + schema + ".visit");

    // a new key id, k1 kept in the ring as a rotation keeps it
    var ring = Files.createDirectories(WORKSPACE.resolve("ring-" + schema));
    writeSecret(ring.resolve("k1.key"), TEST_KEY);
    var newKey = WORKSPACE.resolve("rotate-new-" + schema + ".key");
    writeSecret(newKey, "another-test-key-0123456789abcdef-do-not-use");
    Files.writeString(
        config,
        original
            + "  pseudonymisation:\n    key-id: k2\n    key-file: "
            + newKey
            + "\n    key-ring: "
            + ring
            + "\n");
    assertThat(configured("run " + job + " --as-of 2026-01-01")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("began with key id 'k1'", "configured key id is 'k2'");

    Files.writeString(
        config, original + "  pseudonymisation:\n    key-id: k1\n    key-file: " + key + "\n");
    assertThat(configured("run " + job + " --as-of 2026-01-01")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("COMPLETED", "pseudonymised: 170", "key k1");
  }

  @Test
  void statisticsAreListedAndExportedAsCsvAndJsonAndObjectionsRecorded() throws IOException {
    var name = monthlyStatistic("events");
    var job = jobName("stats");

    assertThat(configured("object place --subject 7 --purpose analytics")).isZero();
    assertThat(out.toString()).contains("to analytics recorded.");
    out.getBuffer().setLength(0);
    // placed again: told it is in force, not that it was recorded (the trail names the first)
    assertThat(configured("object place --subject 7 --purpose analytics")).isZero();
    assertThat(out.toString())
        .contains("to analytics is in force already, placed by")
        .doesNotContain("to analytics recorded.");
    assertThat(configured("object list")).isZero();
    assertThat(out.toString()).containsPattern("7\\s+analytics");
    assertThat(configured("run " + job + " --as-of 2026-01-01")).isZero();
    assertThat(out.toString()).contains(name, "COMPLETED");
    assertThat(configured("stats list")).isZero();
    assertThat(out.toString())
        .containsPattern(name + "\\s+month\\s+\\S+\\s+4\\s+2025-09-01\\s+2025-12-01");

    out.getBuffer().setLength(0);
    assertThat(
            configured("stats export " + name + " --format csv --from 2025-11-01 --to 2025-11-30"))
        .isZero();
    var csv =
        org.apache.commons.csv.CSVFormat.RFC4180
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .get()
            .parse(new java.io.StringReader(out.toString()))
            .getRecords();
    // November: 30 events of 30 subjects, subject 7 left out
    assertThat(csv).hasSize(2);
    assertThat(csv.get(0).get("bucket")).isEqualTo("2025-11-01");
    assertThat(csv.get(0).get("status")).isEqualTo("done");
    assertThat(csv.get(0).get("rows")).isEqualTo("29");
    assertThat(csv.get(0).get("suppressed")).isEqualTo("false");
    assertThat(csv.get(1).get("kind")).isEqualTo("total");

    var file = WORKSPACE.resolve("export-" + schema + ".json");
    assertThat(configured("stats export " + name + " --format json --output " + file)).isZero();
    var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(file.toFile());
    assertThat(json.get("statistic").asString()).isEqualTo(name);
    // September's 8 events are too few: its cell is suppressed and its total withheld, which
    // a row of its own says (with no number), so that it is not read as no data
    assertThat(json.get("cells").size()).isEqualTo(7);
    var september = json.get("cells").get(0);
    assertThat(september.get("bucket").asString()).isEqualTo("2025-09-01");
    assertThat(september.get("kind").asString()).isEqualTo("total");
    assertThat(september.get("suppressed").asBoolean()).isTrue();
    assertThat(september.get("measures").isNull()).isTrue();
    assertThat(json.get("cells").get(1).get("dimensions").get("status").asString())
        .isEqualTo("done");
    assertThat(json.get("noise").isEmpty()).isTrue();

    assertThat(configured("stats export nope")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("no statistic named 'nope'");
  }

  @Test
  void aBadStatisticIsBadInputOnItsLine() {
    Events.create(APP, schema, 10, 5);
    job(
        "bad-" + schema,
        """
        statistic: bad-%s
        store: app
        table: %s.event
        time: occurred_at
        bucket: year
        measures: [rows, {sum: subject_id}]
        subject: subject_id
        minimum-subjects: 0
        """
            .formatted(schema, schema));

    assertThat(configured("validate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains(
            "bad-"
                + schema
                + ".yml:5: field 'bucket': 'year' is not a bucket. Fix: use day, week or month")
        .contains(".yml:6: field 'measures': a sum needs bounds")
        .contains(".yml:8: field 'minimum-subjects'");
  }

  @Test
  void aBadScheduleIsBadInputOnItsLine() {
    eventsPurge("");
    job(
        "scheduled",
        "job: scheduled-"
            + schema
            + "\npolicies: [events]\nschedule:\n  cron: '0 30 25 * * ?'\n"
            + "  time-zone: Europe/Brusels\n  missed: later\n");

    assertThat(configured("validate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("scheduled.yml:4: field 'cron': '0 30 25 * * ?' is not a Quartz cron expression")
        .contains("scheduled.yml:5: field 'time-zone': 'Europe/Brusels' is not a time zone")
        .contains("scheduled.yml:6: field 'missed'");
  }

  @Test
  void restartGoesOnWithAFailedRun() {
    var job = eventsPurge("");
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full';"
            + " END $$; CREATE TRIGGER refuse BEFORE DELETE ON "
            + schema
            + ".event FOR EACH ROW WHEN (OLD.id = 800) EXECUTE FUNCTION "
            + schema
            + ".refuse()");
    assertThat(configured("run " + job + " --as-of 2026-01-01")).isEqualTo(Lethe.FAILED);
    var failed =
        control
            .sql("SELECT max(job_execution_id) FROM lethe.run_report WHERE job = ?")
            .param(job)
            .query(Long.class)
            .single();
    APP.run("DROP TRIGGER refuse ON " + schema + ".event");

    assertThat(configured("restart " + failed)).isZero();
    assertThat(out.toString()).contains("COMPLETED", "restart of run " + failed);
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(365);
    assertThat(configured("restart " + failed)).isZero();
    assertThat(out.toString()).contains("nothing to restart");
  }
}
