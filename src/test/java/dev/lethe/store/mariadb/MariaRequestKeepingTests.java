package dev.lethe.store.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.subject.RequestIntake;
import dev.lethe.subject.RequestKind;
import dev.lethe.subject.RequestService;
import dev.lethe.subject.SubjectRequest;
import dev.lethe.support.LetheTests;
import dev.lethe.support.MariaDb;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * On MariaDB as on PostgreSQL, a request ends processing for what it asks and nothing that another
 * purpose or the law still keeps.
 */
class MariaRequestKeepingTests extends LetheTests {

  @Autowired Validator validator;
  @Autowired RequestIntake intake;
  @Autowired RequestService requests;

  private String customers;
  private String invoices;

  @BeforeEach
  void customersAndInvoices() {
    MariaDb.require();
    customers = "customer_" + schema;
    invoices = "invoice_" + schema;
    MariaDb.run(
        """
        CREATE TABLE %1$s (id BIGINT PRIMARY KEY, email VARCHAR(100), full_name VARCHAR(100),
          marketing_opt_in TINYINT NOT NULL, opted_in_at DATETIME, closed_at DATETIME);
        INSERT INTO %1$s VALUES (1, 'one@example.org', 'One', 1, '2024-01-01', NULL),
          (3, 'three@example.org', 'Three', 1, '2022-01-01', '2023-01-01');
        CREATE TABLE %2$s (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL,
          issued_at DATETIME NOT NULL);
        INSERT INTO %2$s VALUES (1, 1, '2025-03-01'), (2, 1, '2020-03-01'), (3, 1, '2018-03-01');
        """
            .formatted(customers, invoices));
    policy(
        "m-marketing",
        """
        policy: m-marketing
        category: marketing
        legal-basis: consent
        store: maria
        table: %s
        key: id
        subject: id
        contact: email
        clock: opted_in_at
        retain: P3Y
        action: delete
        where:
          - column: marketing_opt_in
            equals: 1
        """
            .formatted(customers));
    policy(
        "m-customers",
        """
        policy: m-customers
        category: account-data
        legal-basis: contract
        store: maria
        table: %s
        key: id
        subject: id
        clock: closed_at
        retain: P2Y
        action: delete
        """
            .formatted(customers));
    policy(
        "m-invoices",
        """
        policy: m-invoices
        category: payment-data
        legal-basis: legal-obligation
        store: maria
        table: %s
        key: id
        subject: customer_id
        clock: issued_at
        retain: P7Y
        action: delete
        """
            .formatted(invoices));
  }

  private SubjectRequest carryOut(RequestKind kind, long subject, String purpose) {
    var request =
        intake.receive(
            kind, Long.toString(subject), purpose, "DSR-" + subject, "test", validator.load());
    runs.run("requests", AS_OF, "test", ProgressListener.SILENT);
    return requests.find(request.id());
  }

