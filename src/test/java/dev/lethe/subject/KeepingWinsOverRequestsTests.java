package dev.lethe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.support.LetheTests;
import dev.lethe.transform.Tokens;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A request ends processing for what it asks, and nothing that another purpose or the law still
 * keeps. Customers carry a consent-based marketing policy and a contract policy whose clock is the
 * account's closing date: an open account never ages, so a withdrawal of marketing consent leaves
 * it as it is. Invoices are kept seven years by a legal obligation that says nothing of erasure.
 */
class KeepingWinsOverRequestsTests extends LetheTests {

  @Autowired RequestIntake intake;
  @Autowired RequestService requests;
  @Autowired Validator validator;
  @Autowired SuppressionList suppressions;

  private Tokens tokens;

  @BeforeEach
  void customersOrdersAndInvoices() {
    tokens = testTokens();
    APP.run(
        """
        CREATE TABLE %1$s.customer (id bigint PRIMARY KEY, email text, full_name text, phone text,
          marketing_opt_in boolean NOT NULL, opted_in_at timestamptz, closed_at timestamptz,
          pseudonymised_at timestamptz);
        CREATE TABLE %1$s.orders (id bigint PRIMARY KEY,
          customer_id bigint NOT NULL REFERENCES %1$s.customer (id), placed_at timestamptz);
        CREATE TABLE %1$s.invoice (id bigint PRIMARY KEY, customer_id bigint NOT NULL,
          amount numeric NOT NULL, issued_at timestamptz NOT NULL);
        -- 1 and 2 open, 2 with orders; 3 and 4 closed three years ago, 4 with orders;
        -- 5 closed half a year ago; 6 open, never opted in
        INSERT INTO %1$s.customer VALUES
          (1, 'one@example.org', 'One', '+32 1', true, '2024-01-01', NULL, NULL),
          (2, 'two@example.org', 'Two', '+32 2', true, '2024-01-01', NULL, NULL),
          (3, 'three@example.org', 'Three', '+32 3', true, '2022-01-01', '2023-01-01', NULL),
          (4, 'four@example.org', 'Four', '+32 4', true, '2022-01-01', '2023-01-01', NULL),
          (5, 'five@example.org', 'Five', '+32 5', true, '2022-01-01', '2025-07-01', NULL),
          (6, 'six@example.org', 'Six', '+32 6', false, NULL, NULL, NULL);
        INSERT INTO %1$s.orders VALUES (1, 2, '2025-12-01'), (2, 4, '2022-06-01');
        -- invoices of customer 1: two within the seven years, one older
        INSERT INTO %1$s.invoice VALUES (1, 1, 10, '2025-03-01'), (2, 1, 20, '2020-03-01'),
          (3, 1, 30, '2018-03-01'), (4, 2, 40, '2025-03-01');
        """
            .formatted(schema));
    policy(
        "marketing-contacts",
        """
        policy: marketing-contacts
        category: marketing
        legal-basis: consent
        store: app
        table: %s.customer
        key: id
        subject: id
        contact: email
        clock: opted_in_at
        retain: P3Y
        action: delete
        marker: pseudonymised_at
        where:
          - column: marketing_opt_in
            equals: true
        on-erasure:
          action: delete
          if-referenced: {email: hmac, full_name: {constant: "(erased)"}, phone: null}
        """
            .formatted(schema));
    policy(
        "closed-customers",
        """
        policy: closed-customers
        category: account-data
        legal-basis: contract
        store: app
        table: %s.customer
        key: id
        subject: id
        clock: closed_at
        retain: P2Y
        action: delete
        """
            .formatted(schema));
    policy(
        "invoices",
        """
        policy: invoices
        category: payment-data
        legal-basis: legal-obligation
        store: app
        table: %s.invoice
        key: id
        subject: customer_id
        clock: issued_at
        retain: P7Y
        action: delete
        """
            .formatted(schema));
    policy(
        "invoice-marketing",
        """
        policy: invoice-marketing
        category: marketing
        legal-basis: consent
        store: app
        table: %s.invoice
        key: id
        subject: customer_id
        clock: issued_at
        retain: P10Y
        action: delete
        """
            .formatted(schema));
  }

