package dev.lethe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a request's outcomes say is exact: never less data than the table still holds of the
 * subject, and a policy that failed says so and why, while the others are carried out.
 */
class RequestOutcomeTests extends LetheTests {

  @Autowired RequestIntake intake;
  @Autowired RequestService requests;
  @Autowired RequestCancellation cancellation;
  @Autowired Validator validator;

  @BeforeEach
  void eventsUnderTwoPurposes() {
    Events.create(APP, schema, 200, 10);
    APP.run("UPDATE " + schema + ".event SET status = 'promo' WHERE id % 3 = 0");
    policy(
        "ev-marketing",
        Events.policy("ev-marketing", schema, "where:\n  - column: status\n    in: [promo]")
            .replace("category: usage-data", "category: marketing")
            .replace("legal-basis: legitimate-interest", "legal-basis: consent"));
    policy(
        "ev-service",
        Events.policy("ev-service", schema, "where:\n  - column: status\n    in: [done]"));
  }

  private String run() {
    return runs.run("requests", AS_OF, "test", ProgressListener.SILENT).report().status();
  }

  @Test
  void aWithdrawalSaysHowManyOfTheSubjectsRowsRemainForOtherPurposes() {
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 7");
    long promo =
        APP.count(
            "SELECT count(*) FROM " + schema + ".event WHERE subject_id = 7 AND status = 'promo'");
    var request =
        intake.receive(
            RequestKind.WITHDRAW_CONSENT, "7", "marketing", "DSR-O", "test", validator.load());

    assertThat(run()).isEqualTo("COMPLETED");

    var outcome = requests.find(request.id()).outcomes();
    assertThat(outcome).singleElement().satisfies(o -> assertThat(o.deleted()).isEqualTo(promo));
    // the run settled it as a change of the record: a cancel that read it before then is stale
    assertThat(
            control
                .sql("SELECT version FROM lethe.subject_request WHERE id = ?")
                .param(request.id())
                .query(Long.class)
                .single())
        .isPositive();
    assertThat(outcome.get(0).outcome())
        .startsWith("deleted " + promo)
        .contains((rows - promo) + " more of the subject's rows remain");
  }

