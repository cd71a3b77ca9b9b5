package dev.lethe.subject;

import static dev.lethe.support.DemoStores.ANALYTICS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.demo.DemoData;
import dev.lethe.report.RunReport;
import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.support.DemoStores;
import dev.lethe.support.LetheTests;
import dev.lethe.system.BadInputException;
import dev.lethe.transform.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Data-subject requests on the demo's schema, spread over two stores: the back-end tables in {@code
 * app}, the page views in {@code analytics}. Each test takes subjects no other test touches.
 */
class RequestTests extends LetheTests {

  /** The subject's rows, table by table: subject column to table. */
  private static final Map<String, String> APP_TABLES =
      Map.of(
          "accounts.account", "id",
          "billing.payment", "account_id",
          "billing.invoice", "account_id",
          "support.ticket", "account_id",
          "marketing.contact", "account_id",
          "surveys.response", "account_id",
          "social.login", "account_id");

  @Autowired RequestIntake intake;
  @Autowired RequestService requests;
  @Autowired Validator validator;
  @Autowired SuppressionList suppressions;

  private Tokens tokens;

  @BeforeEach
  void demoStoresAndTheirPolicies() throws IOException {
    DemoStores.load();
    DemoStores.copyPolicies(WORKSPACE.resolve("policies"));
    tokens = testTokens();
  }

  private SubjectRequest receive(RequestKind kind, String subject, String purpose) {
    return intake.receive(kind, subject, purpose, "DSR-1", "test", validator.load());
  }

  private RunReport runRequests() {
    return runs.run("requests", DemoData.AS_OF, "test", ProgressListener.SILENT).report();
  }

  /** An account with rows in every table of the app store (ids divisible by 20 have them all). */
  private long accountWithEverything(int nth) {
    return APP.longs(
            "SELECT a.id FROM accounts.account a WHERE a.id % 20 = 0"
                + " AND EXISTS (SELECT 1 FROM billing.payment p WHERE p.account_id = a.id)"
                + " AND EXISTS (SELECT 1 FROM support.ticket t WHERE t.account_id = a.id)"
                + " AND EXISTS (SELECT 1 FROM surveys.response s WHERE s.account_id = a.id)"
                + " ORDER BY a.id")
        .get(nth);
  }

  private long rowsOf(long subject) {
    long rows = 0;
    for (var table : APP_TABLES.entrySet()) {
      rows +=
          APP.count(
              "SELECT count(*) FROM "
                  + table.getKey()
                  + " WHERE "
                  + table.getValue()
                  + " = "
                  + subject);
    }
    return rows + pageViewsOf(subject);
  }

  /** Page views of the subject, under its key or under the token the page-views policy gives it. */
  private long pageViewsOf(long subject) {
    return ANALYTICS.count(
        "SELECT count(*) FROM web.page_view WHERE account_id IN ("
            + subject
            + ", "
            + tokens.number(Long.toString(subject))
            + ")");
  }

  /** As the page-views policy would have done to half of the subject's views: tokens for keys. */
  private void tokeniseHalfOfThePageViews(long subject) {
    ANALYTICS.run(
        "UPDATE web.page_view SET account_id = "
            + tokens.number(Long.toString(subject))
            + ", pseudonymised_at = now() WHERE account_id = "
            + subject
            + " AND id % 2 = 0");
  }

  @Test
  void aRequestsRunAKilledProcessLeftRunningIsEndedByTheNext() {
    var first = runRequests();
    // as a kill -9 leaves it: still STARTED, no end
    control
        .sql(
            "UPDATE batch_job_execution SET status = 'STARTED', exit_code = 'UNKNOWN', end_time ="
                + " NULL WHERE job_execution_id = ?")
        .param(first.run())
        .update();

    var next = runRequests();

    assertThat(next.status()).isEqualTo("COMPLETED");
    assertThat(
            control
                .sql("SELECT status FROM batch_job_execution WHERE job_execution_id = ?")
                .param(first.run())
                .query(String.class)
                .single())
        .isEqualTo("FAILED");
  }

  @Test
  void aRequestsRunALostControlDatabaseLeftUnknownIsEndedByTheNext() {
    var first = runRequests();
    // as a control database lost mid-run leaves it: UNKNOWN, with an end
    control
        .sql(
            "UPDATE batch_job_execution SET status = 'UNKNOWN', exit_code = 'UNKNOWN'"
                + " WHERE job_execution_id = ?")
        .param(first.run())
        .update();

    assertThat(runRequests().status()).isEqualTo("COMPLETED");
    assertThat(
            control
                .sql("SELECT status FROM batch_job_execution WHERE job_execution_id = ?")
                .param(first.run())
                .query(String.class)
                .single())
        .isEqualTo("FAILED");
  }

