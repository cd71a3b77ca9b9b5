package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.support.Visits;
import dev.lethe.transform.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class PseudonymiseTests extends LetheTests {

  private Tokens tokens;
  private String visits;

  @BeforeEach
  void visitsAndTheTestKey() throws IOException {
    tokens = testTokens();
    Visits.create(APP, schema, "visit", 200);
    visits = schema + ".visit";
  }

  private String visitsJob(String stages) {
    policy("visits", Visits.policy("visits", schema, "visit", stages));
    var job = jobName("visits");
    job(job, Events.job(job, "visits", ""));
    return job;
  }

  private List<String> row(long id, String columns) {
    return APP.row("SELECT " + columns + " FROM " + visits + " WHERE id = " + id);
  }

  @Test
  void everyTransformFitsItsColumnAndOnlyRowsWhoseTimeHasComeChange() {
    var job = visitsJob(Visits.EVERY_TRANSFORM);

    var report = run(job);

    assertThat(report.status()).isEqualTo("COMPLETED");
    var visitsReport = outcome(report, "visits");
    assertThat(visitsReport.pseudonymised()).isEqualTo(170);
    assertThat(visitsReport.deleted()).isZero();
    assertThat(report.keyId()).isEqualTo(TEST_KEY_ID);
    // row 100 is 100 days old, past its 30 days; subject 0
    assertThat(
            row(
                100,
                "email, account_ref::text, external_id::text, ip::text, ip_text, user_agent,"
                    + " birth_date::text, postal_code, card, latitude::text, age::text, age_text, note,"
                    + " nickname, done_at::date::text"))
        .containsExactly(
            tokens.text("user0@example.org"),
            Long.toString(tokens.number("1000")),
            tokens.uuid(APP.text("SELECT md5('0')::uuid::text")).toString(),
            "192.168.100.0/24",
            "10.1.2.0",
            "Firefox 128",
            "1980-01-01",
            "90****",
            "************1111",
            "51.050000",
            "30",
            "30-39",
            "(removed)",
            null,
            AS_OF.toString());
    // row 30 is 30 days old: untouched
    assertThat(row(30, "email, ip::text, user_agent, note, nickname, done_at"))
        .containsExactly(
            "user10@example.org",
            "192.168.30.31/32",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "secret note",
            "nick",
            null);
  }

  @Test
  void theTokensAreWhatPgcryptosHmacGivesSoTheyJoinAcrossTablesAndStores() {
    Visits.create(APP, schema, "signup", 200);
    policy(
        "visits",
        Visits.policy(
            "visits",
            schema,
            "visit",
            "retain: P30D\naction: pseudonymise\ntransform: {email: hmac}"));
    policy(
        "signups",
        Visits.policy(
            "signups",
            schema,
            "signup",
            "retain: P1D\naction: pseudonymise\ntransform: {email: hmac}"));
    var job = jobName("both");
    job(job, Events.job(job, "visits, signups", ""));

    run(job);

    APP.run("CREATE EXTENSION IF NOT EXISTS pgcrypto");
    // every visit transformed has a signup with the same token
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + visits
                    + " v WHERE v.done_at IS NOT NULL AND EXISTS (SELECT 1 FROM "
                    + schema
                    + ".signup s WHERE s.email = v.email AND s.done_at IS NOT NULL)"))
        .isEqualTo(170);
    // and the token is PostgreSQL's own HMAC-SHA256 of the value under the same key
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + visits
                    + " WHERE done_at IS NOT NULL AND email = encode(hmac('user' || subject_id ||"
                    + " '@example.org', '"
                    + TEST_KEY
                    + "', 'sha256'), 'hex')"))
        .isEqualTo(170);
  }

  @Test
  void aSecondRunTransformsNoRowAgainAndTakesOnlyTheNewlyDue() {
    var job = visitsJob(Visits.EVERY_TRANSFORM);
    run(job);
    var before =
        APP.text(
            "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM " + visits + " t WHERE id > 30");

    var next = runs.run(job, AS_OF.plusDays(1), "test", ProgressListener.SILENT).report();

    assertThat(outcome(next, "visits").pseudonymised()).isEqualTo(1); // row 30 came of age
    assertThat(
            APP.text(
                "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM "
                    + visits
                    + " t WHERE id > 30"))
        .as("rows transformed by the first run")
        .isEqualTo(before);
    assertThat(row(30, "email")).containsExactly(tokens.text("user10@example.org"));
  }

  @Test
  void aSecondRunLeavesRowsTheDatabaseTransformedAlone() {
    // only transforms the database computes: one UPDATE per window, and a band of a band would
    // still look right, so the marker is what must keep the row out
    var job =
        visitsJob(
            "retain: P30D\naction: pseudonymise\ntransform: {age: {band: 10}, ip: ip-prefix}");
    run(job);

    var next = runs.run(job, AS_OF.plusDays(3), "test", ProgressListener.SILENT).report();

    assertThat(outcome(next, "visits").pseudonymised()).isEqualTo(3);
    assertThat(
            APP.text(
                "SELECT md5(string_agg(done_at::text, ',' ORDER BY id)) FROM "
                    + visits
                    + " WHERE id > 30"))
        .isEqualTo(
            APP.text(
                "SELECT md5(string_agg(x, ',' ORDER BY id)) FROM (SELECT id, '"
                    + AS_OF
                    + " 00:00:00+00'::timestamptz::text AS x FROM "
                    + visits
                    + " WHERE id > 30) s"));
  }

  @Test
  void aRestartAfterAFailureGoesOnWithoutTransformingAnyRowTwice(CapturedOutput output)
      throws IOException {
    var job =
        visitsJob("retain: P30D\naction: pseudonymise\ntransform: {email: hmac, ip: ip-prefix}");
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".refuse() RETURNS trigger LANGUAGE plpgsql AS $$"
            + " BEGIN RAISE EXCEPTION 'storage failure'; END $$;"
            + "CREATE TRIGGER refuse BEFORE UPDATE ON "
            + visits
            + " FOR EACH ROW WHEN (OLD.id = 150) EXECUTE FUNCTION "
            + schema
            + ".refuse()");

    var failed = run(job);
    assertThat(failed.status()).isEqualTo("FAILED");
    assertThat(outcome(failed, "visits").error())
        .contains("SQLSTATE P0001", "refuse")
        .doesNotContain("storage failure");
    long doneBefore = APP.count("SELECT count(*) FROM " + visits + " WHERE done_at IS NOT NULL");
    assertThat(doneBefore)
        .isEqualTo(outcome(failed, "visits").pseudonymised())
        .isPositive()
        .isLessThan(170);

    APP.run("DROP TRIGGER refuse ON " + visits);
    var restarted = run(job);

    assertThat(restarted.status()).isEqualTo("COMPLETED");
    assertThat(outcome(restarted, "visits").pseudonymised()).isEqualTo(170);
    // a token of a token would not be the token of the subject's e-mail
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + visits
                    + " WHERE done_at IS NOT NULL AND email = CASE subject_id "
                    + caseOfTokens()
                    + " END"))
        .isEqualTo(170);
    assertTheKeyIsNowhere(output);
  }

  @Test
  void heldAndRestrictedRowsAreTransformedInTheFirstRunAfterRelease() {
    var job = visitsJob("retain: P30D\naction: pseudonymise\ntransform: {email: hmac}");
    var hold = holds.place("3", null, null, "LIT-1", "claim", "test");
    restrictions.place("4", "accuracy contested", "test");

    var first = run(job);

    var report = outcome(first, "visits");
    assertThat(report.heldByHolds())
        .isEqualTo(
            APP.count("SELECT count(*) FROM " + visits + " WHERE id > 30 AND subject_id = 3"));
    assertThat(report.heldByRestrictions())
        .isEqualTo(
            APP.count("SELECT count(*) FROM " + visits + " WHERE id > 30 AND subject_id = 4"));
    assertThat(report.pseudonymised() + report.heldByHolds() + report.heldByRestrictions())
        .isEqualTo(170);
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + visits
                    + " WHERE subject_id IN (3, 4) AND done_at IS NULL AND email LIKE '%@example.org'"))
        .isEqualTo(20);

    holds.release(hold.id(), "case closed", "test");
    restrictions.lift("4", "test");
    var next = runs.run(job, AS_OF.plusDays(1), "test", ProgressListener.SILENT).report();

    assertThat(outcome(next, "visits").pseudonymised())
        .isEqualTo(report.heldByHolds() + report.heldByRestrictions() + 1);
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + visits
                    + " WHERE subject_id IN (3, 4) AND id > 29 AND email <> CASE subject_id "
                    + caseOfTokens()
                    + " END"))
        .isZero();
  }

  @Test
  void eachRowGetsTheLatestStageWhoseTimeHasComeAndThePlanSaysSoPerStage() {
    var job =
        visitsJob(
            """
            stages:
              - after: P30D
                action: pseudonymise
                transform: {email: hmac}
              - after: P150D
                action: delete
            """);
    holds.place("5", null, null, "LIT-2", "claim", "test");

    var plan = plans.plan(job, AS_OF);
    var report = run(job);

    assertThat(plan.policies())
        .extracting(Plan.PolicyPlan::step)
        .containsExactly("visits:delete", "visits:pseudonymise");
    var deleted = outcome(report, "visits:delete");
    var pseudonymised = outcome(report, "visits:pseudonymise");
    assertThat(plan.policies().get(0).counts().wouldChange()).isEqualTo(deleted.deleted());
    assertThat(plan.policies().get(1).counts().wouldChange())
        .isEqualTo(pseudonymised.pseudonymised());
    // rows 151-200 are past their delete stage: gone, but for the held subject's (165 and 185),
    // which stay whole: a held row is neither deleted nor transformed
    assertThat(deleted.deleted()).isEqualTo(50 - 2);
    assertThat(APP.count("SELECT count(*) FROM " + visits + " WHERE id > 150 AND done_at IS NULL"))
        .isEqualTo(2);
    // rows 31-150 were pseudonymised, but for the held subject's six
    assertThat(pseudonymised.pseudonymised()).isEqualTo(120 - 6);
    assertThat(
            APP.count("SELECT count(*) FROM " + visits + " WHERE id <= 30 AND done_at IS NOT NULL"))
        .isZero();
  }

  @Test
  void aHoldStillKeepsRowsWhoseSubjectIsAlreadyAToken() {
    var job =
        visitsJob(
            """
            stages:
              - after: P30D
                action: pseudonymise
                transform: {subject_id: hmac}
              - after: P150D
                action: delete
            """);
    run(job);
    long tokenOf7 = tokens.number("7");
    long rowsOf7 = APP.count("SELECT count(*) FROM " + visits + " WHERE subject_id = " + tokenOf7);
    assertThat(rowsOf7).isEqualTo(6); // rows 47, 67, ..., 147

    // a hold placed on subject 7 after its rows became tokens
    holds.place("7", null, null, "LIT-3", "claim", "test");
    var later = runs.run(job, AS_OF.plusDays(100), "test", ProgressListener.SILENT).report();

    // rows 51-150 are now past 150 days, and only subject 7's stay
    assertThat(APP.count("SELECT count(*) FROM " + visits + " WHERE subject_id = " + tokenOf7))
        .isEqualTo(6);
    assertThat(outcome(later, "visits:delete").heldByHolds()).isEqualTo(5);
  }

  /**
   * A text subject's token is of its key without the blanks around it: " x1" became another token
   * than x1's, and a hold on x1 no longer found those rows (found by an outside attack).
   */
  @Test
  void aSubjectsTokenIsOfItsKeyWhateverBlanksItsRowHeld() {
    APP.run(
        ("CREATE TABLE %1$s.note (id int PRIMARY KEY, person text, at timestamptz NOT NULL,"
                + " done_at timestamptz);"
                + " INSERT INTO %1$s.note VALUES (1, 'x1', '2025-06-01', NULL),"
                + " (2, ' x1', '2025-06-01', NULL), (3, E'x1\t', '2025-06-01', NULL),"
                + " (4, 'X1', '2025-06-01', NULL)")
            .formatted(schema));
    policy(
        "notes",
        """
        policy: notes
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %s.note
        key: id
        subject: person
        clock: at
        marker: done_at
        retain: P1D
        action: pseudonymise
        transform: {person: hmac}
        """
            .formatted(schema));
    var job = jobName("notes");
    job(job, Events.job(job, "notes", ""));

    assertThat(run(job).status()).isEqualTo("COMPLETED");

    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".note WHERE person = '"
                    + tokens.text("x1")
                    + "'"))
        .isEqualTo(3);
    // another key, in another case, is another subject
    assertThat(APP.text("SELECT person FROM " + schema + ".note WHERE id = 4"))
        .isEqualTo(tokens.text("X1"));
  }

  @Test
  void aHoldKeepsTokenisedRowsFromAnotherPolicysDeleteToo() {
    policy(
        "visit-tokens",
        Visits.policy(
            "visit-tokens",
            schema,
            "visit",
            "retain: P30D\naction: pseudonymise\ntransform: {subject_id: hmac}"));
    policy(
        "visits",
        Visits.policy("visits", schema, "visit", "retain: P150D\naction: delete")
            .replace("marker: done_at\n", ""));
    var job = jobName("two");
    job(job, Events.job(job, "visits, visit-tokens", ""));
    run(job);
    long tokenOf7 = tokens.number("7");
    holds.place("7", null, null, "LIT-4", "claim", "test");

    var later = runs.run(job, AS_OF.plusDays(100), "test", ProgressListener.SILENT).report();

    assertThat(APP.count("SELECT count(*) FROM " + visits + " WHERE subject_id = " + tokenOf7))
        .isEqualTo(6);
    assertThat(outcome(later, "visits").heldByHolds()).isEqualTo(5);
  }

  @Test
  void theOtherColumnTypesEachTransformAccepts() {
    APP.run(
        ("CREATE TABLE %1$s.kinds (id bigint PRIMARY KEY, seen_at timestamptz NOT NULL,"
                + " subject_id bigint, at_tz timestamptz, at_local timestamp, net cidr, ip6 inet,"
                + " ratio float8, amount numeric(10,2), code char(6), born date, done boolean);"
                + " INSERT INTO %1$s.kinds VALUES (1, timestamptz '2025-01-01 00:00:00+00', 1,"
                + " timestamptz '2025-03-31 23:30:00+00', timestamp '2025-03-17 13:45:00',"
                + " cidr '10.20.30.0/24', inet '2001:db8:1234:5678::1', 3.14159, 1234.56, 'AB1234',"
                + " date '1990-07-04', NULL)")
            .formatted(schema));
    policy(
        "kinds",
        """
        policy: kinds
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %s.kinds
        key: id
        subject: subject_id
        clock: seen_at
        marker: done
        retain: P30D
        action: pseudonymise
        transform:
          at_tz: month
          at_local: day
          net: {ip-prefix: {v4: 16, v6: 32}}
          ip6: ip-prefix
          ratio: {round: 1}
          amount: {band: 500}
          code: {keep-last: 2}
          born: {constant: 1900-01-01}
        """
            .formatted(schema));
    var job = jobName("kinds");
    job(job, Events.job(job, "kinds", ""));

    run(job);

    assertThat(
            APP.row(
                "SELECT at_tz::text, at_local::text, net::text, ip6::text, ratio::text,"
                    + " amount::text, code, born::text, done::text FROM "
                    + schema
                    + ".kinds"))
        .containsExactly(
            // the month of a moment is the run's time zone's (UTC here)
            "2025-03-01 00:00:00+00",
            "2025-03-17 00:00:00",
            "10.20.0.0/16",
            "2001:db8:1234::/48",
            "3.1",
            "1000.00",
            "****34",
            "1900-01-01",
            "true");
  }

  @Test
  void tokensOfTheSameValueMatchAcrossStores() {
    var pagila = new dev.lethe.support.Sql(dev.lethe.support.TestDatabases.url("pagila"));
    pagila.run("CREATE SCHEMA IF NOT EXISTS " + schema);
    pagila.run("DROP TABLE IF EXISTS " + schema + ".visit");
    Visits.create(pagila, schema, "visit", 200);
    policy(
        "visits",
        Visits.policy(
            "visits",
            schema,
            "visit",
            "retain: P30D\naction: pseudonymise\ntransform: {email: hmac}"));
    policy(
        "elsewhere",
        Visits.policy(
                "elsewhere",
                schema,
                "visit",
                "retain: P30D\naction: pseudonymise\ntransform: {email: hmac}")
            .replace("store: app", "store: pagila"));
    var job = jobName("stores");
    job(job, Events.job(job, "visits, elsewhere", ""));

    run(job);

    var here = APP.text("SELECT string_agg(email, ',' ORDER BY id) FROM " + visits);
    var there = pagila.text("SELECT string_agg(email, ',' ORDER BY id) FROM " + schema + ".visit");
    assertThat(here).isEqualTo(there).contains(tokens.text("user0@example.org"));
    pagila.run("DROP SCHEMA " + schema + " CASCADE");
  }

  @Test
  void aColumnAddedSinceTheLastRunIsSeenByTheNextInTheSameProcess() {
    // as in a long-running serve: one run, then the table gains a marker and the policy a stage
    var job = visitsJob("retain: P150D\naction: delete");
    policy(
        "visits",
        Visits.policy("visits", schema, "visit", "retain: P150D\naction: delete")
            .replace("marker: done_at\n", ""));
    run(job);
    APP.run("ALTER TABLE " + visits + " ADD COLUMN masked_at timestamptz");
    policy(
        "visits",
        Visits.policy(
                "visits",
                schema,
                "visit",
                "retain: P30D\naction: pseudonymise\ntransform: {email: hmac}")
            .replace("marker: done_at", "marker: masked_at"));

    var next = runs.run(job, AS_OF.plusDays(1), "test", ProgressListener.SILENT).report();

    assertThat(next.status()).isEqualTo("COMPLETED");
    assertThat(outcome(next, "visits").pseudonymised()).isEqualTo(121);
  }

  private String caseOfTokens() {
    var cases = new StringBuilder();
    for (int s = 0; s < 20; s++) {
      cases
          .append(" WHEN ")
          .append(s)
          .append(" THEN '")
          .append(tokens.text("user" + s + "@example.org"))
          .append("'");
    }
    return cases.toString();
  }

  private void assertTheKeyIsNowhere(CapturedOutput output) throws IOException {
    assertThat(output.getAll()).doesNotContain(TEST_KEY);
    // the reports, and the trail's checkpoints beside them
    try (Stream<Path> reports =
        Files.walk(WORKSPACE.resolve("reports")).filter(Files::isRegularFile)) {
      for (var report : reports.toList()) {
        assertThat(Files.readString(report)).as(report.toString()).doesNotContain(TEST_KEY);
      }
    }
    var stored =
        control
            .sql("SELECT string_agg(report::text, ' ') FROM lethe.run_report")
            .query(String.class)
            .single();
    assertThat(stored).doesNotContain(TEST_KEY).contains(TEST_KEY_ID);
  }
}
