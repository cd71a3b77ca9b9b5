package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.LetheTests;
import dev.lethe.support.Pagila;
import dev.lethe.support.Sql;
import dev.lethe.support.TestDatabases;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The purge on real data: Pagila's payments are partitioned by month and reference rentals. */
class PagilaTests extends LetheTests {

  private static final Sql PAGILA = new Sql(TestDatabases.url("pagila"));

  @org.springframework.beans.factory.annotation.Autowired Validator validator;
  private static final LocalDate JUNE_2022 = LocalDate.of(2022, 6, 1);

  @Test
  void purgesAPartitionedTableAndKeepsRentalsThatPaymentsStillReference() throws Exception {
    // given Pagila, a hold on customer 1 and a restriction on customer 2
    Pagila.load(PAGILA);
    holds.place("1", null, null, "LIT-22", "rental dispute", "test");
    restrictions.place("2", "accuracy contested", "test");
    policy(
        "payments",
        """
        policy: payments
        category: payment-data
        legal-basis: legal-obligation
        store: pagila
        table: payment
        key: [payment_date, payment_id]
        subject: customer_id
        clock: payment_date
        retain: P3M
        action: delete
        """);
    policy(
        "rentals",
        """
        policy: rentals
        category: usage-data
        legal-basis: contract
        store: pagila
        table: public.rental
        key: rental_id
        subject: customer_id
        clock: rental_date
        retain: P3M
        action: delete
        """);
    var job = jobName("pagila");
    job(job, "job: " + job + "\npolicies: [rentals, payments]\nguards: {max-share: 1}\n");
    long paymentsBefore = PAGILA.count("SELECT count(*) FROM payment");
    long expiredPayments =
        PAGILA.count("SELECT count(*) FROM payment WHERE payment_date < '2022-03-01'");
    long keptPayments =
        PAGILA.count(
            "SELECT count(*) FROM payment WHERE payment_date < '2022-03-01' AND customer_id IN (1, 2)");

    var files = new java.util.HashMap<String, Long>();
    for (var month : java.util.List.of("01", "02", "03", "07")) {
      files.put(
          month,
          PAGILA.count("SELECT pg_relation_filenode('payment_p2022_" + month + "')::bigint"));
    }

    // when
    var plan = plans.plan(job, JUNE_2022);
    var report = runs.run(job, JUNE_2022, "test", ProgressListener.SILENT).report();

    // January and February, wholly past the cutoff, went whole (truncated, what the hold and the
    // restriction keep put back); March and July (the one without foreign keys) were not touched
    for (var month : java.util.List.of("01", "02", "03", "07")) {
      long now = PAGILA.count("SELECT pg_relation_filenode('payment_p2022_" + month + "')::bigint");
      if (month.equals("01") || month.equals("02")) {
        assertThat(now).as(month).isNotEqualTo(files.get(month));
      } else {
        assertThat(now).as(month).isEqualTo(files.get(month));
      }
    }

    // then payments run first, though listed second, and only unprotected expired ones went
    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(report.policies())
        .extracting(p -> p.policy())
        .containsExactly("payments", "rentals");
    var payments = outcome(report, "payments");
    assertThat(payments.examined()).isEqualTo(expiredPayments);
    assertThat(payments.deleted()).isEqualTo(expiredPayments - keptPayments);
    assertThat(PAGILA.count("SELECT count(*) FROM payment"))
        .isEqualTo(paymentsBefore - payments.deleted());
    assertThat(
            PAGILA.longs(
                "SELECT DISTINCT customer_id FROM payment WHERE payment_date < '2022-03-01' ORDER BY 1"))
        .containsExactly(1L, 2L);

    // rentals still referenced by a payment stay, counted as referenced; the run did not fail
    var rentals = outcome(report, "rentals");
    assertThat(rentals.referenced()).isPositive();
    assertThat(
            PAGILA.count(
                """
        SELECT count(*) FROM rental r WHERE r.rental_date < '2022-03-01' AND r.customer_id NOT IN (1, 2)
          AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.rental_id = r.rental_id)"""))
        .isZero();
    assertThat(
            rentals.deleted()
                + rentals.referenced()
                + rentals.heldByHolds()
                + rentals.heldByRestrictions())
        .isEqualTo(rentals.examined());

    // and the dry-run before it said exactly this
    for (var planned : plan.policies()) {
      var done = outcome(report, planned.step());
      assertThat(planned.counts().wouldChange()).as(planned.step()).isEqualTo(done.deleted());
      assertThat(planned.counts().referenced()).as(planned.step()).isEqualTo(done.referenced());
      assertThat(planned.counts().heldByHolds()).as(planned.step()).isEqualTo(done.heldByHolds());
    }
  }

  @Test
  void pseudonymisesInactiveCustomersOnRealDataAndRefusesToTokeniseAForeignKey() throws Exception {
    // given Pagila's customers, a marker column added as an operator would, and a hold on one of
    // the 15 inactive customers
    Pagila.load(PAGILA);
    PAGILA.run("ALTER TABLE customer ADD COLUMN pseudonymised_at timestamptz");
    long held = PAGILA.count("SELECT min(customer_id) FROM customer WHERE active = 0");
    holds.place(Long.toString(held), null, null, "LIT-23", "late fees dispute", "test");
    PAGILA.run("CREATE TABLE original AS SELECT customer_id, email, last_name FROM customer");
    var customers =
        """
        policy: customers
        category: account-data
        legal-basis: contract
        store: pagila
        table: customer
        key: customer_id
        subject: customer_id
        clock: create_date
        marker: pseudonymised_at
        retain: P30D
        action: pseudonymise
        transform:
          email: hmac
          last_name: {keep-first: 1}
          %s
        where:
          - column: active
            equals: 0
        """;
    policy("customers", customers.formatted(""));
    var job = jobName("customers");
    job(job, "job: " + job + "\npolicies: [customers]\nguards: {max-share: 1}\n");

    var report = runs.run(job, JUNE_2022, "test", ProgressListener.SILENT).report();

    var outcome = outcome(report, "customers");
    assertThat(outcome.pseudonymised()).isEqualTo(14);
    assertThat(outcome.heldByHolds()).isEqualTo(1);
    PAGILA.run("CREATE EXTENSION IF NOT EXISTS pgcrypto");
    assertThat(
            PAGILA.count(
                "SELECT count(*) FROM customer c JOIN original o USING (customer_id)"
                    + " WHERE c.active = 0 AND c.customer_id <> "
                    + held
                    + " AND c.email = encode(hmac(o.email, '"
                    + TEST_KEY
                    + "', 'sha256'), 'hex')"
                    + " AND c.last_name = left(o.last_name, 1) || repeat('*', length(o.last_name) - 1)"))
        .isEqualTo(14);
    assertThat(
            PAGILA.count(
                "SELECT count(*) FROM customer c JOIN original o USING (customer_id)"
                    + " WHERE c.email IS NOT DISTINCT FROM o.email AND c.pseudonymised_at IS NULL"))
        .as("active customers and the held one, untouched")
        .isEqualTo(PAGILA.count("SELECT count(*) FROM customer") - 14);

    // Pagila's address_id references address: a token there would break the foreign key
    policy("customers", customers.formatted("address_id: hmac"));
    var errors = validator.validate().problems().errors();
    assertThat(errors)
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("address_id", "foreign key"));
  }
}
