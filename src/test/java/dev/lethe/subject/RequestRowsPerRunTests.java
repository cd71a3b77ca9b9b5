package dev.lethe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.report.ReportText;
import dev.lethe.report.RunReport;
import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.support.LetheTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A run's report lists each request it took up with what that run did for it, as the trail's
 * entries of the run record it: each report listed every request's totals so far, by any run, so
 * the runs of a request kept back by a hold each claimed its earlier runs' rows, and runs that took
 * up the same request at once each claimed the other's (found by an outside attack). One change
 * that deleted some of a subject's rows and pseudonymised others (on-erasure's if-referenced) is
 * one entry: the report counts each part as what it was, not all of it as deleted.
 */
class RequestRowsPerRunTests extends LetheTests {

  @Autowired RequestIntake intake;
  @Autowired RequestService requests;
  @Autowired Validator validator;
  @Autowired dev.lethe.retention.RunHistory history;

  private String person;

  @BeforeEach
  void contactsAndTheirLetters() {
    person = "rrp-" + schema;
    APP.run(
        """
        CREATE TABLE %1$s.contact (id bigint PRIMARY KEY, person text NOT NULL, email text,
          added_at timestamptz NOT NULL, pseudonymised_at timestamptz);
        CREATE TABLE %1$s.letter (id bigint PRIMARY KEY,
          contact_id bigint NOT NULL REFERENCES %1$s.contact (id), person text NOT NULL,
          sent_at timestamptz NOT NULL);
        -- three contacts of the person, the first referenced by a letter; one of someone else
        INSERT INTO %1$s.contact VALUES
          (1, '%2$s', 'a@example.org', '2025-01-01', NULL),
          (2, '%2$s', 'b@example.org', '2025-02-01', NULL),
          (3, '%2$s', 'c@example.org', '2025-03-01', NULL),
          (4, 'someone-else', 'd@example.org', '2025-03-01', NULL);
        INSERT INTO %1$s.letter VALUES (1, 1, '%2$s', '2025-04-01');
        """
            .formatted(schema, person));
    policy(
        "rrp-contacts",
        """
        policy: rrp-contacts
        category: contact-data
        legal-basis: consent
        store: app
        table: %s.contact
        key: id
        subject: person
        clock: added_at
        retain: P10Y
        action: delete
        marker: pseudonymised_at
        on-erasure:
          action: delete
          if-referenced: {email: hmac}
        """
            .formatted(schema));
    policy(
        "rrp-letters",
        """
        policy: rrp-letters
        category: correspondence
        legal-basis: consent
        store: app
        table: %s.letter
        key: id
        subject: person
        clock: sent_at
        retain: P10Y
        action: delete
        """
            .formatted(schema));
  }

  private RunReport runRequests() {
    return runs.run("requests", AS_OF, "test", ProgressListener.SILENT).report();
  }

  private static RunReport.RequestReport listed(RunReport report, long request) {
    return report.requests().stream().filter(r -> r.request() == request).findFirst().orElseThrow();
  }

  @Test
  void eachRunsReportCountsWhatThatRunDidForTheRequest() {
    var hold = holds.place(person, null, "correspondence", "RRP-1", "letters kept", "dpo");
    var request =
        intake.receive(RequestKind.ERASE, person, null, "DSR-RRP", "test", validator.load());

    // the letter is held, so its contact stays without the person; the other two go
    var first = runRequests();
    assertThat(first.status()).isEqualTo("COMPLETED");
    var inFirst = listed(first, request.id());
    assertThat(inFirst.status()).isEqualTo(SubjectRequest.PARTLY_DONE);
    assertThat(inFirst.heldBy()).isEqualTo("RRP-1");
    assertThat(inFirst.deleted()).isEqualTo(2);
    assertThat(inFirst.pseudonymised()).isEqualTo(1);
    // one change, one entry: deleted and pseudonymised as they were, not all deleted
    assertThat(first.requestRowsDeleted()).isEqualTo(2);
    assertThat(first.requestRowsPseudonymised()).isEqualTo(1);
    // and 'lethe runs' shows them (it showed none for a requests run)
    assertThat(history.latest(50))
        .filteredOn(r -> r.run() == first.run())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.deleted()).isEqualTo(2);
              assertThat(r.pseudonymised()).isEqualTo(1);
            });
    assertThat(
            APP.count(
                "SELECT count(*) FROM " + schema + ".contact WHERE person = '" + person + "'"))
        .isOne();

    // tried again while the hold stands: this run did nothing for it, and says so
    var second = runRequests();
    var inSecond = listed(second, request.id());
    assertThat(inSecond.deleted()).isZero();
    assertThat(inSecond.pseudonymised()).isZero();
    assertThat(second.requestRowsDeleted() + second.requestRowsPseudonymised()).isZero();

    holds.release(hold.id(), "case closed", "dpo");
    var third = runRequests();
    var inThird = listed(third, request.id());
    assertThat(inThird.status()).isEqualTo(SubjectRequest.DONE);
    assertThat(inThird.deleted()).isEqualTo(1); // the letter
    assertThat(inThird.pseudonymised()).isZero();
    assertThat(ReportText.render(third)).contains("what this run did for it");

    // the request's own totals are the runs' rows together
    var outcomes = requests.find(request.id()).outcomes();
    assertThat(outcomes.stream().mapToLong(SubjectRequest.Outcome::deleted).sum())
        .isEqualTo(inFirst.deleted() + inSecond.deleted() + inThird.deleted())
        .isEqualTo(3);
    assertThat(outcomes.stream().mapToLong(SubjectRequest.Outcome::pseudonymised).sum())
        .isEqualTo(inFirst.pseudonymised() + inSecond.pseudonymised() + inThird.pseudonymised())
        .isEqualTo(1);
    // nobody else's rows went
    assertThat(
            APP.count(
                "SELECT count(*) FROM " + schema + ".contact WHERE person <> '" + person + "'"))
        .isOne();
  }
}
