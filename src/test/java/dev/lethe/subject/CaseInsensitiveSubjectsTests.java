package dev.lethe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.support.LetheTests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A text subject column that compares spellings as one value (citext, a nondeterministic collation)
 * makes them one subject: a hold on alice keeps Alice's rows, and an erasure of ALICE never takes
 * what that hold keeps (found by an outside attack: citext was compared as text, and an erasure of
 * another spelling took the held rows and said it was done).
 */
class CaseInsensitiveSubjectsTests extends LetheTests {

  @Autowired RequestIntake intake;
  @Autowired RequestService requests;
  @Autowired Validator validator;

  /**
   * citext in a schema of its own, off the store's search_path, as an owner may install it: its
   * operators are not found by name there (found by an outside attack: a bare = compared as text).
   */
  @org.junit.jupiter.api.BeforeEach
  void citextOffTheSearchPath() {
    APP.run(
        """
        CREATE SCHEMA IF NOT EXISTS lethe_citext;
        CREATE EXTENSION IF NOT EXISTS citext SCHEMA lethe_citext;
        DO $$ BEGIN
          IF (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
              WHERE e.extname = 'citext') <> 'lethe_citext' THEN
            ALTER EXTENSION citext SET SCHEMA lethe_citext;
          END IF;
        END $$""");
  }

  private String visits(String columnType) {
    APP.run(
        ("CREATE COLLATION IF NOT EXISTS %1$s.ci (provider ="
                + " icu, locale = 'und-u-ks-level2', deterministic = false); CREATE TABLE"
                + " %1$s.visit (id bigint PRIMARY KEY, visitor %2$s, seen_at timestamptz NOT NULL);"
                + " INSERT INTO %1$s.visit VALUES (1, 'alice', '2024-01-02 00:00+00'), (2, 'Alice',"
                + " '2024-01-03 00:00+00'), (3, 'ALICE ', '2024-01-04 00:00+00'), (4, 'aLiCe',"
                + " '2024-01-05 00:00+00'), (5, 'bob', '2024-01-06 00:00+00'), (6, 'Bob',"
                + " '2024-01-07 00:00+00')")
            .formatted(schema, columnType.replace("SCHEMA", schema)));
    var policy = "visits-" + schema;
    policy(
        policy,
        """
        policy: %1$s
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %2$s.visit
        key: id
        subject: visitor
        clock: seen_at
        retain: P1Y
        action: delete
        """
            .formatted(policy, schema));
    var job = jobName("visits");
    job(job, "job: " + job + "\npolicies: [" + policy + "]\nguards: {max-share: 1}\n");
    return job;
  }

