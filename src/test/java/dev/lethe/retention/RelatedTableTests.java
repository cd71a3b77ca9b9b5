package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clocks and conditions that read another table's row, reached through a column of this one. */
class RelatedTableTests extends LetheTests {

  @BeforeEach
  void accountsWithInvoicesAndContacts() {
    // accounts 1-10: odd ones closed 60 days before the as-of date, even ones open; accounts 1-3
    // belong to children (born 10 years ago), the rest to adults
    APP.run(
        ("CREATE TABLE %1$s.account (id bigint PRIMARY KEY, birth_date date, closed_at timestamptz);"
                + " INSERT INTO %1$s.account SELECT i,"
                + " CASE WHEN i <= 3 THEN date '2016-01-01' ELSE date '1980-01-01' END,"
                + " CASE WHEN i %% 2 = 1 THEN timestamptz '2026-01-01 00:00:00+00' - interval '60 days' END"
                + " FROM generate_series(1, 10) i;"
                + "CREATE TABLE %1$s.invoice (id bigint PRIMARY KEY,"
                + " account_id bigint NOT NULL REFERENCES %1$s.account (id), customer_name text,"
                + " issued_at timestamptz NOT NULL, pseudonymised_at timestamptz);"
                + " INSERT INTO %1$s.invoice SELECT i, 1 + i %% 10, 'Customer ' || (1 + i %% 10),"
                + " timestamptz '2025-06-01 00:00:00+00', NULL FROM generate_series(1, 100) i;"
                + "CREATE TABLE %1$s.contact (id bigint PRIMARY KEY, account_id bigint,"
                + " consented_at timestamptz NOT NULL);"
                + " INSERT INTO %1$s.contact SELECT i, 1 + i %% 10, timestamptz '2025-06-01 00:00:00+00'"
                + " FROM generate_series(1, 50) i")
            .formatted(schema));
  }

  @Test
  void aClockInAnotherTableStartsOnlyWhenThatRowSaysSo() {
    policy(
        "invoice-names",
        """
        policy: invoice-names
        category: account-data
        legal-basis: contract
        store: app
        table: %1$s.invoice
        key: id
        subject: account_id
        clock: {from: account.closed_at, via: account_id}
        marker: pseudonymised_at
        retain: P30D
        action: pseudonymise
        transform: {customer_name: null}
        """
            .formatted(schema));
    var job = jobName("names");
    job(job, Events.job(job, "invoice-names", ""));

    var plan = plans.plan(job, AS_OF);
    var report = run(job);

    // closed 60 days ago, past 30: the names of odd accounts' invoices are gone
    assertThat(outcome(report, "invoice-names").pseudonymised()).isEqualTo(50);
    assertThat(plan.policies().get(0).counts().wouldChange()).isEqualTo(50);
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".invoice WHERE customer_name IS NULL AND account_id % 2 = 1"))
        .isEqualTo(50);
    // open accounts' clocks have not started, however old the invoice
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".invoice WHERE customer_name IS NOT NULL AND account_id % 2 = 0"))
        .isEqualTo(50);
    // and 20 days after the as-of date, not yet closed long enough: nothing more
    var later = runs.run(job, AS_OF.plusDays(20), "test", ProgressListener.SILENT).report();
    assertThat(outcome(later, "invoice-names").pseudonymised()).isZero();
  }

  @Test
  void aConditionOnAnotherTablesRowSelectsTheChildren() {
    policy(
        "children",
        """
        policy: children
        category: marketing
        legal-basis: consent
        store: app
        table: %1$s.contact
        key: id
        subject: account_id
        clock: consented_at
        stages:
          - after: P0D
            action: delete
        where:
          - column: account.birth_date
            via: account_id
            newer-than: P18Y
        """
            .formatted(schema));
    var job = jobName("children");
    job(job, Events.job(job, "children", ""));

    var report = run(job);

    assertThat(outcome(report, "children").deleted()).isEqualTo(15);
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".contact WHERE account_id <= 3"))
        .isZero();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".contact")).isEqualTo(35);
  }
}
