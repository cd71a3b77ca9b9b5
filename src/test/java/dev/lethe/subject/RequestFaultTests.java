package dev.lethe.subject;

import static dev.lethe.support.DemoStores.ANALYTICS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.demo.DemoData;
import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.support.ControlFaults;
import dev.lethe.support.DemoStores;
import dev.lethe.support.LetheTests;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An erasure whose change has committed in its store and whose outcome is not yet recorded, when
 * the process dies or the control database goes: the next run records the change, once, in the
 * trail and in the request's outcome, and never says "no data held" of rows it deleted.
 */
class RequestFaultTests extends LetheTests {

  /** The tables whose rows of the subject an erasure deletes all of, with their policies. */
  private static final Map<String, String> DELETED_WHOLE =
      Map.of(
          "support.ticket", "support-requests",
          "surveys.response", "survey-responses",
          "social.login", "social-logins");

  @Autowired RequestIntake intake;
  @Autowired RequestService requests;
  @Autowired RequestCancellation cancellation;
  @Autowired Validator validator;

  @BeforeEach
  void demoStoresAndTheirPolicies() throws IOException {
    DemoStores.load();
    DemoStores.copyPolicies(WORKSPACE.resolve("policies"));
  }

  /** An account with rows in every table of the app store, which no other test takes. */
  private long account(int nth) {
    return APP.longs(
            "SELECT a.id FROM accounts.account a WHERE a.id % 20 = 0"
                + " AND EXISTS (SELECT 1 FROM support.ticket t WHERE t.account_id = a.id)"
                + " AND EXISTS (SELECT 1 FROM surveys.response s WHERE s.account_id = a.id)"
                + " AND EXISTS (SELECT 1 FROM social.login l WHERE l.account_id = a.id)"
                + " ORDER BY a.id DESC")
        .get(nth);
  }

  private Map<String, Long> rowsBefore(long subject) {
    var rows = new HashMap<String, Long>();
    DELETED_WHOLE.forEach(
        (table, policy) ->
            rows.put(
                policy,
                APP.count("SELECT count(*) FROM " + table + " WHERE account_id = " + subject)));
    return rows;
  }

  private String runRequests() {
    return runs.run("requests", DemoData.AS_OF, "test", ProgressListener.SILENT).report().status();
  }

  /**
   * What must hold once the request is done: the rows are gone, each policy's outcome counts what
   * its changes did, the trail's entries of the request add up to exactly that, policy by policy,
   * and no outcome says less than was done.
   */
  private void recordedOnceAndTruthfully(SubjectRequest request, Map<String, Long> before) {
    var done = requests.find(request.id());
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
    long subject = Long.parseLong(request.subject());
    for (var table : DELETED_WHOLE.keySet()) {
      assertThat(APP.count("SELECT count(*) FROM " + table + " WHERE account_id = " + subject))
          .as(table)
          .isZero();
    }
    for (var outcome : done.outcomes()) {
      long changed = outcome.deleted() + outcome.pseudonymised();
      long inTrail = ControlFaults.rowsInTrail(control, request.id(), outcome.policy());
      assertThat(inTrail).as("trail of " + outcome.policy()).isEqualTo(changed);
      if (changed > 0) {
        assertThat(outcome.outcome()).as(outcome.policy()).isNotEqualTo("no data held");
      }
    }
    before.forEach(
        (policy, rows) ->
            assertThat(
                    done.outcomes().stream()
                        .filter(o -> o.policy().equals(policy))
                        .mapToLong(SubjectRequest.Outcome::deleted)
                        .sum())
                .as("deleted under " + policy)
                .isEqualTo(rows));
    assertThat(APP.count("SELECT count(*) FROM lethe.outbox")).isZero();
    assertThat(ANALYTICS.count("SELECT count(*) FROM lethe.outbox")).isZero();
  }