  private SubjectRequest receive(RequestKind kind, long subject, String purpose) {
    return intake.receive(
        kind, Long.toString(subject), purpose, "DSR-" + subject, "test", validator.load());
  }

  private void runRequests() {
    runs.run("requests", AS_OF, "test", ProgressListener.SILENT);
  }

  private List<String> customer(long id) {
    return APP.row(
        "SELECT coalesce(email, '-'), coalesce(full_name, '-'), coalesce(phone, '-'),"
            + " (pseudonymised_at IS NOT NULL)::text FROM "
            + schema
            + ".customer WHERE id = "
            + id);
  }

  private long customers(long id) {
    return APP.count("SELECT count(*) FROM " + schema + ".customer WHERE id = " + id);
  }

  @Test
  void aWithdrawalLeavesWhatTheContractStillKeepsAsItIs() {
    var before = List.of(customer(1), customer(2), customer(5));
    var withdrawals = new java.util.ArrayList<SubjectRequest>();
    for (long id = 1; id <= 5; id++) {
      withdrawals.add(receive(RequestKind.WITHDRAW_CONSENT, id, "marketing"));
    }

    runRequests();

    // open accounts, and one closed less than two years ago: the contract keeps them, untouched
    assertThat(List.of(customer(1), customer(2), customer(5))).isEqualTo(before);
    // closed three years ago: no other purpose keeps it, so it goes as the consent policy says
    assertThat(customers(3)).isZero();
    // ... unless still referenced: then without the person, as on-erasure.if-referenced says
    assertThat(customer(4))
        .containsExactly(tokens.text("four@example.org"), "(erased)", "-", "true");
    // every address is on the suppression list, whatever stayed
    for (var address : List.of("one@example.org", "two@example.org", "five@example.org")) {
      assertThat(
              suppressions.contains("marketing", TEST_KEY_ID, Suppression.token(tokens, address)))
          .as(address)
          .isTrue();
    }
    // the outcome says what was kept and by which policy
    var first = requests.find(withdrawals.get(0).id());
    assertThat(first.status()).isEqualTo(SubjectRequest.DONE);
    assertThat(first.outcomes())
        .filteredOn(o -> o.policy().equals("marketing-contacts"))
        .singleElement()
        .satisfies(o -> assertThat(o.outcome()).contains("kept 1", "closed-customers"));
    // the invoices stay for the legal obligation, whatever the consent policy on them says
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".invoice WHERE customer_id = 1"))
        .isEqualTo(2);
  }

  /**
   * A legal obligation on one partition keeps the subject's rows there, and only there, against an
   * erasure through the parent's policy. Found by an outside attack: the partition's keeper kept
   * every row of the parent (all it had not let go itself), so the erasure removed nothing and the
   * request said done.
   */
  @Test
  void anErasureKeepsWhatALegalObligationOnOnePartitionKeepsAndTakesTheRest() {
    APP.run(
        ("CREATE TABLE %1$s.visit (id bigint, subject_id bigint NOT NULL, seen_at timestamptz NOT"
                + " NULL, PRIMARY KEY (id, seen_at)) PARTITION BY RANGE (seen_at);"
                + " CREATE TABLE %1$s.visit_jan PARTITION OF %1$s.visit FOR VALUES FROM"
                + " ('2025-01-01 00:00+00') TO ('2025-02-01 00:00+00');"
                + " CREATE TABLE %1$s.visit_feb PARTITION OF %1$s.visit FOR VALUES FROM"
                + " ('2025-02-01 00:00+00') TO ('2025-03-01 00:00+00');"
                + " INSERT INTO %1$s.visit SELECT i, i %% 3 + 910001, timestamptz '2025-01-01 00:00+00'"
                + " + i * interval '1 hour' FROM generate_series(0, 1400) i")
            .formatted(schema));
    for (var p :
        List.of(
            List.of("visits-short", "visit", "legitimate-interest", "P30D"),
            List.of("visits-february", "visit_feb", "legal-obligation", "P10Y"))) {
      policy(
          p.get(0),
          """
          policy: %2$s
          category: usage-data
          legal-basis: %4$s
          store: app
          table: %1$s.%3$s
          key: [id, seen_at]
          subject: subject_id
          clock: seen_at
          retain: %5$s
          action: delete
          """
              .formatted(schema, p.get(0), p.get(1), p.get(2), p.get(3)));
    }
    // subjects of their own: the shared control database keeps other tests' holds and restrictions
    long february =
        APP.count("SELECT count(*) FROM " + schema + ".visit_feb WHERE subject_id = 910001");
    long others = APP.count("SELECT count(*) FROM " + schema + ".visit WHERE subject_id <> 910001");
    var request = receive(RequestKind.ERASE, 910001, null);

    runRequests();

    assertThat(APP.count("SELECT count(*) FROM " + schema + ".visit_jan WHERE subject_id = 910001"))
        .isZero();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".visit_feb WHERE subject_id = 910001"))
        .isEqualTo(february)
        .isPositive();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".visit WHERE subject_id <> 910001"))
        .isEqualTo(others);
    var done = requests.find(request.id());
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
    assertThat(done.outcomes())
        .filteredOn(o -> o.policy().equals("visits-short"))
        .singleElement()
        .satisfies(o -> assertThat(o.outcome()).contains("kept " + february, "visits-february"));
  }

  /**
   * An erasure takes the subject's rows stored with blanks around its key too, as holds spare them
   * and the trail records them (found by an outside attack: " e1" stayed, and the outcome did not
   * say so).
   */
  @Test
  void anErasureTakesTheRowsStoredWithBlanksAroundTheKey() {
    APP.run(
        ("CREATE TABLE %1$s.note (id bigint PRIMARY KEY, subject text, written_at timestamptz NOT"
                + " NULL); INSERT INTO %1$s.note VALUES (1, 'e910', now()), (2, ' e910', now()),"
                + " (3, E'e910\\t', now()), (4, 'e911', now()), (5, 'e9100', now())")
            .formatted(schema));
    policy(
        "notes-erasable",
        """
        policy: notes-erasable
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %s.note
        key: id
        subject: subject
        clock: written_at
        retain: P10Y
        action: delete
        """
            .formatted(schema));
    var request =
        intake.receive(RequestKind.ERASE, "e910", null, "DSR-E910", "test", validator.load());

    runRequests();

    assertThat(APP.longs("SELECT id FROM " + schema + ".note ORDER BY id")).containsExactly(4L, 5L);
    var done = requests.find(request.id());
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
    assertThat(done.outcomes())
        .filteredOn(o -> o.policy().equals("notes-erasable"))
        .singleElement()
        .satisfies(o -> assertThat(o.deleted()).isEqualTo(3));
  }

  @Test
  void anErasureKeepsWhatALegalObligationStillKeeps() {
    var request = receive(RequestKind.ERASE, 1, null);

    runRequests();

    // the invoices within their seven years stay, as they are; the older one goes
    assertThat(APP.longs("SELECT id FROM " + schema + ".invoice WHERE customer_id = 1 ORDER BY id"))
        .containsExactly(1L, 2L);
    // the customer has no legal obligation behind it: it goes
    assertThat(customers(1)).isZero();
    var done = requests.find(request.id());
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
    assertThat(done.outcomes())
        .filteredOn(o -> o.policy().equals("invoices"))
        .singleElement()
        .satisfies(o -> assertThat(o.outcome()).contains("kept 2", "invoices", "legal-obligation"));
  }

  @Test
  void validateSaysWhatAWithdrawalAndAnErasureWillAndWillNotRemove() {
    var warnings =
        validator.validate().problems().warnings().stream().map(Object::toString).toList();

    assertThat(warnings)
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains(
                        "A withdrawal of consent for 'marketing' removes a subject's rows under"
                            + " 'marketing-contacts' but not those 'closed-customers' (contract)"
                            + " still keeps",
                        "P2Y from closed_at",
                        "An erasure removes a subject's rows under both."));
    assertThat(warnings)
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains(
                        "'invoice-marketing' but not those 'invoices' (legal-obligation)",
                        "An erasure removes a subject's rows except those that 'invoices'"
                            + " (legal-obligation) has not let go (before its P7Y from issued_at"
                            + " has run), which stay as they are."));
  }

  @Test
  void aCascadeNeverTakesWhatALegalObligationKeepsNeitherInAnErasureNorInAPurge() {
    // accounts whose contract ended years ago; their invoices cascade with them, and the law
    // keeps the invoices seven years
    APP.run(
        """
        CREATE TABLE %1$s.account (id bigint PRIMARY KEY, closed_at timestamptz);
        CREATE TABLE %1$s.bill (id bigint PRIMARY KEY,
          account_id bigint NOT NULL REFERENCES %1$s.account (id) ON DELETE CASCADE,
          issued_at timestamptz NOT NULL);
        INSERT INTO %1$s.account VALUES (1, '2015-01-01'), (2, '2015-01-01'), (3, '2015-01-01');
        INSERT INTO %1$s.bill VALUES (10, 1, '2024-01-01'), (20, 2, '2010-01-01');
        """
            .formatted(schema));
    policy(
        "accounts",
        """
        policy: accounts
        category: account-data
        legal-basis: contract
        store: app
        table: %s.account
        key: id
        subject: id
        clock: closed_at
        retain: P2Y
        action: delete
        allow-cascade: true
        """
            .formatted(schema));
    policy(
        "bills",
        """
        policy: bills
        category: payment-data
        legal-basis: legal-obligation
        store: app
        table: %s.bill
        key: id
        subject: account_id
        clock: issued_at
        retain: P7Y
        action: delete
        """
            .formatted(schema));
    job(jobName("accounts"), dev.lethe.support.Events.job(jobName("accounts"), "accounts", ""));

    // an erasure of account 1: its bill of 2024 is kept, so the account stays under it
    var request = receive(RequestKind.ERASE, 1, null);
    runRequests();
    assertThat(APP.longs("SELECT id FROM " + schema + ".bill ORDER BY id")).contains(10L);
    assertThat(customersOrAccounts(1)).isEqualTo(1);
    assertThat(requests.find(request.id()).outcomes())
        .filteredOn(o -> o.policy().equals("bills"))
        .singleElement()
        .satisfies(o -> assertThat(o.outcome()).contains("kept 1"));

    // the purge: account 2's only bill is past its seven years, account 3 has none: both go;
    // account 1 stays, referenced by the bill the law keeps
    var report = run(jobName("accounts"));
    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(APP.longs("SELECT id FROM " + schema + ".account ORDER BY id")).containsExactly(1L);
    assertThat(APP.longs("SELECT id FROM " + schema + ".bill ORDER BY id")).containsExactly(10L);
    assertThat(outcome(report, "accounts").referenced()).isEqualTo(1);
  }

  private long customersOrAccounts(long id) {
    return APP.count("SELECT count(*) FROM " + schema + ".account WHERE id = " + id);
  }

  @Test
  void aWithdrawalReachesTheRowsOfItsPurposeOnlyWhereOtherPurposesShareTheTable() {
    APP.run(
        """
        CREATE TABLE %1$s.consent (id bigint PRIMARY KEY, subject_id bigint, purpose text,
          email text, given_at timestamptz);
        INSERT INTO %1$s.consent VALUES (1, 7, 'marketing', 'm@x.org', '2025-01-01'),
          (2, 7, 'newsletter', 'n@x.org', '2025-01-01'), (3, 7, 'research', 'r@x.org', '2025-01-01');
        """
            .formatted(schema));
    for (var purpose : List.of("marketing", "research")) {
      policy(
          "consent-" + purpose,
          """
          policy: consent-%1$s
          category: %1$s
          legal-basis: consent
          store: app
          table: %2$s.consent
          key: id
          subject: subject_id
          contact: email
          clock: given_at
          retain: P5Y
          action: delete
          where:
            - column: purpose
              equals: %1$s
          """
              .formatted(purpose, schema));
    }

    receive(RequestKind.WITHDRAW_CONSENT, 7, "marketing");
    runRequests();

    // the marketing row goes; the newsletter row (no policy's) and the research row stay
    assertThat(APP.longs("SELECT id FROM " + schema + ".consent ORDER BY id"))
        .containsExactly(2L, 3L);
    assertThat(
            suppressions.contains("marketing", TEST_KEY_ID, Suppression.token(tokens, "m@x.org")))
        .isTrue();
    for (var other : List.of("n@x.org", "r@x.org")) {
      assertThat(suppressions.contains("marketing", TEST_KEY_ID, Suppression.token(tokens, other)))
          .as(other)
          .isFalse();
    }
  }

  @Test
  void aNumberIsOneSubjectHoweverItIsWrittenInAHoldAndInARequest() {
    // a hold on "06", an erasure of 6; a hold on 5, an erasure of " +05"
    var before6 = customer(6);
    var before5 = customer(5);
    holds.place("06", null, null, "LIT-ZERO", "written with a zero", "dpo");
    holds.place("5", null, null, "LIT-FIVE", "written plainly", "dpo");
    var six = intake.receive(RequestKind.ERASE, "6", null, "DSR-6", "test", validator.load());
    var five = intake.receive(RequestKind.ERASE, " +05", null, "DSR-5", "test", validator.load());

    runRequests();

    assertThat(customer(6)).isEqualTo(before6);
    assertThat(customer(5)).isEqualTo(before5);
    assertThat(requests.find(six.id()).outcomes())
        .anySatisfy(o -> assertThat(o.heldBy()).isEqualTo("LIT-ZERO"));
    assertThat(requests.find(five.id()).outcomes())
        .anySatisfy(o -> assertThat(o.heldBy()).isEqualTo("LIT-FIVE"));
  }

  @Test
  void aHoldPlacedWhileAnErasureWaitsForAnApplicationsLockKeepsTheRows() throws Exception {
    var request = receive(RequestKind.ERASE, 6, null);
    var before = customer(6);
    try (var x = java.sql.DriverManager.getConnection(dev.lethe.support.TestDatabases.url("app"))) {
      x.setAutoCommit(false);
      try (var s = x.createStatement()) {
        s.execute("SET application_name = 'crm-app'");
        s.execute("SELECT * FROM " + schema + ".customer WHERE id = 6 FOR UPDATE");
      }
      var running = java.util.concurrent.CompletableFuture.runAsync(this::runRequests);
      // the erasure waits for the application's lock on customer 6
      awaitLetheWaitingOnAnAppLock();
      // compliance places a hold meanwhile; then the application lets go
      holds.place("6", null, null, "LIT-MID", "a claim came in", "dpo");
      x.rollback();
      running.get();
    }

    assertThat(customer(6)).isEqualTo(before);
    var outcome = requests.find(request.id());
    assertThat(outcome.status()).isEqualTo(SubjectRequest.PARTLY_DONE);
    assertThat(outcome.outcomes())
        .filteredOn(o -> o.policy().equals("closed-customers"))
        .singleElement()
        .satisfies(o -> assertThat(o.heldBy()).isEqualTo("LIT-MID"));
  }

  @Test
  void anErasureThatWaitsLongerThanTheLockTimeoutStaysOpenForTheNextRun() throws Exception {
    var request = receive(RequestKind.ERASE, 6, null);
    var before = customer(6);
    try (var x = java.sql.DriverManager.getConnection(dev.lethe.support.TestDatabases.url("app"))) {
      x.setAutoCommit(false);
      try (var s = x.createStatement()) {
        s.execute("SELECT * FROM " + schema + ".customer WHERE id = 6 FOR UPDATE");
      }
      // the application keeps its lock past the lock timeout (PT2S here): the run goes on
      try (var s = x.createStatement()) {
        s.execute("SET application_name = 'crm-app'");
      }
      var report = runs.run("requests", AS_OF, "test", ProgressListener.SILENT).report();
      // tried again at the end of the step, then the run fails, naming whom it waited on
      assertThat(report.status()).isEqualTo("FAILED");
      assertThat(report.exitMessage())
          .contains("request(s) [" + request.id() + "]")
          .contains("waited on a lock of " + schema + ".customer")
          .contains("crm-app");
      x.rollback();
    }
    assertThat(customer(6)).isEqualTo(before);
    assertThat(requests.find(request.id()).status()).isEqualTo(SubjectRequest.OPEN);

    runRequests();

    assertThat(requests.find(request.id()).status()).isEqualTo(SubjectRequest.DONE);
  }
}
