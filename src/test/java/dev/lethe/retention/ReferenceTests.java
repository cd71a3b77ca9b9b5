package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.LetheTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReferenceTests extends LetheTests {

  @BeforeEach
  void accountsWithOrders() {
    // accounts 1..100 closed 500 days ago; orders of accounts 1..40, half of them recent
    APP.run(
        "CREATE TABLE "
            + schema
            + ".account (id bigint PRIMARY KEY, closed_at timestamptz);"
            + "INSERT INTO "
            + schema
            + ".account SELECT i, timestamptz '2026-01-01 00:00:00+00' - interval '500 days' FROM generate_series(1, 100) i;"
            + "CREATE TABLE "
            + schema
            + ".orders (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES "
            + schema
            + ".account (id), placed_at timestamptz NOT NULL);"
            + "INSERT INTO "
            + schema
            + ".orders SELECT i, i, timestamptz '2026-01-01 00:00:00+00' - interval '600 days' FROM generate_series(1, 20) i;"
            + "INSERT INTO "
            + schema
            + ".orders SELECT i, i, timestamptz '2026-01-01 00:00:00+00' - interval '10 days' FROM generate_series(21, 40) i;");
    policy("accounts", accountPolicy(""));
  }

  private String accountPolicy(String extra) {
    return """
        policy: accounts
        category: account-data
        legal-basis: contract
        store: app
        table: %s.account
        key: id
        subject: id
        clock: closed_at
        retain: P1Y
        action: delete
        %s
        """
        .formatted(schema, extra);
  }

  private void orderPolicy() {
    policy(
        "orders",
        """
        policy: orders
        category: payment-data
        legal-basis: legal-obligation
        store: app
        table: %s.orders
        key: id
        subject: account_id
        clock: placed_at
        retain: P1Y
        action: delete
        """
            .formatted(schema));
  }

  @Test
  void referencedRowsStayAndAreCountedWithoutFailingTheRun() {
    job(
        jobName("purge"),
        "job: " + jobName("purge") + "\npolicies: [accounts]\nguards: {max-share: 1}\n");

    var report = run(jobName("purge"));

    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(APP.longs("SELECT id FROM " + schema + ".account ORDER BY id"))
        .hasSize(40)
        .allMatch(id -> id <= 40);
    assertThat(outcome(report, "accounts").referenced()).isEqualTo(40);
    assertThat(outcome(report, "accounts").deleted()).isEqualTo(60);
  }

  @Test
  void referencingTablesAreCleanedFirstWhateverTheJobOrder() {
    orderPolicy();
    job(
        jobName("purge"),
        "job: " + jobName("purge") + "\npolicies: [accounts, orders]\nguards: {max-share: 1}\n");

    var report = run(jobName("purge"));

    assertThat(report.policies()).extracting(p -> p.policy()).containsExactly("orders", "accounts");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".orders")).isEqualTo(20);
    assertThat(APP.longs("SELECT id FROM " + schema + ".account ORDER BY id"))
        .hasSize(20)
        .allMatch(id -> id > 20 && id <= 40);
    assertThat(outcome(report, "accounts").referenced()).isEqualTo(20);
  }

  @Test
  void aRowKeptByAHoldKeepsTheRowsItReferences() {
    orderPolicy();
    holds.place("3", "orders", null, "LIT-5", "dispute about order 3", "test");
    job(
        jobName("purge"),
        "job: " + jobName("purge") + "\npolicies: [orders, accounts]\nguards: {max-share: 1}\n");

    run(jobName("purge"));

    assertThat(APP.count("SELECT count(*) FROM " + schema + ".account WHERE id = 3")).isOne();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".orders WHERE id = 3")).isOne();
  }

  @Test
  void aCascadeNeverReachesRowsThatAHoldOnAnotherCategoryKeeps() {
    // given orders that go with their account (ON DELETE CASCADE), which the policy allows,
    // and a hold on subject 3 narrowed to the orders' category
    APP.run(
        "ALTER TABLE "
            + schema
            + ".orders DROP CONSTRAINT orders_account_id_fkey;"
            + "ALTER TABLE "
            + schema
            + ".orders ADD FOREIGN KEY (account_id) REFERENCES "
            + schema
            + ".account (id) ON DELETE CASCADE");
    policy("accounts", accountPolicy("allow-cascade: true"));
    // the category's policy on a table of its own, outside the job (a hold on a category no
    // policy has stops the runs)
    APP.run(
        "CREATE TABLE "
            + schema
            + ".receipt (id bigint PRIMARY KEY, account_id bigint, paid_at timestamptz)");
    policy(
        "receipts",
        """
        policy: receipts
        category: payment-data
        legal-basis: legal-obligation
        store: app
        table: %s.receipt
        key: id
        subject: account_id
        clock: paid_at
        retain: P7Y
        action: delete
        """
            .formatted(schema));
    holds.place("3", null, "payment-data", "LIT-6", "dispute about order 3", "test");
    job(
        jobName("purge"),
        "job: " + jobName("purge") + "\npolicies: [accounts]\nguards: {max-share: 1}\n");

    var report = run(jobName("purge"));

    // then account 3 and its order stay; the other accounts went, their orders with them
    assertThat(APP.longs("SELECT id FROM " + schema + ".account ORDER BY id")).containsExactly(3L);
    assertThat(APP.longs("SELECT id FROM " + schema + ".orders ORDER BY id")).containsExactly(3L);
    assertThat(outcome(report, "accounts").heldByHolds()).isEqualTo(1);
    assertThat(outcome(report, "accounts").deleted()).isEqualTo(99);
  }
}