  /**
   * A hold on the subject keeps what it holds; where a policy's table holds none of the subject's
   * rows, its outcome says there is no data, not "held" (the response to the person listed every
   * category as held, found by an outside attack).
   */
  @Test
  void aHoldIsNamedOnlyWhereTheTableHoldsTheSubjectsRows() {
    APP.run(
        "CREATE TABLE "
            + schema
            + ".note (id bigint PRIMARY KEY, subject_id bigint, written_at timestamptz NOT NULL);"
            + " INSERT INTO "
            + schema
            + ".note VALUES (1, 8, '2020-01-01')");
    policy(
        "notes",
        """
        policy: notes
        category: support
        legal-basis: legitimate-interest
        store: app
        table: %s.note
        key: id
        subject: subject_id
        clock: written_at
        retain: P1Y
        action: delete
        """
            .formatted(schema));
    holds.place("7", null, null, "LIT-7", "a claim", "dpo");
    var request = intake.receive(RequestKind.ERASE, "7", null, "DSR-H", "test", validator.load());

    assertThat(run()).isEqualTo("COMPLETED");

    var outcomes = requests.find(request.id()).outcomes();
    assertThat(outcomes)
        .filteredOn(o -> o.policy().equals("notes"))
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.outcome()).isEqualTo("no data held");
              assertThat(o.heldBy()).isNull();
            });
    assertThat(outcomes)
        .filteredOn(o -> o.policy().equals("ev-service"))
        .singleElement()
        .satisfies(o -> assertThat(o.heldBy()).isEqualTo("LIT-7"));
    assertThat(requests.find(request.id()).status()).isEqualTo(SubjectRequest.PARTLY_DONE);
  }

  @Test
  void aPolicyThatFailsSaysWhyAndTheOthersAreCarriedOut() {
    // the table refuses the delete of the subject's 'done' rows, once
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION"
            + " 'no'; END $$; CREATE TRIGGER refuse BEFORE DELETE ON "
            + schema
            + ".event FOR EACH ROW WHEN (OLD.status = 'done' AND OLD.subject_id = 3)"
            + " EXECUTE FUNCTION "
            + schema
            + ".refuse()");
    var request = intake.receive(RequestKind.ERASE, "3", null, "DSR-O", "test", validator.load());

    var report = runs.run("requests", AS_OF, "test", ProgressListener.SILENT).report();

    assertThat(report.status()).isEqualTo("FAILED");
    var outcomes = requests.find(request.id()).outcomes();
    // one policy on the table failed, and says so; nothing says no data is held
    assertThat(outcomes)
        .anySatisfy(o -> assertThat(o.outcome()).startsWith("failed: ").contains("next run"))
        .noneSatisfy(o -> assertThat(o.outcome()).isEqualTo("no data held"));
    assertThat(dev.lethe.report.ReportText.render(report))
        .contains("Why: ", "request(s) [" + request.id() + "]");
    // the run counts the rows the requests deleted, and names the policy files
    assertThat(report.deleted()).isEqualTo(report.requestRowsDeleted());
    assertThat(report.definitionFiles())
        .extracting(dev.lethe.report.RunReport.DefinitionFile::file)
        .contains("ev-marketing.yml", "ev-service.yml");

    APP.run("DROP TRIGGER refuse ON " + schema + ".event");
    var done = runs.run("requests", AS_OF, "test", ProgressListener.SILENT).report();

    assertThat(done.status()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 3"))
        .isZero();
    assertThat(requests.find(request.id()).status()).isEqualTo(SubjectRequest.DONE);
    assertThat(report.requestRowsDeleted() + done.requestRowsDeleted())
        .isEqualTo(20)
        .isEqualTo(
            requests.find(request.id()).outcomes().stream()
                .mapToLong(SubjectRequest.Outcome::deleted)
                .sum());
  }

  /**
   * A cancel lets the request's lock go only once it has committed: a run that takes the lock next
   * finds the request cancelled. (It let it go before its commit, and a run in that moment erased
   * the subject's rows for a request just cancelled.) The commit is made slow here by a deferred
   * trigger, as a slow disk or a synchronous standby makes it.
   */
  @Test
  void aCancelHoldsTheRequestsLockUntilItHasCommitted() throws Exception {
    var request = intake.receive(RequestKind.ERASE, "6", null, "DSR-L", "test", validator.load());
    control
        .sql(
            "CREATE FUNCTION lethe.slow_commit() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$ BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$;"
                + " CREATE CONSTRAINT TRIGGER slow_commit AFTER UPDATE ON lethe.subject_request"
                + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.id = "
                + request.id()
                + ") EXECUTE FUNCTION lethe.slow_commit()")
        .update();
    var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var cancelled =
          pool.submit(() -> cancellation.cancel(request.id(), "withdrawn by the subject", "dpo"));
      // until the cancel is committing (in the trigger's sleep)
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20))
          .until(
              () ->
                  control
                          .sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")
                          .query(Long.class)
                          .single()
                      > 0);
      assertThat(
              dev.lethe.system.SessionLock.tryAcquire(
                  controlDataSource, "lethe.request." + request.id()))
          .as("a runner cannot take the request while its cancel commits")
          .isEmpty();
      assertThat(cancelled.get(30, java.util.concurrent.TimeUnit.SECONDS).status())
          .isEqualTo(SubjectRequest.CANCELLED);
    } finally {
      pool.shutdownNow();
      control
          .sql(
              "DROP TRIGGER slow_commit ON lethe.subject_request;"
                  + " DROP FUNCTION lethe.slow_commit()")
          .update();
    }
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 6");
    assertThat(run()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 6"))
        .isEqualTo(rows);
  }

  /**
   * The one cancelling decided on the request as the console showed it: where a run has done part
   * of it since (its version moved on), the cancel is refused and nothing recorded.
   */
  @Test
  void aCancelDecidedOnAnOlderRequestIsRefused() {
    var request = intake.receive(RequestKind.ERASE, "7", null, "DSR-V", "test", validator.load());
    long shown = requests.find(request.id()).version();
    // what a run's settle does to the request meanwhile
    control
        .sql("UPDATE lethe.subject_request SET version = version + 1 WHERE id = ?")
        .param(request.id())
        .update();

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> cancellation.cancel(request.id(), "withdrawn", "dpo", shown))
        .isInstanceOf(dev.lethe.system.BadInputException.class)
        .hasMessageContaining("request " + request.id() + " changed meanwhile");
    assertThat(requests.find(request.id()).status()).isEqualTo(SubjectRequest.OPEN);
    assertThat(
            control
                .sql(
                    "SELECT count(*) FROM lethe.audit_entry WHERE kind = 'request'"
                        + " AND action = 'cancelled' AND detail LIKE ?")
                .param("request " + request.id() + ",%")
                .query(Long.class)
                .single())
        .isZero();
    // decided on the request as it stands now: cancelled
    assertThat(
            cancellation
                .cancel(request.id(), "withdrawn", "dpo", requests.find(request.id()).version())
                .status())
        .isEqualTo(SubjectRequest.CANCELLED);
  }

  /**
   * A request withdrawn or refused is cancelled with its reason: nothing more is done for it, the
   * trail says who and why, and the subject may ask again.
   */
  @Test
  void aCancelledRequestIsNotCarriedOutAndTheTrailSaysWhy() {
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 5");
    var request = intake.receive(RequestKind.ERASE, "5", null, "DSR-C", "test", validator.load());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> cancellation.cancel(request.id(), " ", "dpo"))
        .isInstanceOf(dev.lethe.system.BadInputException.class)
        .hasMessageContaining("--reason");

    var cancelled = cancellation.cancel(request.id(), "identity not confirmed", "dpo");
    assertThat(run()).isEqualTo("COMPLETED");

    assertThat(cancelled.status()).isEqualTo(SubjectRequest.CANCELLED);
    assertThat(cancelled.closedReason()).isEqualTo("identity not confirmed");
    assertThat(requests.find(request.id()).outcomes()).isEmpty();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 5"))
        .isEqualTo(rows);
    assertThat(requests.pending()).doesNotContain(request.id());
    assertThat(
            control
                .sql(
                    "SELECT count(*) FROM lethe.audit_entry WHERE kind = 'request' AND action ="
                        + " 'cancelled' AND detail = ?")
                .param("request " + request.id() + ", erase, by dpo: identity not confirmed")
                .query(Long.class)
                .single())
        .isOne();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> cancellation.cancel(request.id(), "again", "dpo"))
        .isInstanceOf(dev.lethe.system.BadInputException.class)
        .hasMessageContaining("cancelled already");
    // asked again, with the identity confirmed: a new request
    var again = intake.receive(RequestKind.ERASE, "5", null, "DSR-C2", "test", validator.load());
    assertThat(again.id()).isNotEqualTo(request.id());
  }

  /** Two policies ended by one consent are told once: the sentence is about the pair. */
  @Test
  void validateTellsAWithdrawalThatEndsBothPoliciesOnce() {
    policy(
        "ev-newsletter",
        Events.policy("ev-newsletter", schema, "where:\n  - column: status\n    in: [news]")
            .replace("category: usage-data", "category: marketing")
            .replace("legal-basis: legitimate-interest", "legal-basis: consent"));

    var warnings =
        validator.validate().problems().warnings().stream().map(Object::toString).toList();

    assertThat(warnings)
        .filteredOn(w -> w.contains("'ev-marketing' and 'ev-newsletter' share"))
        .singleElement()
        .satisfies(
            w -> {
              var sentence =
                  "A withdrawal of consent for 'marketing' removes a subject's rows"
                      + " under both.";
              assertThat(w.indexOf(sentence)).isNotNegative();
              assertThat(w.indexOf(sentence)).isEqualTo(w.lastIndexOf(sentence));
            });
  }
}