  /**
   * The control database's connections are cut as the first of the request's changes is about to
   * commit in the store (a deferred trigger on the store's outbox: Lethe runs deferred checks
   * before its last look at the holds, so that the commit itself waits on nothing). The subject's
   * gate went with the connection, so the change rolls back: nothing changed, nothing to record.
   * The next run carries the request out, recorded once.
   */
  @Test
  void anErasureCutOffFromTheControlDatabaseJustBeforeItsChangeCommitsChangesNothing() {
    long subject = account(0);
    var before = rowsBefore(subject);
    var request =
        intake.receive(
            RequestKind.ERASE, Long.toString(subject), null, "DSR-F", "test", validator.load());
    var controlDatabase = control.sql("SELECT current_database()").query(String.class).single();
    APP.run(
        "CREATE SCHEMA IF NOT EXISTS lethe; CREATE TABLE IF NOT EXISTS lethe.outbox (id uuid"
            + " PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now(), payload bytea NOT"
            + " NULL);"
            // a sequence, not a table: the change's rollback does not take the fuse back
            + " DROP SEQUENCE IF EXISTS public.cut_fuse; CREATE SEQUENCE public.cut_fuse;"
            + " CREATE OR REPLACE FUNCTION public.cut_control() RETURNS trigger LANGUAGE plpgsql"
            + " AS $$ BEGIN IF nextval('public.cut_fuse') = 1 THEN"
            + " PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
            + controlDatabase
            + "'; END IF; RETURN NULL; END $$;"
            + " CREATE CONSTRAINT TRIGGER cut_control AFTER INSERT ON lethe.outbox DEFERRABLE"
            + " INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.cut_control()");
    try {
      assertThat(runRequests()).isNotEqualTo("COMPLETED");
      assertThat(APP.count("SELECT last_value FROM public.cut_fuse")).isPositive();
    } finally {
      APP.run(
          "DROP TRIGGER IF EXISTS cut_control ON lethe.outbox;"
              + " DROP FUNCTION IF EXISTS public.cut_control(); DROP SEQUENCE IF EXISTS"
              + " public.cut_fuse");
    }
    // the change rolled back with its record: nothing of it in the store
    assertThat(APP.count("SELECT count(*) FROM lethe.outbox")).isZero();

    assertThat(runRequests()).isEqualTo("COMPLETED");

    recordedOnceAndTruthfully(request, before);
    assertThat(ControlFaults.recoveredEntries(control, request.id())).isZero();
  }

  /**
   * The trail refuses the first change's entry (the control database fails as the run records it):
   * the request fails, its change stands in the store. The next run records it once, whether it
   * comes as a run of its own or is followed by another.
   */
  @Test
  void aChangeTheControlDatabaseFailedToRecordIsRecordedOnceByTheNextRun() throws Exception {
    long subject = account(1);
    var before = rowsBefore(subject);
    var request =
        intake.receive(
            RequestKind.ERASE, Long.toString(subject), null, "DSR-F", "test", validator.load());
    dev.lethe.report.RunReport failed;
    try (var fault = ControlFaults.refuseTheNextRequestChange(control)) {
      failed = runs.run("requests", DemoData.AS_OF, "test", ProgressListener.SILENT).report();
      assertThat(failed.status()).isEqualTo("FAILED");
    }
    assertThat(requests.find(request.id()).done()).isFalse();

    var next = runs.run("requests", DemoData.AS_OF, "test", ProgressListener.SILENT).report();
    assertThat(next.status()).isEqualTo("COMPLETED");
    runRequests();

    recordedOnceAndTruthfully(request, before);
    assertThat(ControlFaults.recoveredEntries(control, request.id())).isOne();
    // the runs' reports count every row once: the recovered change in the run that recorded it
    long changed =
        requests.find(request.id()).outcomes().stream()
            .mapToLong(o -> o.deleted() + o.pseudonymised())
            .sum();
    assertThat(failed.deleted() + failed.pseudonymised() + next.deleted() + next.pseudonymised())
        .isEqualTo(changed);
  }

  /**
   * A purge of the same store, run before the requests run that would take it, leaves the request's
   * record where it is: neither refused nor counted as a window's; the requests run takes it.
   */
  @Test
  void aPurgeLeavesARequestsRecordToTheRequestsRun() throws Exception {
    long subject = account(2);
    var before = rowsBefore(subject);
    var request =
        intake.receive(
            RequestKind.ERASE, Long.toString(subject), null, "DSR-F", "test", validator.load());
    try (var fault = ControlFaults.refuseTheNextRequestChange(control)) {
      assertThat(runRequests()).isEqualTo("FAILED");
    }
    long waiting =
        APP.count("SELECT count(*) FROM lethe.outbox")
            + ANALYTICS.count("SELECT count(*) FROM lethe.outbox");
    assertThat(waiting).isOne();
    var id =
        APP.count("SELECT count(*) FROM lethe.outbox") == 1
            ? APP.text("SELECT id::text FROM lethe.outbox")
            : ANALYTICS.text("SELECT id::text FROM lethe.outbox");

    dev.lethe.support.Events.create(APP, schema, 500, 20);
    var policy = "events-" + schema;
    policy(policy, dev.lethe.support.Events.policy(policy, schema, ""));
    var job = jobName("purge");
    job(job, dev.lethe.support.Events.job(job, policy, "guards: {max-share: 1}"));
    var analyticsJob = jobName("views");
    job(
        analyticsJob,
        "job: " + analyticsJob + "\npolicies: [page-views]\nguards: {max-share: 1}\n");
    assertThat(runs.run(job, AS_OF, "test", ProgressListener.SILENT).report().status())
        .isEqualTo("COMPLETED");
    assertThat(
            runs.run(analyticsJob, DemoData.AS_OF, "test", ProgressListener.SILENT)
                .report()
                .status())
        .isEqualTo("COMPLETED");

    assertThat(
            APP.count("SELECT count(*) FROM lethe.outbox")
                + ANALYTICS.count("SELECT count(*) FROM lethe.outbox"))
        .isOne();
    assertThat(
            control
                .sql(
                    "SELECT count(*) FROM lethe.audit_entry WHERE kind = 'outbox' AND detail LIKE ?")
                .param("%" + id + "%")
                .query(Long.class)
                .single())
        .isZero();
    assertThat(runRequests()).isEqualTo("COMPLETED");
    recordedOnceAndTruthfully(request, before);
    assertThat(ControlFaults.recoveredEntries(control, request.id())).isOne();
  }