  @Test
  void afterAnErasureNoRowCarriesTheSubjectButTheLegalRecordsWithoutThePerson() {
    long subject = accountWithEverything(0);
    tokeniseHalfOfThePageViews(subject);
    var email = APP.text("SELECT email FROM accounts.account WHERE id = " + subject);
    long invoices = APP.count("SELECT count(*) FROM billing.invoice WHERE account_id = " + subject);
    long payments = APP.count("SELECT count(*) FROM billing.payment WHERE account_id = " + subject);
    long views = pageViewsOf(subject);
    long others = APP.count("SELECT count(*) FROM support.ticket WHERE account_id <> " + subject);
    assertThat(invoices).isPositive();
    assertThat(views).isPositive();

    var request = receive(RequestKind.ERASE, Long.toString(subject), null);
    var report = runRequests();

    var done = requests.find(request.id());
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
    assertThat(done.deadline())
        .isEqualTo(done.receivedAt().atZone(java.time.ZoneOffset.UTC).toLocalDate().plusMonths(1));
    // in both stores, nothing of the subject but the invoices and payments the law keeps, and the
    // account they still reference, each without the person
    assertThat(pageViewsOf(subject)).isZero();
    for (var table :
        List.of("support.ticket", "marketing.contact", "surveys.response", "social.login")) {
      assertThat(APP.count("SELECT count(*) FROM " + table + " WHERE account_id = " + subject))
          .as(table)
          .isZero();
    }
    assertThat(rowsOf(subject)).isEqualTo(invoices + payments + 1);
    assertThat(
            APP.row(
                "SELECT email, full_name, coalesce(birth_date::text, '-'), coalesce(phone, '-'),"
                    + " (pseudonymised_at IS NOT NULL)::text FROM accounts.account WHERE id = "
                    + subject))
        .containsExactly(tokens.text(email), "(erased)", "-", "-", "true");
    assertThat(
            APP.count(
                "SELECT count(*) FROM billing.invoice WHERE account_id = "
                    + subject
                    + " AND customer_name IS NULL AND customer_email = '"
                    + tokens.text(email)
                    + "' AND billing_address = '(removed)' AND pseudonymised_at IS NOT NULL"))
        .isEqualTo(invoices);
    assertThat(
            APP.count(
                "SELECT count(*) FROM billing.payment WHERE account_id = "
                    + subject
                    + " AND card_number ~ '^\\*+[0-9]{4}$'"))
        .isEqualTo(payments);
    // nobody else's rows went
    assertThat(APP.count("SELECT count(*) FROM support.ticket WHERE account_id <> " + subject))
        .isEqualTo(others);
    // the report names the request by id and token, never by key
    var listed = report.requests().get(0);
    assertThat(listed.request()).isEqualTo(request.id());
    assertThat(listed.subjectToken()).isEqualTo(tokens.text(Long.toString(subject)));
    assertThat(listed.status()).isEqualTo("done");
    assertThat(listed.deleted()).isPositive();
    assertThat(listed.pseudonymised()).isEqualTo(invoices + payments + 1);
  }

  @Test
  void aHoldKeepsWhatItCoversAndItsReleaseCompletesTheRequest() {
    long subject = accountWithEverything(1);
    long before = rowsOf(subject);
    var hold =
        holds.place(Long.toString(subject), null, "payment-data", "TAX-2026-009", "audit", "dpo");

    var request = receive(RequestKind.ERASE, Long.toString(subject), null);
    var report = runRequests();

    var partly = requests.find(request.id());
    assertThat(partly.status()).isEqualTo(SubjectRequest.PARTLY_DONE);
    var held = partly.outcomes().stream().filter(o -> !o.fin()).toList();
    assertThat(held)
        .extracting(SubjectRequest.Outcome::policy)
        .contains("payments", "invoices", "invoice-names");
    assertThat(held).allSatisfy(o -> assertThat(o.heldBy()).isEqualTo("TAX-2026-009"));
    assertThat(report.requests().get(0).heldBy()).isEqualTo("TAX-2026-009");
    assertThat(
            APP.count(
                "SELECT count(*) FROM billing.payment WHERE account_id = "
                    + subject
                    + " AND card_masked_at IS NULL AND card_number !~ '^\\*'"))
        .isPositive();
    assertThat(APP.count("SELECT count(*) FROM support.ticket WHERE account_id = " + subject))
        .isZero();
    // the account stays, referenced by the held payments, without the person
    assertThat(APP.text("SELECT full_name FROM accounts.account WHERE id = " + subject))
        .isEqualTo("(erased)");
    assertThat(rowsOf(subject)).isLessThan(before);

    // tried again while the hold stands: nothing changes, and the trail records no new try
    var trail =
        "SELECT count(*) FROM lethe.audit_entry WHERE detail LIKE 'request " + request.id() + "%'";
    long entries = control.sql(trail).query(Long.class).single();
    runRequests();
    assertThat(control.sql(trail).query(Long.class).single()).isEqualTo(entries);

    holds.release(hold.id(), "audit closed", "dpo");
    runRequests();

    var done = requests.find(request.id());
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
    assertThat(
            APP.count(
                "SELECT count(*) FROM billing.payment WHERE account_id = "
                    + subject
                    + " AND card_number !~ '^\\*+[0-9]{4}$'"))
        .isZero();
    assertThat(
            APP.count(
                "SELECT count(*) FROM billing.invoice WHERE account_id = "
                    + subject
                    + " AND customer_name IS NOT NULL"))
        .isZero();
  }

