package dev.lethe.store.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.AuditTrail;
import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.subject.RequestIntake;
import dev.lethe.subject.RequestKind;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.support.MariaDb;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A MariaDB table beside a PostgreSQL one in one job: the same events (row i happened i days before
 * 2026-01-01, subject i % 50), a year's retention, holds and restrictions spared, rows still
 * referenced kept.
 */
class MariaDbTests extends LetheTests {

  @Autowired Validator validator;
  @Autowired AuditTrail audit;
  @Autowired RequestIntake intake;
  @Autowired dev.lethe.subject.RequestService requests;

  private String table;

  @BeforeEach
  void eventsInMariaDb() {
    MariaDb.require();
    table = "event_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + table
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, occurred_at DATETIME NOT NULL);\n"
            + "INSERT INTO "
            + table
            + " SELECT seq, seq % 50, TIMESTAMP '2026-01-01 00:00:00' - INTERVAL seq DAY"
            + " FROM seq_1_to_1000;\n"
            + "CREATE TABLE "
            + table
            + "_note (id BIGINT PRIMARY KEY, event_id BIGINT NOT NULL, FOREIGN KEY (event_id)"
            + " REFERENCES "
            + table
            + " (id));\n"
            + "INSERT INTO "
            + table
            + "_note VALUES (1, 400), (2, 401)");
    eventsPolicy("");
  }

  /** A year's retention of the rows of {@code persons}, by its subject and seen_at columns. */
  private void personsPolicy(String persons) {
    policy(
        "maria-events",
        """
        policy: maria-events
        category: usage-data
        legal-basis: legitimate-interest
        store: maria
        table: %s
        key: id
        subject: subject
        clock: seen_at
        retain: P1Y
        action: delete
        """
            .formatted(persons));
  }

  /** The events policy these tests start from, with {@code extra} lines after its own. */
  private void eventsPolicy(String extra) {
    policy(
        "maria-events",
        """
        policy: maria-events
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
                .formatted(table)
            + extra);
  }

  @Test
  void oneJobDeletesFromPostgreSqlAndMariaDbSparingHeldRestrictedAndReferencedRows() {
    Events.create(APP, schema, 1000, 50);
    policy("events", Events.policy("events", schema, ""));
    var job = jobName("both");
    job(job, "job: " + job + "\npolicies: [events, maria-events]\nguards: {max-share: 1}\n");
    holds.place("7", null, null, "LIT-M", "court", "dpo");
    restrictions.place("8", "accuracy contested", "dpo");
    long held =
        MariaDb.count("SELECT count(*) FROM " + table + " WHERE id >= 366 AND subject_id = 7");
    long restricted =
        MariaDb.count("SELECT count(*) FROM " + table + " WHERE id >= 366 AND subject_id = 8");

    long heldPg =
        APP.count(
            "SELECT count(*) FROM " + schema + ".event WHERE id >= 366 AND subject_id IN (7, 8)");
    long nine =
        MariaDb.count("SELECT count(*) FROM " + table + " WHERE id >= 366 AND subject_id = 9");
    var plan = plans.plan(job, AS_OF);
    var report = run(job);

    assertThat(report.status()).isEqualTo("COMPLETED");
    var maria = outcome(report, "maria-events");
    assertThat(maria.examined()).isEqualTo(635);
    assertThat(maria.heldByHolds()).isEqualTo(held).isPositive();
    assertThat(maria.heldByRestrictions()).isEqualTo(restricted).isPositive();
    assertThat(maria.referenced()).isEqualTo(2);
    assertThat(maria.deleted()).isEqualTo(635 - held - restricted - 2);
    assertThat(MariaDb.count("SELECT count(*) FROM " + table)).isEqualTo(1000 - maria.deleted());
    assertThat(outcome(report, "events").deleted()).isEqualTo(635 - heldPg);
    for (var step : plan.policies()) {
      assertThat(step.counts().wouldChange())
          .as(step.step())
          .isEqualTo(outcome(report, step.step()).deleted());
    }
    // and the trail has each subject's deleted rows, as for PostgreSQL
    var token = audit.token("9").orElseThrow();
    assertThat(
            audit.about(token).stream()
                .filter(e -> Long.valueOf(report.run()).equals(e.runId()))
                .filter(e -> "maria-events".equals(e.policy()))
                .mapToLong(e -> e.rowsOf(token))
                .sum())
        .isEqualTo(nine)
        .isPositive();
  }

  /**
   * A text key with blanks or control characters around it is the subject's, as on PostgreSQL: a
   * hold on x1 spares " x1" and "x1\t" too (on MariaDB it spared only what compared equal).
   */
  @Test
  void aHoldOnMariaDbSparesTheSubjectsRowsWhateverBlanksTheyHold() {
    var persons = "person_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + persons
            + " (id BIGINT PRIMARY KEY, subject VARCHAR(40), seen_at DATETIME NOT NULL);\n"
            + "INSERT INTO "
            + persons
            + " VALUES (1, 'x1', '2020-01-01'), (2, ' x1', '2020-01-01'),"
            + " (3, CONCAT('x1', CHAR(9)), '2020-01-01'), (4, CONCAT(CHAR(10), 'x1'), '2020-01-01'),"
            + " (5, 'y1', '2020-01-01'), (6, ' y1', '2020-01-01'),"
            + " (7, 'z1', '2026-06-01'), (8, CONCAT('z1', CHAR(9)), '2026-06-01'),"
            + " (9, 'Z1', '2026-06-01')");
    personsPolicy(persons);
    var job = jobName("blanks");
    job(job, "job: " + job + "\npolicies: [maria-events]\nguards: {max-share: 1}\n");
    holds.place("x1", null, null, "LIT-B", "court", "dpo");

    var plan = plans.plan(job, AS_OF);
    var report = run(job);

    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    assertThat(MariaDb.count("SELECT count(*) FROM " + persons)).isEqualTo(7);
    assertThat(MariaDb.count("SELECT count(*) FROM " + persons + " WHERE id <= 4")).isEqualTo(4);
    var outcome = outcome(report, "maria-events");
    assertThat(outcome.deleted()).isEqualTo(2);
    // the plan and the report count the held spellings as held (the plan counted them as going)
    assertThat(outcome.heldByHolds()).isEqualTo(4);
    assertThat(plan.policies().get(0).counts().wouldChange()).isEqualTo(2);
    assertThat(plan.policies().get(0).counts().heldByHolds()).isEqualTo(4);

    // and an erasure of z1 takes every spelling of it
    intake.receive(RequestKind.ERASE, "z1", null, "DSR-B", "test", validator.load());
    assertThat(
            runs.run("requests", AS_OF, "test", dev.lethe.retention.ProgressListener.SILENT)
                .report()
                .status())
        .isEqualTo("COMPLETED");
    assertThat(MariaDb.count("SELECT count(*) FROM " + persons + " WHERE id IN (7, 8)")).isZero();
    // Z1 is someone else, whatever the collation says
    assertThat(MariaDb.count("SELECT count(*) FROM " + persons + " WHERE id = 9")).isOne();
  }

  @Test
  void fiftyThousandHeldSubjectsAreSparedOnMariaDbWindowAfterWindow() {
    // the spared subjects went into a MEMORY table, full at about 16,000 keys: nothing purged
    var job = jobName("many-held");
    job(job, "job: " + job + "\npolicies: [maria-events]\nguards: {max-share: 1}\n");
    var keys = new java.util.ArrayList<String>();
    // subjects 0 to 24 of the table's 50, and 49,975 keys of no row
    for (int i = 0; i < 50_000; i++) {
      keys.add(Integer.toString(i < 25 ? i : 10_000 + i));
    }
    var placed = holds.placeAll(keys, null, null, "LIT-MANY", "court", "dpo");
    assertThat(placed.count()).isEqualTo(keys.size());
    long held =
        MariaDb.count("SELECT count(*) FROM " + table + " WHERE id >= 366 AND subject_id < 25");

    var report = run(job);

    assertThat(report.status()).isEqualTo("COMPLETED");
    var maria = outcome(report, "maria-events");
    assertThat(maria.heldByHolds()).isEqualTo(held).isPositive();
    assertThat(maria.deleted()).isEqualTo(635 - held);
    assertThat(
            MariaDb.count("SELECT count(*) FROM " + table + " WHERE id >= 366 AND subject_id < 25"))
        .isEqualTo(held);
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM " + table + " WHERE id >= 366 AND subject_id >= 25"))
        .isZero();
    // a hold released between runs is seen: the session's table is loaded again
    // fifty thousand releases as one statement: past the trigger that asks each for its entry
    control
        .sql(
            "ALTER TABLE lethe.legal_hold DISABLE TRIGGER legal_hold_kept;"
                + " UPDATE lethe.legal_hold SET released_at = now(), released_by = 'dpo',"
                + " release_reason = 'case closed';"
                + " ALTER TABLE lethe.legal_hold ENABLE TRIGGER legal_hold_kept")
        .update();
    dev.lethe.hold.SubjectFlags.bumpVersion(control);
    var next = runs.run(job, AS_OF.plusDays(1), "test", ProgressListener.SILENT).report();
    // what the holds kept, but the two rows still referenced, and the row that expired that day
    assertThat(outcome(next, "maria-events").deleted()).isEqualTo(held - 2 + 1);
  }

  /** A store user without DELETE on a policy's table is named by validate, and no row goes. */
  @Test
  void aStoreUserWithoutThePrivilegesAPolicyNeedsIsNamedByValidate() throws Exception {
    var user = "lethe_ro_" + schema;
    MariaDb.run(
        "DROP USER IF EXISTS '%1$s'@'%%';\nCREATE USER '%1$s'@'%%' IDENTIFIED BY 'pw';\n"
                .formatted(user)
            + "GRANT SELECT ON "
            + MariaDb.DATABASE
            + "."
            + table
            + " TO '"
            + user
            + "'@'%'");
    try {
      var config = configFile("maria-ro-" + schema);
      var url = MariaDb.url().replaceAll("user=[^&]*", "user=" + user);
      url =
          url.contains("password=")
              ? url.replaceAll("password=[^&]*", "password=pw")
              : url + "&password=pw";
      java.nio.file.Files.writeString(
          config,
          java.nio.file.Files.readString(config)
              .replace("  stores:\n", "  stores:\n    maria:\n      url: \"" + url + "\"\n"));
      var job = jobName("ro");
      job(job, "job: " + job + "\npolicies: [maria-events]\nguards: {max-share: 1}\n");
      var out = new java.io.StringWriter();
      var err = new java.io.StringWriter();
      int code =
          dev.lethe.cli.Lethe.execute(
              new String[] {"--config", config.toString(), "validate"},
              new java.io.PrintWriter(out, true),
              new java.io.PrintWriter(err, true));

      assertThat(code).as(out + "\n" + err).isEqualTo(dev.lethe.cli.Lethe.BAD_INPUT);
      assertThat(err.toString())
          .contains("maria-events.yml", "may not DELETE on " + table, "GRANT DELETE");
      assertThat(
              dev.lethe.cli.Lethe.execute(
                  new String[] {
                    "--config", config.toString(), "run", job, "--as-of", AS_OF.toString()
                  },
                  new java.io.PrintWriter(out, true),
                  new java.io.PrintWriter(err, true)))
          .isEqualTo(dev.lethe.cli.Lethe.BAD_INPUT);
      assertThat(MariaDb.count("SELECT count(*) FROM " + table)).isEqualTo(1000);
    } finally {
      MariaDb.run("DROP USER IF EXISTS '" + user + "'@'%'");
    }
  }

  /**
   * A hold keeps every spelling the subject column's own collation takes for its key (the spared
   * subjects were compared under the database's default: ｄａｖｅ went, which utf8mb4_unicode_ci takes
   * for dave), and an erasure of one spelling leaves what a hold on another keeps (the erasure of
   * ALICE took the row a hold on alice kept, and said it was done): found by an outside attack.
   */
  @Test
  void aHoldKeepsWhatTheColumnsCollationTakesForItsKeyAndAnErasureOfAnotherSpellingLeavesIt() {
    var persons = "spelt_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + persons
            + " (id BIGINT PRIMARY KEY, subject VARCHAR(40) CHARACTER SET utf8mb4 COLLATE"
            + " utf8mb4_unicode_ci, seen_at DATETIME NOT NULL) DEFAULT CHARSET=utf8mb4 COLLATE"
            + " utf8mb4_general_ci;\n"
            + "INSERT INTO "
            + persons
            + " VALUES (1, 'alice', '2020-01-01'), (2, 'ALICE', '2020-01-01'),"
            + " (3, 'dave', '2020-01-01'), (4, '\uff44\uff41\uff56\uff45', '2020-01-01'),"
            + " (5, 'bob', '2020-01-01')");
    personsPolicy(persons);
    var job = jobName("spelt");
    job(job, "job: " + job + "\npolicies: [maria-events]\nguards: {max-share: 1}\n");
    holds.place("alice", null, null, "LIT-S", "court", "dpo");
    holds.place("dave", null, null, "LIT-S", "court", "dpo");
    var erasure =
        intake.receive(RequestKind.ERASE, "ALICE", null, "DSR-S", "test", validator.load());

    runs.run("requests", AS_OF, "test", dev.lethe.retention.ProgressListener.SILENT);
    var report = run(job);

    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    assertThat(MariaDb.count("SELECT count(*) FROM " + persons + " WHERE id <= 4")).isEqualTo(4);
    assertThat(MariaDb.count("SELECT count(*) FROM " + persons)).isEqualTo(4); // bob's went
    var outcome = requests.find(erasure.id());
    assertThat(outcome.status()).isEqualTo(dev.lethe.subject.SubjectRequest.PARTLY_DONE);
    assertThat(outcome.outcomes())
        .singleElement()
        .satisfies(
            o -> assertThat(o.outcome()).contains("1 left under a legal hold on another key"));
  }

  @Test
  void anErasureReachesTheSubjectsMariaDbRows() {
    intake.receive(RequestKind.ERASE, "11", null, "DSR-M", "test", validator.load());
    runs.run("requests", AS_OF, "test", dev.lethe.retention.ProgressListener.SILENT);

    assertThat(MariaDb.count("SELECT count(*) FROM " + table + " WHERE subject_id = 11")).isZero();
    assertThat(MariaDb.count("SELECT count(*) FROM " + table)).isEqualTo(980);
  }

  /**
   * The erasure's change commits in MariaDB, and the control database fails as the run records it:
   * the store's outbox keeps its record, and the next run records it once, in the trail and in the
   * outcome, which never says "no data held" of the rows it deleted.
   */
  @Test
  void anErasureTheControlDatabaseFailedToRecordIsRecordedOnceByTheNextRun(
      @Autowired dev.lethe.subject.RequestService requests) throws Exception {
    long rows = MariaDb.count("SELECT count(*) FROM " + table + " WHERE subject_id = 12");
    var request = intake.receive(RequestKind.ERASE, "12", null, "DSR-F", "test", validator.load());
    try (var fault = dev.lethe.support.ControlFaults.refuseTheNextRequestChange(control)) {
      assertThat(
              runs.run("requests", AS_OF, "test", dev.lethe.retention.ProgressListener.SILENT)
                  .report()
                  .status())
          .isEqualTo("FAILED");
    }
    assertThat(MariaDb.count("SELECT count(*) FROM " + table + " WHERE subject_id = 12")).isZero();

    runs.run("requests", AS_OF, "test", dev.lethe.retention.ProgressListener.SILENT);

    var done = requests.find(request.id());
    assertThat(done.status()).isEqualTo(dev.lethe.subject.SubjectRequest.DONE);
    var outcome =
        done.outcomes().stream().filter(o -> o.policy().equals("maria-events")).findFirst();
    assertThat(outcome).get().satisfies(o -> assertThat(o.deleted()).isEqualTo(rows));
    assertThat(outcome.get().outcome()).isEqualTo("deleted " + rows);
    assertThat(dev.lethe.support.ControlFaults.rowsInTrail(control, request.id(), "maria-events"))
        .isEqualTo(rows);
    assertThat(dev.lethe.support.ControlFaults.recoveredEntries(control, request.id())).isOne();
    assertThat(MariaDb.count("SELECT count(*) FROM lethe_outbox")).isZero();
  }

  @Test
  void anErasureOnMariaDbKeepsWhatTheLawKeepsWithoutThePerson(
      @Autowired dev.lethe.subject.RequestService requests) {
    // accounts 1 to 30; accounts 1 to 10 have three invoices each, which the law keeps
    var accounts = "account_" + schema;
    var invoices = "invoice_" + schema;
    MariaDb.run(
        ("CREATE TABLE %1$s (id BIGINT PRIMARY KEY, email VARCHAR(100), full_name VARCHAR(100),"
                + " closed_at DATETIME NOT NULL, pseudonymised_at DATETIME NULL);\n"
                + "INSERT INTO %1$s SELECT seq, CONCAT('a', seq, '@example.org'), CONCAT('Name ',"
                + " seq), TIMESTAMP '2025-12-01 00:00:00', NULL FROM seq_1_to_30;\n"
                + "CREATE TABLE %2$s (id BIGINT PRIMARY KEY, account_id BIGINT NOT NULL REFERENCES"
                + " %1$s (id), issued_at DATETIME NOT NULL, customer_email VARCHAR(100),"
                + " customer_name VARCHAR(100) NULL, pseudonymised_at DATETIME NULL);\n"
                + "INSERT INTO %2$s SELECT seq, 1 + seq %% 10, TIMESTAMP '2025-06-01 00:00:00',"
                + " CONCAT('a', 1 + seq %% 10, '@example.org'), CONCAT('Name ', 1 + seq %% 10), NULL"
                + " FROM seq_1_to_30")
            .formatted(accounts, invoices));
    policy(
        "maria-accounts",
        """
        policy: maria-accounts
        category: account-data
        legal-basis: contract
        store: maria
        table: %s
        key: id
        subject: id
        clock: closed_at
        retain: P1Y
        action: delete
        marker: pseudonymised_at
        on-erasure:
          action: delete
          if-referenced:
            email: hmac
            full_name: {constant: "(erased)"}
        """
            .formatted(accounts));
    policy(
        "maria-invoices",
        """
        policy: maria-invoices
        category: payment-data
        legal-basis: legal-obligation
        store: maria
        table: %s
        key: id
        subject: account_id
        clock: issued_at
        retain: P7Y
        action: delete
        marker: pseudonymised_at
        on-erasure:
          action: pseudonymise
          transform:
            customer_email: hmac
            customer_name: null
        """
            .formatted(invoices));
    assertThat(validator.validate().problems().errors()).isEmpty();
    var tokens = testTokens();

    var withInvoices =
        intake.receive(RequestKind.ERASE, "5", null, "DSR-5", "test", validator.load());
    var without = intake.receive(RequestKind.ERASE, "20", null, "DSR-20", "test", validator.load());
    runs.run("requests", AS_OF, "test", dev.lethe.retention.ProgressListener.SILENT);

    assertThat(requests.find(withInvoices.id()).status()).isEqualTo("done");
    assertThat(requests.find(without.id()).status()).isEqualTo("done");
    // the invoices stay, with a token for the address and no name, marked
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + invoices
                    + " WHERE account_id = 5 AND customer_email = '"
                    + tokens.text("a5@example.org")
                    + "' AND customer_name IS NULL AND pseudonymised_at IS NOT NULL"))
        .isEqualTo(3);
    // the account they reference stays without the person; the one nothing references goes
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + accounts
                    + " WHERE id = 5 AND email = '"
                    + tokens.text("a5@example.org")
                    + "' AND full_name = '(erased)' AND pseudonymised_at IS NOT NULL"))
        .isEqualTo(1);
    assertThat(MariaDb.count("SELECT count(*) FROM " + accounts + " WHERE id = 20")).isZero();
    // nobody else is touched
    assertThat(MariaDb.count("SELECT count(*) FROM " + accounts)).isEqualTo(29);
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM " + invoices + " WHERE pseudonymised_at IS NOT NULL"))
        .isEqualTo(3);
    assertThat(MariaDb.count("SELECT count(*) FROM " + accounts + " WHERE full_name = '(erased)'"))
        .isEqualTo(1);
  }

  @Test
  void aClockAndAConditionInAnotherTableDecideWhatGoesOnMariaDb() {
    // orders age from their account's closing, and go only where the holder is an adult; accounts
    // 1 to 40: odd ones still open, every fourth closed lately, the rest closed in mid-2024; every
    // fifth holder born in 2010; orders 1 to 400 of accounts 1 to 40, and 10 of an account that
    // is not there
    var accounts = "acct_" + schema;
    var orders = "order_" + schema;
    MariaDb.run(
        ("CREATE TABLE %1$s (id BIGINT PRIMARY KEY, closed_at DATETIME NULL, birth_date DATE);\n"
                + "INSERT INTO %1$s SELECT seq, CASE WHEN seq %% 2 = 1 THEN NULL WHEN seq %% 4 = 0"
                + " THEN TIMESTAMP '2025-10-01 00:00:00' ELSE TIMESTAMP '2024-06-01 00:00:00' END,"
                + " CASE WHEN seq %% 5 = 0 THEN DATE '2010-01-01' ELSE DATE '1980-01-01' END FROM"
                + " seq_1_to_40;\n"
                + "CREATE TABLE %2$s (id BIGINT PRIMARY KEY, account_id BIGINT, placed_at DATETIME"
                + " NOT NULL);\n"
                + "INSERT INTO %2$s SELECT seq, 1 + seq %% 40, TIMESTAMP '2023-01-01 00:00:00' FROM"
                + " seq_1_to_400;\n"
                + "INSERT INTO %2$s SELECT 1000 + seq, 999, TIMESTAMP '2020-01-01 00:00:00' FROM"
                + " seq_1_to_10")
            .formatted(accounts, orders));
    policy(
        "maria-orders",
        """
        policy: maria-orders
        category: payment-data
        legal-basis: contract
        store: maria
        table: %2$s
        key: id
        subject: account_id
        clock:
          from: %1$s.closed_at
          via: account_id
        retain: P1Y
        action: delete
        where:
          - column: %1$s.birth_date
            via: account_id
            older-than: P18Y
        """
            .formatted(accounts, orders));
    var job = jobName("orders");
    job(job, "job: " + job + "\npolicies: [maria-orders]\nguards: {max-share: 1}\n");
    assertThat(validator.validate().problems().errors()).isEmpty();
    // counted by a join, independently of the SQL Lethe writes
    long due =
        MariaDb.count(
            "SELECT count(*) FROM "
                + orders
                + " o JOIN "
                + accounts
                + " a ON a.id = o.account_id WHERE a.closed_at < '2025-01-01'"
                + " AND a.birth_date < '2008-01-01'");

    var plan = plans.plan(job, AS_OF);
    var report = run(job);

    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(due).isEqualTo(80); // accounts 2, 6, 14, 18, ... (closed in 2024, adult): 8 x 10
    assertThat(outcome(report, "maria-orders").deleted()).isEqualTo(due);
    assertThat(plan.policies().get(0).counts().wouldChange()).isEqualTo(due);
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + orders
                    + " o JOIN "
                    + accounts
                    + " a ON a.id = o.account_id WHERE a.closed_at < '2025-01-01'"
                    + " AND a.birth_date < '2008-01-01'"))
        .isZero();
    // open accounts, recent closings, minors, and orders of no account stay
    assertThat(MariaDb.count("SELECT count(*) FROM " + orders)).isEqualTo(410 - due);
    assertThat(MariaDb.count("SELECT count(*) FROM " + orders + " WHERE account_id = 999"))
        .isEqualTo(10);
  }

  @Test
  void aClockInAMissingTableIsRefusedOnMariaDbWithTheLine() {
    policy(
        "maria-events",
        """
        policy: maria-events
        category: usage-data
        legal-basis: legitimate-interest
        store: maria
        table: %s
        key: id
        subject: subject_id
        clock:
          from: nowhere.closed_at
          via: nobody
        retain: P1Y
        action: delete
        """
            .formatted(table));

    var errors = validator.validate().problems().errors().stream().map(Object::toString).toList();

    assertThat(errors)
        .anySatisfy(e -> assertThat(e).contains("maria-events.yml:8", "no table 'nowhere'"));
  }

  @Test
  void withdrawingConsentOnMariaDbLeavesOnlyATokenOfTheAddress(
      @Autowired dev.lethe.subject.SuppressionList suppressions,
      @Autowired dev.lethe.subject.RequestService requests) {
    var letters = "letter_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + letters
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, email VARCHAR(100),"
            + " consented_at DATETIME NOT NULL);\n"
            + "INSERT INTO "
            + letters
            + " SELECT seq, seq, CONCAT('reader', seq, '@example.org'),"
            + " TIMESTAMP '2025-06-01 00:00:00' FROM seq_1_to_10");
    policy(
        "maria-letters",
        """
        policy: maria-letters
        category: newsletter
        legal-basis: consent
        store: maria
        table: %s
        key: id
        subject: subject_id
        contact: email
        clock: consented_at
        retain: P2Y
        action: delete
        """
            .formatted(letters));

    var request =
        intake.receive(
            RequestKind.WITHDRAW_CONSENT, "4", "newsletter", "DSR-N", "test", validator.load());
    runs.run("requests", AS_OF, "test", dev.lethe.retention.ProgressListener.SILENT);

    assertThat(MariaDb.count("SELECT count(*) FROM " + letters + " WHERE subject_id = 4")).isZero();
    assertThat(MariaDb.count("SELECT count(*) FROM " + letters)).isEqualTo(9);
    var tokens = testTokens();
    assertThat(
            suppressions.contains(
                "newsletter",
                TEST_KEY_ID,
                dev.lethe.subject.Suppression.token(tokens, "Reader4@example.org ")))
        .isTrue();
    assertThat(
            suppressions.contains(
                "newsletter",
                TEST_KEY_ID,
                dev.lethe.subject.Suppression.token(tokens, "reader5@example.org")))
        .isFalse();
    assertThat(requests.find(request.id()).status()).isEqualTo("done");
  }

  @Test
  void aDeleteThatWouldCascadeIsRefusedUnlessThePolicyAllowsIt() {
    MariaDb.run(
        "CREATE TABLE "
            + table
            + "_tag (id BIGINT PRIMARY KEY, event_id BIGINT NOT NULL, FOREIGN KEY (event_id)"
            + " REFERENCES "
            + table
            + " (id) ON DELETE CASCADE)");

    var errors = validator.validate().problems().errors().stream().map(Object::toString).toList();

    assertThat(errors)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .contains(
                        "maria-events.yml:5",
                        table + "_tag",
                        "ON DELETE CASCADE",
                        "allow-cascade: true"));
    eventsPolicy("allow-cascade: true\n");
    assertThat(validator.validate().problems().errors()).isEmpty();
  }

  @Test
  void aConditionValueThatIsNotOfItsColumnIsRefused() {
    // MariaDB itself would compare 'settled' with the integer column as 0, and match those rows
    eventsPolicy(
        """
        where:
          - column: subject_id
            equals: settled
          - column: occurred_at
            after: 2020-13-45
          - column: subject_id
            in: [1, 2]
          - column: occurred_at
            before: 2025-06-01 12:00:00
        """);

    var errors = validator.validate().problems().errors().stream().map(Object::toString).toList();

    assertThat(errors)
        .hasSize(2)
        .anySatisfy(
            e ->
                assertThat(e).contains("maria-events.yml:13", "'settled' is not a value", "bigint"))
        .anySatisfy(e -> assertThat(e).contains("maria-events.yml:15", "'2020-13-45'"));
  }

  @Test
  void aTransformOfAConditionOrForeignKeyColumnIsRefused() {
    var visits = "visit_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + visits
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, seen_at DATETIME NOT NULL,"
            + " status VARCHAR(100), event_id BIGINT REFERENCES "
            + table
            + " (id), email VARCHAR(100), pseudonymised_at DATETIME NULL)");
    policy(
        "maria-visits",
        """
        policy: maria-visits
        category: usage-data
        legal-basis: legitimate-interest
        store: maria
        table: %s
        key: id
        subject: subject_id
        clock: seen_at
        marker: pseudonymised_at
        stages:
          - after: P30D
            action: pseudonymise
            transform:
              status: hmac
              event_id: null
              email: hmac
        where:
          - column: status
            equals: done
        """
            .formatted(visits));

    var errors = validator.validate().problems().errors().stream().map(Object::toString).toList();

    assertThat(errors)
        .hasSize(2)
        .anySatisfy(e -> assertThat(e).contains("column 'status' decides which rows"))
        .anySatisfy(e -> assertThat(e).contains("column 'event_id' is in a foreign key"));
  }

  @Test
  void whatMariaDbStoresDoNotDoYetIsRefusedWithTheLine() {
    policy(
        "maria-events",
        """
        policy: maria-events
        category: usage-data
        legal-basis: legitimate-interest
        store: maria
        table: %s
        key: id
        subject: nobody
        clock: subject_id
        marker: occurred_at
        stages:
          - {after: P30D, action: pseudonymise, transform: {subject_id: hmac}}
          - {after: P1Y, action: delete}
        """
            .formatted(table));

    var errors = validator.validate().problems().errors().stream().map(Object::toString).toList();

    assertThat(errors)
        .anySatisfy(e -> assertThat(e).contains("maria-events.yml:7", "no column 'nobody'"))
        .anySatisfy(e -> assertThat(e).contains("field 'clock'", "bigint, not a point in time"))
        .anySatisfy(e -> assertThat(e).contains("field 'marker'", "datetime NOT NULL"));
  }

  @Test
  void oneJobOverPostgreSqlMariaDbAndLogFilesRunsPlansAndRestartsAsOne() throws Exception {
    Events.create(APP, schema, 1000, 50);
    policy("events", Events.policy("events", schema, ""));
    var logs = WORKSPACE.resolve("logs");
    if (java.nio.file.Files.exists(logs)) {
      try (var files = java.nio.file.Files.list(logs)) {
        for (var f : files.toList()) {
          java.nio.file.Files.delete(f);
        }
      }
    }
    java.nio.file.Files.createDirectories(logs);
    var log =
        java.nio.file.Files.readAllLines(
            java.nio.file.Path.of(
                "src/test/resources/datasets/weblogs/apache_access_combined.log"));
    java.nio.file.Files.write(logs.resolve("access.log.1"), log.subList(0, 4000));
    java.nio.file.Files.write(logs.resolve("access.log"), log.subList(4000, 5000));
    java.nio.file.Files.setLastModifiedTime(
        logs.resolve("access.log.1"), java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    policy(
        "access-logs",
        """
        policy: access-logs
        category: usage-data
        legal-basis: legitimate-interest
        store: weblogs
        subject: ip
        clock: time
        retain: P2D
        action: delete
        """);
    var job = jobName("three");
    // a guard the log step crosses: the first run stops there, after the two tables
    job(
        job,
        "job: "
            + job
            + "\npolicies: [events, maria-events, access-logs]\nguards: {max-rows: 1000, max-share: 1}\n");

    var plan = plans.plan(job, AS_OF);
    var stopped = run(job);

    assertThat(stopped.status()).isEqualTo("FAILED");
    assertThat(outcome(stopped, "events").status()).isEqualTo("COMPLETED");
    assertThat(outcome(stopped, "maria-events").status()).isEqualTo("COMPLETED");
    assertThat(java.nio.file.Files.readAllLines(logs.resolve("access.log.1"))).hasSize(4000);

    job(
        job,
        "job: "
            + job
            + "\npolicies: [events, maria-events, access-logs]\nguards: {max-share: 1}\n");
    var restarted = run(job);

    assertThat(restarted.status()).isEqualTo("COMPLETED");
    // the tables were not done again; the logs were done once
    assertThat(outcome(restarted, "events").deleted())
        .isEqualTo(outcome(stopped, "events").deleted());
    assertThat(outcome(restarted, "maria-events").deleted())
        .isEqualTo(outcome(stopped, "maria-events").deleted());
    assertThat(outcome(restarted, "access-logs").deleted()).isEqualTo(4000);
    // every line of the rotated file went, and the file with them; the one being written stays
    assertThat(logs.resolve("access.log.1")).doesNotExist();
    assertThat(java.nio.file.Files.readAllLines(logs.resolve("access.log"))).hasSize(1000);
    for (var step : plan.policies()) {
      var done = outcome(restarted, step.step());
      assertThat(step.counts().wouldChange()).as(step.step()).isEqualTo(done.deleted());
    }
  }

  @Test
  void aCompositeKeyIsWalkedInWindowsWithNoRowMissedOrDoneTwice() {
    // payments keyed as Pagila's are, (payment_date, payment_id): three payments share each
    // moment, so a window ends inside a run of equal dates; windows of 100 rows
    var payments = "payment_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + payments
            + " (payment_date DATETIME NOT NULL, payment_id INT NOT NULL, customer_id BIGINT,"
            + " email VARCHAR(100), pseudonymised_at DATETIME NULL,"
            + " PRIMARY KEY (payment_date, payment_id));\n"
            + "INSERT INTO "
            + payments
            + " SELECT TIMESTAMP '2026-01-01 00:00:00' - INTERVAL (seq DIV 3) DAY, 1000 - seq,"
            + " seq % 40, CONCAT('c', seq % 40, '@example.org'), NULL FROM seq_1_to_900");
    policy(
        "maria-payments",
        """
        policy: maria-payments
        category: payment-data
        legal-basis: legal-obligation
        store: maria
        table: %s
        key: [payment_date, payment_id]
        subject: customer_id
        clock: payment_date
        marker: pseudonymised_at
        stages:
          - {after: P90D, action: pseudonymise, transform: {email: hmac}}
          - {after: P200D, action: delete}
        """
            .formatted(payments));
    var job = jobName("payments");
    job(job, "job: " + job + "\npolicies: [maria-payments]\nguards: {max-share: 1}\n");
    holds.place("5", null, null, "LIT-P", "court", "dpo");
    long cutoff = 200; // days before 2026-01-01: rows with seq DIV 3 > 200 have expired
    long expired =
        MariaDb.count(
            "SELECT count(*) FROM "
                + payments
                + " WHERE payment_date < TIMESTAMP '2026-01-01 00:00:00' - INTERVAL "
                + cutoff
                + " DAY");
    long expiredHeld =
        MariaDb.count(
            "SELECT count(*) FROM "
                + payments
                + " WHERE customer_id = 5 AND payment_date < TIMESTAMP '2026-01-01 00:00:00' - INTERVAL "
                + cutoff
                + " DAY");
    long due =
        MariaDb.count(
            "SELECT count(*) FROM "
                + payments
                + " WHERE customer_id <> 5 AND payment_date < TIMESTAMP '2026-01-01 00:00:00'"
                + " - INTERVAL 90 DAY AND payment_date >= TIMESTAMP '2026-01-01 00:00:00'"
                + " - INTERVAL "
                + cutoff
                + " DAY");

    var plan = plans.plan(job, AS_OF);
    var report = run(job);

    assertThat(report.status()).isEqualTo("COMPLETED");
    var delete = outcome(report, "maria-payments:delete");
    assertThat(delete.deleted()).isEqualTo(expired - expiredHeld).isGreaterThan(100);
    assertThat(delete.heldByHolds()).isEqualTo(expiredHeld).isPositive();
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + payments
                    + " WHERE customer_id <> 5 AND payment_date < TIMESTAMP '2026-01-01 00:00:00'"
                    + " - INTERVAL "
                    + cutoff
                    + " DAY"))
        .isZero();
    assertThat(MariaDb.count("SELECT count(*) FROM " + payments)).isEqualTo(900 - delete.deleted());
    var pseudonymise = outcome(report, "maria-payments:pseudonymise");
    assertThat(pseudonymise.pseudonymised()).isEqualTo(due).isGreaterThan(100);
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + payments
                    + " WHERE pseudonymised_at IS NOT NULL AND email = '"
                    + testTokens().text("c7@example.org")
                    + "'"))
        .isEqualTo(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + payments
                    + " WHERE customer_id = 7 AND pseudonymised_at IS NOT NULL"))
        .isPositive();
    for (var step : plan.policies()) {
      var done = outcome(report, step.step());
      assertThat(step.counts().wouldChange())
          .as(step.step())
          .isEqualTo(done.deleted() + done.pseudonymised());
    }
  }

  @Test
  void aPseudonymiseStageARefusingTriggerStopsSaysSoWithoutTheTriggersText() {
    var visits = "refusing_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + visits
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, seen_at DATETIME NOT NULL,"
            + " email VARCHAR(100), pseudonymised_at DATETIME NULL);\n"
            + "INSERT INTO "
            + visits
            + " VALUES (1, 7, '2025-06-01', 'seven@example.org', NULL);\n"
            + "CREATE TRIGGER no_"
            + visits
            + " BEFORE UPDATE ON "
            + visits
            + " FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no: seven@example.org'");
    policy(
        "maria-visits",
        """
        policy: maria-visits
        category: usage-data
        legal-basis: legitimate-interest
        store: maria
        table: %s
        key: id
        subject: subject_id
        clock: seen_at
        marker: pseudonymised_at
        stages:
          - {after: P30D, action: pseudonymise, transform: {email: hmac}}
          - {after: P5Y, action: delete}
        """
            .formatted(visits));
    var job = jobName("refusing");
    job(job, "job: " + job + "\npolicies: [maria-visits]\nguards: {max-share: 1}\n");

    var report = run(job);

    assertThat(report.status()).isEqualTo("FAILED");
    // the step pseudonymises: it was said to be "deleting from" the table
    assertThat(report.exitMessage())
        .contains("pseudonymising rows of " + visits)
        .doesNotContain("deleting from")
        .doesNotContain("seven@example.org");
    assertThat(MariaDb.count("SELECT count(*) FROM " + visits + " WHERE email LIKE 'seven@%'"))
        .isOne();
  }

  @Test
  void aPseudonymiseStageOnMariaDbMakesTokensOnceAndSparesTheHeld() {
    var visits = "visit_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + visits
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, seen_at DATETIME NOT NULL,"
            + " email VARCHAR(100), ip VARCHAR(45), pseudonymised_at DATETIME NULL);\n"
            + "INSERT INTO "
            + visits
            + " SELECT seq, seq % 20, TIMESTAMP '2026-01-01 00:00:00' - INTERVAL seq DAY,"
            + " CONCAT('user', seq % 20, '@example.org'), CONCAT('192.168.', seq % 250, '.', seq % 200 + 1),"
            + " NULL FROM seq_1_to_400");
    policy(
        "maria-visits",
        """
        policy: maria-visits
        category: usage-data
        legal-basis: legitimate-interest
        store: maria
        table: %s
        key: id
        subject: subject_id
        clock: seen_at
        marker: pseudonymised_at
        stages:
          - {after: P30D, action: pseudonymise, transform: {email: hmac, ip: ip-prefix}}
          - {after: P1Y, action: delete}
        """
            .formatted(visits));
    var job = jobName("visits");
    job(job, "job: " + job + "\npolicies: [maria-visits]\nguards: {max-share: 1}\n");
    holds.place("3", null, null, "LIT-V", "court", "dpo");
    long heldDue =
        MariaDb.count("SELECT count(*) FROM " + visits + " WHERE id > 30 AND subject_id = 3");
    // (the held subject's rows past a year stay, held, and are due for the stage too)
    long heldYoung =
        MariaDb.count(
            "SELECT count(*) FROM " + visits + " WHERE id > 30 AND id < 366 AND subject_id = 3");
    var tokens = testTokens();

    var plan = plans.plan(job, AS_OF);
    var report = run(job);

    var step = outcome(report, "maria-visits:pseudonymise");
    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(step.pseudonymised()).isEqualTo(335 - heldYoung);
    assertThat(step.heldByHolds()).isEqualTo(heldDue).isPositive();
    assertThat(
            plan.policies().stream()
                .filter(p -> p.step().equals("maria-visits:pseudonymise"))
                .findFirst()
                .orElseThrow()
                .counts()
                .wouldChange())
        .isEqualTo(step.pseudonymised());
    // row 100 (subject 0): token of its address, network of its IP, marked
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + visits
                    + " WHERE id = 100 AND email = '"
                    + tokens.text("user0@example.org")
                    + "' AND ip = '192.168.100.0' AND pseudonymised_at IS NOT NULL"))
        .isEqualTo(1);
    // the held subject's rows are as they were
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + visits
                    + " WHERE subject_id = 3 AND email = 'user3@example.org'"))
        .isEqualTo(20);

    // a second run makes no token of a token
    var again = jobName("visits-again");
    job(again, "job: " + again + "\npolicies: [maria-visits]\nguards: {max-share: 1}\n");
    assertThat(outcome(run(again), "maria-visits:pseudonymise").pseudonymised()).isZero();
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + visits
                    + " WHERE id = 100 AND email = '"
                    + tokens.text("user0@example.org")
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void conditionsAndTheLongerRetentionOfAnotherPolicyOnTheTableDecideWhatGoes() {
    var payments = "payment_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + payments
            + " (id BIGINT PRIMARY KEY, account BIGINT, paid_at DATETIME NOT NULL,"
            + " status VARCHAR(20) NOT NULL);\n"
            + "INSERT INTO "
            + payments
            + " SELECT seq, seq % 30, TIMESTAMP '2026-01-01 00:00:00' - INTERVAL seq DAY,"
            + " IF(seq % 2 = 0, 'settled', 'disputed') FROM seq_1_to_1000");
    var policy =
        """
        policy: %s
        category: payment-data
        legal-basis: legal-obligation
        store: maria
        table: %s
        key: id
        subject: account
        clock: paid_at
        retain: %s
        action: delete
        %s
        """;
    // settled payments a year; every payment at least two: the two years win
    policy(
        "settled",
        policy.formatted("settled", payments, "P1Y", "where: [{column: status, equals: settled}]"));
    policy("all-payments", policy.formatted("all-payments", payments, "P2Y", ""));
    var job = jobName("payments");
    job(job, "job: " + job + "\npolicies: [settled, all-payments]\nguards: {max-share: 1}\n");
    // validate says that both cover the table, and that keeping wins
    assertThat(validator.validate().problems().warnings().stream().map(Object::toString))
        .anySatisfy(w -> assertThat(w).contains("both cover", payments, "keeping wins"));

    var plan = plans.plan(job, AS_OF);
    var report = run(job);

    assertThat(report.status()).isEqualTo("COMPLETED");
    long oldest =
        MariaDb.count("SELECT count(*) FROM " + payments + " WHERE paid_at < '2024-01-01'");
    assertThat(oldest).isZero();
    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + payments
                    + " WHERE status = 'settled' AND paid_at < '2025-01-01'"))
        .as("settled payments past a year, kept by the two-year policy")
        .isPositive();
    assertThat(outcome(report, "settled").deleted() + outcome(report, "all-payments").deleted())
        .isEqualTo(1000 - MariaDb.count("SELECT count(*) FROM " + payments));
    assertThat(outcome(report, "settled").deleted()).isPositive();
    for (var step : plan.policies()) {
      assertThat(step.counts().wouldChange())
          .as(step.step())
          .isEqualTo(outcome(report, step.step()).deleted());
    }
  }

  @Test
  void datesAreCutNumbersRoundedAndBandedOnMariaDb() {
    var people = "person_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + people
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, seen_at DATETIME NOT NULL,"
            + " birth DATE, visited DATETIME, amount DECIMAL(10,2), age INT, age_text VARCHAR(20),"
            + " done_at DATETIME NULL);\n"
            + "INSERT INTO "
            + people
            + " VALUES (1, 1, TIMESTAMP '2025-01-01 00:00:00', DATE '1980-05-17',"
            + " TIMESTAMP '2025-03-04 05:06:07', 123.45, 37, '37', NULL)");
    policy(
        "maria-people",
        """
        policy: maria-people
        category: account-data
        legal-basis: contract
        store: maria
        table: %s
        key: id
        subject: subject_id
        clock: seen_at
        marker: done_at
        retain: P30D
        action: pseudonymise
        transform: {birth: year, visited: month, amount: {round: 0}, age: {band: 10}, age_text: {band: 10}}
        """
            .formatted(people));
    var job = jobName("people");
    job(job, "job: " + job + "\npolicies: [maria-people]\nguards: {max-share: 1}\n");

    assertThat(run(job).status()).isEqualTo("COMPLETED");

    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + people
                    + " WHERE birth = DATE '1980-01-01' AND visited = TIMESTAMP '2025-03-01 00:00:00'"
                    + " AND amount = 123.00 AND age = 30 AND age_text = '30-39'"
                    + " AND done_at IS NOT NULL"))
        .isEqualTo(1);
  }
}