  private java.util.List<Long> ids() {
    return APP.longs("SELECT id FROM " + schema + ".visit ORDER BY id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lethe_citext.citext", "text COLLATE SCHEMA.ci"})
  void aHoldOnOneSpellingKeepsEveryRowTheColumnTakesForTheSameValue(String columnType) {
    var job = visits(columnType);
    holds.place("alice", null, null, "LIT-CI", "a claim", "dpo");

    var report = runs.run(job, AS_OF, "test", ProgressListener.SILENT).report();

    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    assertThat(ids()).containsExactly(1L, 2L, 3L, 4L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lethe_citext.citext", "text COLLATE SCHEMA.ci"})
  void anErasureOfAnotherSpellingLeavesWhatAHoldKeepsAndSaysSo(String columnType) {
    visits(columnType);
    holds.place("alice", null, null, "LIT-CI", "a claim", "dpo");
    var alice =
        intake.receive(RequestKind.ERASE, "ALICE", null, "DSR-CI", "test", validator.load());
    var bob = intake.receive(RequestKind.ERASE, "BOB", null, "DSR-CB", "test", validator.load());

    runs.run("requests", AS_OF, "test", ProgressListener.SILENT);

    // every spelling of alice is held; bob's are one subject, erased together
    assertThat(ids()).containsExactly(1L, 2L, 3L, 4L);
    var held = requests.find(alice.id());
    assertThat(held.status()).isEqualTo(SubjectRequest.PARTLY_DONE);
    assertThat(held.outcomes())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.deleted()).isZero();
              assertThat(o.outcome()).contains("4 left under a legal hold on another key");
            });
    assertThat(requests.find(bob.id()).status()).isEqualTo(SubjectRequest.DONE);
  }

  /**
   * A stage that makes tokens of a citext subject makes one token of every spelling: a hold placed
   * on ALICE afterwards keeps the rows tokenised from Alice and alice (each spelling had its own
   * token, which no hold on another found, and the delete stage took them).
   */
  @org.junit.jupiter.api.Test
  void tokensOfACaseInsensitiveSubjectAreOfItsKeyWhateverItsCase() {
    APP.run(
        ("CREATE TABLE %1$s.visit (id bigint PRIMARY KEY,"
                + " visitor lethe_citext.citext, seen_at timestamptz NOT NULL, tokenised_at timestamptz);"
                + " INSERT INTO %1$s.visit VALUES (1, 'Alice', '2024-06-01 00:00+00', NULL), (2,"
                + " ' alice', '2024-06-02 00:00+00', NULL), (3, 'bob', '2024-06-03 00:00+00',"
                + " NULL)")
            .formatted(schema));
    var policy = "tokens-" + schema;
    policy(
        policy,
        """
        policy: %1$s
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %2$s.visit
        key: id
        subject: visitor
        clock: seen_at
        marker: tokenised_at
        stages:
          - {after: P30D, action: pseudonymise, transform: {visitor: hmac}}
          - {after: P1Y, action: delete}
        """
            .formatted(policy, schema));
    var job = jobName("tokens");
    job(job, "job: " + job + "\npolicies: [" + policy + "]\nguards: {max-share: 1}\n");

    var first = runs.run(job, AS_OF.minusYears(1), "test", ProgressListener.SILENT).report();
    assertThat(first.status()).as(first.exitMessage()).isEqualTo("COMPLETED");
    assertThat(
            APP.count(
                "SELECT count(DISTINCT visitor::text) FROM " + schema + ".visit WHERE id <= 2"))
        .isOne();

    holds.place("ALICE", null, null, "LIT-TOKENS", "a claim", "dpo");
    var later = runs.run(job, AS_OF, "test", ProgressListener.SILENT).report();

    assertThat(later.status()).as(later.exitMessage()).isEqualTo("COMPLETED");
    assertThat(ids()).containsExactly(1L, 2L);
  }

  /**
   * A hold on another spelling placed while an erasure's change waits (for an application's lock)
   * keeps the rows: the change looks again, at every case of its key, before it commits.
   */
  @org.junit.jupiter.api.Test
  void aHoldOnAnotherSpellingPlacedWhileAnErasureWaitsKeepsTheRows() throws Exception {
    visits("lethe_citext.citext");
    var request =
        intake.receive(RequestKind.ERASE, "ALICE", null, "DSR-CW", "test", validator.load());
    try (var x = java.sql.DriverManager.getConnection(dev.lethe.support.TestDatabases.url("app"))) {
      x.setAutoCommit(false);
      try (var s = x.createStatement()) {
        s.execute("SELECT * FROM " + schema + ".visit WHERE id = 2 FOR UPDATE");
      }
      var running =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> runs.run("requests", AS_OF, "test", ProgressListener.SILENT));
      awaitLetheWaitingOnAnAppLock();
      holds.place("alice", null, null, "LIT-MID", "a claim came in", "dpo");
      x.rollback();
      running.get();
    }

    assertThat(ids()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    var outcome = requests.find(request.id());
    assertThat(outcome.status()).isEqualTo(SubjectRequest.PARTLY_DONE);
    assertThat(outcome.outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.heldBy()).isEqualTo("LIT-MID"));
  }
}