  @Test
  void aRestrictionDoesNotBlockTheSubjectsOwnErasure() {
    long subject = accountWithEverything(2);
    restrictions.place(Long.toString(subject), "accuracy contested", "dpo");

    var request = receive(RequestKind.ERASE, Long.toString(subject), null);
    runRequests();

    assertThat(requests.find(request.id()).status()).isEqualTo(SubjectRequest.DONE);
    assertThat(APP.count("SELECT count(*) FROM support.ticket WHERE account_id = " + subject))
        .isZero();
  }

  @Test
  void anOpenExportKeepsThePurgeOffTheSubjectAndTheExportHoldsAllItsRowsAndNoOneElses()
      throws IOException {
    // a closed account whose support tickets are past their two years
    long subject =
        APP.longs(
                "SELECT t.account_id FROM support.ticket t WHERE t.closed_at < timestamptz"
                    + " '2024-10-01' AND t.account_id % 20 = 0 GROUP BY t.account_id"
                    + " ORDER BY count(*) DESC, t.account_id")
            .get(0);
    tokeniseHalfOfThePageViews(subject);
    long tickets = APP.count("SELECT count(*) FROM support.ticket WHERE account_id = " + subject);
    long expired =
        APP.count(
            "SELECT count(*) FROM support.ticket WHERE closed_at < timestamptz '2024-11-01' AND"
                + " account_id = "
                + subject);
    long rows = rowsOf(subject);
    var request = receive(RequestKind.EXPORT, Long.toString(subject), null);

    // the purge keeps the subject's expired rows while the export is open
    job(
        jobName("purge"),
        "job: " + jobName("purge") + "\npolicies: [support-requests]\nguards: {max-share: 1}\n");
    var purge =
        runs.run(jobName("purge"), DemoData.AS_OF, "test", ProgressListener.SILENT).report();
    var tickets0 = outcome(purge, "support-requests");
    assertThat(tickets0.heldByRequests()).isEqualTo(expired);
    assertThat(tickets0.deleted()).isPositive();
    assertThat(APP.count("SELECT count(*) FROM support.ticket WHERE account_id = " + subject))
        .isEqualTo(tickets);

    // the export is made
    runRequests();
    var done = requests.find(request.id());
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
    var file = Path.of(done.exportFile());
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    var export = JsonMapper.builder().build().readTree(Files.readString(file));
    long exported = 0;
    var token = tokens.number(Long.toString(subject));
    for (JsonNode policy : export.get("policies")) {
      assertThat(policy.get("category").asString()).isNotBlank();
      assertThat(policy.get("legalBasis").asString()).isNotBlank();
      assertThat(policy.get("retention").size()).isPositive();
      if (policy.has("rows")) {
        for (JsonNode row : policy.get("rows")) {
          exported++;
          var key = row.has("account_id") ? row.get("account_id") : row.get("id");
          assertThat(key.asLong()).as(policy.get("policy").asString()).isIn(subject, token);
        }
      }
    }
    assertThat(exported).isEqualTo(rows);
    assertThat(done.outcomes()).allMatch(SubjectRequest.Outcome::fin);
    // made now, not at the run's as-of midnight, with its offset; readable beside it, as private
    var generated = java.time.OffsetDateTime.parse(export.get("generated").asString());
    assertThat(generated.toInstant())
        .isBetween(
            java.time.Instant.now().minusSeconds(600), java.time.Instant.now().plusSeconds(1));
    java.time.OffsetDateTime.parse(export.get("received").asString());
    var readable = file.resolveSibling(file.getFileName().toString().replace(".json", ".txt"));
    assertThat(Files.getPosixFilePermissions(readable))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(readable))
        .contains("Your data, as held on " + export.get("generated").asString(), "legal basis: ")
        .contains("record 1:");