  @Test
  void aWithdrawalLeavesTheOpenAccountAndTakesTheOneNoOtherPurposeKeeps() {
    var open = carryOut(RequestKind.WITHDRAW_CONSENT, 1, "marketing");
    carryOut(RequestKind.WITHDRAW_CONSENT, 3, "marketing");

    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM "
                    + customers
                    + " WHERE id = 1 AND email = 'one@example.org' AND full_name = 'One'"))
        .isEqualTo(1);
    assertThat(MariaDb.count("SELECT count(*) FROM " + customers + " WHERE id = 3")).isZero();
    assertThat(open.outcomes())
        .filteredOn(o -> o.policy().equals("m-marketing"))
        .singleElement()
        .satisfies(o -> assertThat(o.outcome()).contains("kept 1", "m-customers (contract)"));
  }

  @Test
  void anErasureKeepsWhatTheLegalObligationStillKeeps() {
    var done = carryOut(RequestKind.ERASE, 1, null);

    assertThat(MariaDb.count("SELECT count(*) FROM " + invoices + " WHERE customer_id = 1"))
        .isEqualTo(2);
    assertThat(MariaDb.count("SELECT count(*) FROM " + invoices + " WHERE id = 3")).isZero();
    assertThat(MariaDb.count("SELECT count(*) FROM " + customers + " WHERE id = 1")).isZero();
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
    assertThat(done.outcomes())
        .filteredOn(o -> o.policy().equals("m-invoices"))
        .singleElement()
        .satisfies(
            o -> assertThat(o.outcome()).contains("kept 2", "m-invoices (legal-obligation)"));
  }

  @Test
  void aHoldKeepsRowsWhoseSubjectColumnAStageMadeAToken() {
    var visits = "tvisit_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + visits
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, seen_at DATETIME NOT NULL,"
            + " pseudonymised_at DATETIME NULL);\n"
            + "INSERT INTO "
            + visits
            + " SELECT seq, seq % 20, TIMESTAMP '2026-01-01 00:00:00' - INTERVAL seq DAY, NULL"
            + " FROM seq_1_to_400");
    policy(
        "m-visits",
        """
        policy: m-visits
        category: usage-data
        legal-basis: legitimate-interest
        store: maria
        table: %s
        key: id
        subject: subject_id
        clock: seen_at
        marker: pseudonymised_at
        stages:
          - {after: P30D, action: pseudonymise, transform: {subject_id: hmac}}
          - {after: P1Y, action: delete}
        """
            .formatted(visits));
    var job = jobName("tvisits");
    job(job, "job: " + job + "\npolicies: [m-visits]\nguards: {max-share: 1}\n");
    // the first run makes the subject column tokens; then a hold on subject 3
    run(job);
    var token = testTokens().number("3");
    long held =
        MariaDb.count("SELECT count(*) FROM " + visits + " WHERE subject_id IN (3, " + token + ")");
    assertThat(held).isPositive();
    // written as 03: subject 3 of a number column all the same
    holds.place("03", null, null, "LIT-T", "court", "dpo");

    // half a year later, the delete stage reaches the tokenised rows
    runs.run(job, AS_OF.plusMonths(6), "test", ProgressListener.SILENT);

    assertThat(
            MariaDb.count(
                "SELECT count(*) FROM " + visits + " WHERE subject_id IN (3, " + token + ")"))
        .isEqualTo(held);
    // everyone else's rows past the year went
    var due = " WHERE seen_at < TIMESTAMP '2025-07-01 00:00:00'";
    assertThat(MariaDb.count("SELECT count(*) FROM " + visits + due))
        .isPositive()
        .isEqualTo(
            MariaDb.count(
                "SELECT count(*) FROM " + visits + due + " AND subject_id IN (3, " + token + ")"));
  }

  @Test
  void anErasureOfAKeyThatIsNoNumberLeavesSubjectZeroOfANumberColumnAlone() {
    // customer 0, under policies no erasure yields to; a key such as user@x fits only text columns
    MariaDb.run(
        "INSERT INTO " + customers + " VALUES (0, 'zero@example.org', 'Zero', 0, NULL, NULL)");
    var people = "people_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + people
            + " (id BIGINT PRIMARY KEY, login VARCHAR(100), seen_at DATETIME);\n"
            + "INSERT INTO "
            + people
            + " VALUES (1, 'user@x', '2025-01-01')");
    policy(
        "m-people",
        """
        policy: m-people
        category: account-data
        legal-basis: contract
        store: maria
        table: %s
        key: id
        subject: login
        clock: seen_at
        retain: P2Y
        action: delete
        """
            .formatted(people));
    var request =
        intake.receive(RequestKind.ERASE, "user@x", null, "DSR-X", "test", validator.load());
    runs.run("requests", AS_OF, "test", ProgressListener.SILENT);

    assertThat(requests.find(request.id()).status()).isEqualTo(SubjectRequest.DONE);
    assertThat(MariaDb.count("SELECT count(*) FROM " + people)).isZero();
    assertThat(MariaDb.count("SELECT count(*) FROM " + customers + " WHERE id = 0")).isEqualTo(1);
  }
}