  /**
   * A record left for a request no longer on record (its rows removed from the control database)
   * neither blocks the next request in that store nor goes unrecorded: the trail takes it, saying
   * so.
   */
  @Test
  void aRecordOfARequestNoLongerOnRecordIsRecordedAndBlocksNothing() throws Exception {
    var gone =
        intake.receive(
            RequestKind.ERASE, Long.toString(account(3)), null, "DSR-F", "test", validator.load());
    try (var fault = ControlFaults.refuseTheNextRequestChange(control)) {
      assertThat(runRequests()).isEqualTo("FAILED");
    }
    control.sql("DELETE FROM lethe.request_outcome WHERE request_id = ?").param(gone.id()).update();
    control.sql("DELETE FROM lethe.subject_request WHERE id = ?").param(gone.id()).update();
    long subject = account(4);
    var before = rowsBefore(subject);
    var next =
        intake.receive(
            RequestKind.ERASE, Long.toString(subject), null, "DSR-F", "test", validator.load());

    assertThat(runRequests()).isEqualTo("COMPLETED");

    recordedOnceAndTruthfully(next, before);
    assertThat(
            control
                .sql(
                    "SELECT count(*) FROM lethe.audit_entry WHERE detail LIKE ? AND detail LIKE"
                        + " '%no longer on record%'")
                .param("request " + gone.id() + ":%")
                .query(Long.class)
                .single())
        .isOne();
  }

  /**
   * A request cancelled after a run was cut off between its change and its record: the next
   * requests run, with no request left to carry out, takes the record all the same; the outcome
   * says what went before the cancellation. And a request being carried out cannot be cancelled
   * halfway.
   */
  @Test
  void aCancelledRequestsChangeIsRecordedAndARunningOneCannotBeCancelled() throws Exception {
    long subject = account(5);
    var request =
        intake.receive(
            RequestKind.ERASE, Long.toString(subject), null, "DSR-F", "test", validator.load());
    try (var fault = ControlFaults.refuseTheNextRequestChange(control)) {
      assertThat(runRequests()).isEqualTo("FAILED");
    }
    // a runner holds the request: no cancel in the middle of it
    try (var runner =
        dev.lethe.system.SessionLock.tryAcquire(controlDataSource, "lethe.request." + request.id())
            .orElseThrow()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> cancellation.cancel(request.id(), "withdrawn", "dpo"))
          .isInstanceOf(dev.lethe.system.BadInputException.class)
          .hasMessageContaining("is being changed right now: carried out by a run");
    }
    cancellation.cancel(request.id(), "withdrawn by the subject", "dpo");
    long waiting =
        APP.count("SELECT count(*) FROM lethe.outbox")
            + ANALYTICS.count("SELECT count(*) FROM lethe.outbox");
    assertThat(waiting).isOne();

    var taking = runs.run("requests", DemoData.AS_OF, "test", ProgressListener.SILENT).report();
    assertThat(taking.status()).isEqualTo("COMPLETED");

    assertThat(
            APP.count("SELECT count(*) FROM lethe.outbox")
                + ANALYTICS.count("SELECT count(*) FROM lethe.outbox"))
        .isZero();
    var cancelled = requests.find(request.id());
    assertThat(cancelled.status()).isEqualTo(SubjectRequest.CANCELLED);
    assertThat(cancelled.outcomes())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.fin()).isTrue();
              assertThat(o.outcome()).endsWith("before the request was cancelled");
              assertThat(ControlFaults.rowsInTrail(control, request.id(), o.policy()))
                  .isEqualTo(o.deleted() + o.pseudonymised())
                  .isPositive();
            });
    assertThat(ControlFaults.recoveredEntries(control, request.id())).isOne();
    // the run that recorded the change lists the request, cancelled, with the rows it recorded,
    // and its report still follows the published schema
    long recorded =
        cancelled.outcomes().stream().mapToLong(o -> o.deleted() + o.pseudonymised()).sum();
    assertThat(taking.requests())
        .filteredOn(r -> r.request() == request.id())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(SubjectRequest.CANCELLED);
              assertThat(r.deleted() + r.pseudonymised()).isEqualTo(recorded).isPositive();
            });
    var json =
        control
            .sql("SELECT report FROM lethe.run_report WHERE job_execution_id = ?")
            .param(taking.run())
            .query(String.class)
            .single();
    assertThat(dev.lethe.report.PublishedReportSchema.errors(json)).isEmpty();
  }
}
