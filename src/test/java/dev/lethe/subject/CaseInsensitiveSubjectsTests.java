package dev.lethe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.support.LetheTests;
import java.util.Map;
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
    // the held erasure's entry (rows left, not "nothing to do") is found in every spelling of the
    // key where the column takes
    // them as one (it was only under the spelling the request named)
    if (columnType.contains("citext")) {
      for (var asked : java.util.List.of("alice", "Alice", "ALICE")) {
        assertThat(recorded(asked, "visits-" + schema))
            .as("asked as " + asked)
            .containsEntry("request left", 0L);
      }
    }
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

  @Autowired dev.lethe.audit.AuditTrail audit;

  /**
   * "Did you delete my data?" asked in any spelling of a key that a citext column takes for one
   * value counts the rows of every spelling there, deleted by windows or whole partitions,
   * pseudonymised, deleted as tokens, or erased on request (each spelling was recorded under its
   * own, and asked as alice the trail did not count Alice's: found by an outside attack); and not
   * the rows of another spelling in a text column, where it is somebody else.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theTrailAnswersForEverySpellingOfAKeyACaseInsensitiveColumnTakes(boolean partitioned) {
    var mia = "Mia-" + schema;
    var lower = mia.toLowerCase(java.util.Locale.ROOT);
    var upper = mia.toUpperCase(java.util.Locale.ROOT);
    APP.run(
        ("CREATE TABLE %1$s.visit (id bigint, visitor lethe_citext.citext, seen_at timestamptz"
                + " NOT NULL, tokenised_at timestamptz, PRIMARY KEY (id, seen_at))"
                + (partitioned
                    ? " PARTITION BY RANGE (seen_at); CREATE TABLE %1$s.visit_2024 PARTITION OF"
                        + " %1$s.visit FOR VALUES FROM ('2024-01-01 00:00+00') TO"
                        + " ('2025-01-01 00:00+00'); CREATE TABLE %1$s.visit_2025 PARTITION OF"
                        + " %1$s.visit FOR VALUES FROM ('2025-01-01 00:00+00') TO"
                        + " ('2026-01-01 00:00+00');"
                    : ";")
                + " INSERT INTO %1$s.visit VALUES (1, '%2$s', '2024-08-01 00:00+00', NULL),"
                + " (2, '%3$s', '2024-09-01 00:00+00', NULL), (3, '%4$s ', '2024-10-01 00:00+00',"
                + " NULL), (4, 'bob', '2024-11-01 00:00+00', NULL), (5, '%2$s', '2025-12-01"
                + " 00:00+00', NULL), (6, '%4$s', '2025-12-02 00:00+00', NULL);"
                + " CREATE TABLE %1$s.note (id bigint PRIMARY KEY, author text, written_at"
                + " timestamptz NOT NULL);"
                + " INSERT INTO %1$s.note VALUES (1, '%3$s', '2024-02-01 00:00+00')")
            .formatted(schema, mia, lower, upper));
    policy(
        "visits-" + schema,
        """
        policy: visits-%1$s
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %1$s.visit
        key: [id, seen_at]
        subject: visitor
        clock: seen_at
        marker: tokenised_at
        stages:
          - {after: P10D, action: pseudonymise, transform: {visitor: hmac}}
          - {after: P1Y, action: delete}
        """
            .formatted(schema));
    policy(
        "notes-" + schema,
        """
        policy: notes-%1$s
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %1$s.note
        key: id
        subject: author
        clock: written_at
        retain: P1Y
        action: delete
        """
            .formatted(schema));
    var job = jobName("visits");
    job(
        job,
        "job: %s\npolicies: [visits-%s, notes-%s]\nguards: {max-share: 1}\n"
            .formatted(job, schema, schema));

    // 2025-06-01: rows 1-3 and bob's are tokenised; 2026-01-01: their tokens go (by a whole
    // partition where the table is partitioned), rows 5 and 6 are tokenised
    for (var day : java.util.List.of(AS_OF.minusMonths(7), AS_OF)) {
      var report = runs.run(job, day, "test", ProgressListener.SILENT).report();
      assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    }
    assertThat(ids()).containsExactly(5L, 6L);
    var erasure =
        intake.receive(RequestKind.ERASE, upper, null, "DSR-TRAIL", "test", validator.load());
    runs.run("requests", AS_OF, "test", ProgressListener.SILENT);
    assertThat(requests.find(erasure.id()).status()).isEqualTo(SubjectRequest.DONE);
    assertThat(ids()).isEmpty();

    for (var asked : java.util.List.of(mia, lower, upper)) {
      assertThat(recorded(asked, "visits-" + schema))
          .as("asked as " + asked)
          .containsEntry("purge pseudonymised", 5L)
          .containsEntry("purge deleted", 3L)
          .containsEntry("request deleted", 2L);
    }
    // the note of lower, somebody else where spellings are not one value
    assertThat(recorded(lower, "notes-" + schema)).containsExactly(Map.entry("purge deleted", 1L));
    assertThat(recorded(mia, "notes-" + schema)).isEmpty();
    assertThat(recorded(upper, "notes-" + schema))
        .containsExactly(Map.entry("request nothing to do", 0L)); // the request's own look
  }

  /**
   * The trail folds a citext key's case letter by letter, as PostgreSQL's lower() does: İVAN is
   * ivan, and a closing Σ is σ, so ΟΔΟΣ is οδοσ and not οδος, another subject there. Folded as
   * whole words, asked as ivan the trail found nothing of İVAN's rows, and οδος was shown ΟΔΟΣ's
   * (found by an outside attack).
   */
  @org.junit.jupiter.api.Test
  void theTrailFoldsACaseInsensitiveKeyLetterByLetterAsTheDatabaseDoes() {
    var citext = "lethe_citext.citext";
    boolean foldsAsUtf8 =
        APP.count(
                ("SELECT count(*) WHERE 'İVAN'::%1$s OPERATOR(lethe_citext.=) 'ivan' AND"
                        + " 'ΟΔΟΣ'::%1$s OPERATOR(lethe_citext.=) 'οδοσ' AND"
                        + " 'ΟΔΟΣ'::%1$s OPERATOR(lethe_citext.<>) 'οδος'")
                    .formatted(citext))
            == 1;
    // CI's PostgreSQL has a UTF-8 ctype: there the test must run; an embedded server may not
    if ("true".equals(System.getenv("CI"))) {
      assertThat(foldsAsUtf8).as("the database folds case as a UTF-8 ctype does").isTrue();
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        foldsAsUtf8, "the database folds case as a UTF-8 ctype does");
    var key = schema + ":";
    APP.run(
        ("CREATE TABLE %1$s.visit (id bigint PRIMARY KEY, visitor %2$s, seen_at timestamptz NOT"
                + " NULL); INSERT INTO %1$s.visit VALUES (1, '%3$sİVAN', '2024-02-01 00:00+00'),"
                + " (2, '%3$sΟΔΟΣ', '2024-02-01 00:00+00'), (3, '%3$sοδος', '2024-02-01"
                + " 00:00+00')")
            .formatted(schema, citext, key));
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
    var job = jobName("fold");
    job(job, "job: " + job + "\npolicies: [" + policy + "]\nguards: {max-share: 1}\n");

    var report = runs.run(job, AS_OF, "test", ProgressListener.SILENT).report();

    assertThat(report.status()).as(report.exitMessage()).isEqualTo("COMPLETED");
    assertThat(ids()).isEmpty();
    for (var asked : java.util.List.of("ivan", "İvan", "İVAN", "οδοσ", "ΟΔΟΣ", "οδος")) {
      assertThat(recorded(key + asked, policy))
          .as("asked as " + asked)
          .containsExactly(Map.entry("purge deleted", 1L));
    }
  }

  /** The rows the trail records of a subject under a policy, by kind and action. */
  private Map<String, Long> recorded(String subject, String policy) {
    var prefixes = audit.prefixes(subject);
    return audit.about(prefixes).stream()
        .filter(e -> policy.equals(e.policy()))
        .collect(
            java.util.stream.Collectors.toMap(
                e -> e.kind() + " " + e.action(),
                e -> prefixes.stream().mapToLong(e::rowsOf).sum(),
                Long::sum,
                java.util.TreeMap::new));
  }
}