    // with the export made, the next purge takes the expired rows
    job(
        jobName("again"),
        "job: " + jobName("again") + "\npolicies: [support-requests]\nguards: {max-share: 1}\n");
    runs.run(jobName("again"), DemoData.AS_OF, "test", ProgressListener.SILENT);
    assertThat(APP.count("SELECT count(*) FROM support.ticket WHERE account_id = " + subject))
        .isEqualTo(tickets - expired);
  }

  @Test
  void withdrawingConsentRemovesTheMarketingDataAndKeepsOnlyATokenOfTheAddress() {
    long subject =
        APP.longs(
                "SELECT account_id FROM marketing.contact WHERE account_id % 20 = 10"
                    + " ORDER BY account_id")
            .get(0);
    var email = APP.text("SELECT email FROM marketing.contact WHERE account_id = " + subject);
    long tickets = APP.count("SELECT count(*) FROM support.ticket WHERE account_id = " + subject);

    var request = receive(RequestKind.WITHDRAW_CONSENT, Long.toString(subject), "marketing");
    runRequests();

    assertThat(requests.find(request.id()).status()).isEqualTo(SubjectRequest.DONE);
    assertThat(APP.count("SELECT count(*) FROM marketing.contact WHERE account_id = " + subject))
        .isZero();
    // other purposes' data stays
    assertThat(APP.count("SELECT count(*) FROM support.ticket WHERE account_id = " + subject))
        .isEqualTo(tickets);
    // the suppression list has the address's token, and the address nowhere
    var entries =
        control
            .sql("SELECT purpose || ' ' || key_id || ' ' || token FROM lethe.suppression")
            .query(String.class)
            .list();
    assertThat(entries)
        .containsExactly("marketing " + TEST_KEY_ID + " " + Suppression.token(tokens, email));
    assertThat(String.join(" ", entries)).doesNotContain(email, "@");
    assertThat(
            suppressions.contains(
                "marketing", TEST_KEY_ID, Suppression.token(tokens, " " + email.toUpperCase())))
        .isTrue();
    assertThat(
            suppressions.contains(
                "marketing", TEST_KEY_ID, Suppression.token(tokens, "someone@else.be")))
        .isFalse();
  }

  @Test
  void anUnknownSubjectCompletesWithNoDataHeldInEveryStore() {
    var request = receive(RequestKind.ERASE, "987654", null);
    runRequests();

    var done = requests.find(request.id());
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
    assertThat(done.outcomes()).hasSize(10).allMatch(o -> o.outcome().equals("no data held"));
    assertThat(done.outcomes())
        .extracting(SubjectRequest.Outcome::store)
        .contains("app", "analytics");
  }

  @Test
  void badRequestsAreRefusedWithAReasonAndRecordNothing() {
    assertThatThrownBy(() -> receive(RequestKind.ERASE, "abc", null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cannot be a subject key")
        .hasMessageContaining("Fix:")
        .hasMessageNotContaining("abc");
    assertThatThrownBy(() -> receive(RequestKind.ERASE, " ", null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--subject is missing");
    assertThatThrownBy(() -> receive(RequestKind.WITHDRAW_CONSENT, "12", "newsletters"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("unknown purpose 'newsletters'")
        .hasMessageContaining("[marketing, survey-data]");
    assertThat(requests.list(false, false, LocalDate.now())).isEmpty();

    receive(RequestKind.EXPORT, "12", null);
    assertThatThrownBy(() -> receive(RequestKind.EXPORT, "12", null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("already has an open export request");
    assertThat(requests.list(false, false, LocalDate.now())).hasSize(1);
  }

  @Test
  void aFailedRequestRunIsFinishedByTheNextAndNothingIsAppliedTwice() {
    long subject = accountWithEverything(3);
    var email = APP.text("SELECT email FROM accounts.account WHERE id = " + subject);
    long invoices = APP.count("SELECT count(*) FROM billing.invoice WHERE account_id = " + subject);
    // the survey table refuses the delete once: the run fails half-way
    APP.run(
        "CREATE FUNCTION surveys.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " RAISE EXCEPTION 'disk full'; END $$;"
            + " CREATE TRIGGER refuse BEFORE DELETE ON surveys.response FOR EACH ROW"
            + " WHEN (OLD.account_id = "
            + subject
            + ") EXECUTE FUNCTION surveys.refuse()");
    try {
      var request = receive(RequestKind.ERASE, Long.toString(subject), null);
      var other = receive(RequestKind.ERASE, "987655", null);
      var failed = runRequests();
      assertThat(failed.status()).isEqualTo("FAILED");
      assertThat(failed.exitMessage())
          .contains("request(s) [" + request.id() + "] could not be carried out", "Fix:");
      var partly = requests.find(request.id());
      assertThat(partly.done()).isFalse();
      assertThat(partly.outcomes()).anyMatch(SubjectRequest.Outcome::fin);
      // the failure held up no other request
      assertThat(requests.find(other.id()).done()).isTrue();
      assertThat(failed.requests())
          .extracting(RunReport.RequestReport::request)
          .containsExactlyInAnyOrder(request.id(), other.id());

      APP.run("DROP TRIGGER refuse ON surveys.response; DROP FUNCTION surveys.refuse()");
      runRequests();
      runRequests();

      var done = requests.find(request.id());
      assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
      // the e-mail on the invoices was tokenised once: a second time would give a token of a token
      assertThat(
              APP.count(
                  "SELECT count(*) FROM billing.invoice WHERE account_id = "
                      + subject
                      + " AND customer_email = '"
                      + tokens.text(email)
                      + "'"))
          .isEqualTo(invoices);
      assertThat(done.outcomes().stream().mapToLong(SubjectRequest.Outcome::pseudonymised).sum())
          .isEqualTo(
              invoices
                  + APP.count("SELECT count(*) FROM billing.payment WHERE account_id = " + subject)
                  + 1);
      assertThat(APP.count("SELECT count(*) FROM surveys.response WHERE account_id = " + subject))
          .isZero();
    } finally {
      APP.run(
          "DROP TRIGGER IF EXISTS refuse ON surveys.response; DROP FUNCTION IF EXISTS surveys.refuse()");
    }
  }

  @Test
  void everyRunReportsTheRequestsPastTheirDeadline() {
    var late = receive(RequestKind.EXPORT, "61", null);
    receive(RequestKind.EXPORT, "63", null);
    control
        .sql("UPDATE lethe.subject_request SET deadline = date '2026-10-01' WHERE id = ?")
        .param(late.id())
        .update();
    job(
        jobName("purge"),
        "job: " + jobName("purge") + "\npolicies: [social-logins]\nguards: {max-share: 1}\n");

    var report =
        runs.run(jobName("purge"), DemoData.AS_OF, "test", ProgressListener.SILENT).report();

    assertThat(report.requests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.request()).isEqualTo(late.id());
              assertThat(r.overdue()).isTrue();
              assertThat(r.handled()).isFalse();
              assertThat(r.status()).isEqualTo(SubjectRequest.OPEN);
              assertThat(r.subjectToken()).isEqualTo(tokens.text("61"));
            });
    assertThat(requests.list(false, true, DemoData.AS_OF))
        .extracting(SubjectRequest::id)
        .containsExactly(late.id());
    assertThat(requests.list(true, false, DemoData.AS_OF)).hasSize(2);
  }

  @Test
  void twoRunnersAtOnceCarryOutEachRequestOnceAndRecordItOnce() throws Exception {
    var received = new java.util.ArrayList<SubjectRequest>();
    for (int n = 10; n < 30; n++) {
      received.add(receive(RequestKind.ERASE, Long.toString(accountWithEverything(n)), null));
    }
    var job = jobName("with-requests");
    job(
        job,
        "job: " + job + "\nrequests: true\npolicies: [social-logins]\nguards: {max-share: 1}\n");

    // a job that carries out requests, and 'lethe run requests', at the same time
    var one =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> runs.run(job, DemoData.AS_OF, "test", ProgressListener.SILENT));
    var two =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> runs.run("requests", DemoData.AS_OF, "test", ProgressListener.SILENT));
    one.get();
    two.get();
    runRequests(); // whatever one runner left to the other is done now

    for (var request : received) {
      var done = requests.find(request.id());
      assertThat(done.status()).as("request " + request.id()).isEqualTo(SubjectRequest.DONE);
      assertThat(
              control
                  .sql(
                      "SELECT count(*) FROM lethe.audit_entry WHERE kind = 'request' AND action ="
                          + " 'done' AND detail = ?")
                  .param("request " + request.id() + ", erase")
                  .query(Long.class)
                  .single())
          .as("done entries of request " + request.id())
          .isOne();
      // no outcome says there was nothing where rows were deleted
      assertThat(done.outcomes())
          .noneMatch(o -> o.outcome().equals("no data held") && o.deleted() > 0);
      assertThat(done.outcomes().stream().mapToLong(o -> o.deleted()).sum()).isPositive();
    }
  }
}
