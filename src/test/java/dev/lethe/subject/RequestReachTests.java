package dev.lethe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.demo.DemoData;
import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.support.DemoStores;
import dev.lethe.support.LetheTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A request must reach every place (store, table) its policies governed when it was received: a
 * store or policy removed from the configuration before it runs left an erasure or export "done"
 * without those rows (found by an outside attack).
 */
class RequestReachTests extends LetheTests {

  private static final String SURVEYS = "reach:app/surveys.response";

  @Autowired RequestIntake intake;
  @Autowired RequestService requests;
  @Autowired Validator validator;

  private Path surveyPolicy;
  private String surveyPolicyText;

  @BeforeEach
  void demoStoresAndTheirPolicies() throws IOException {
    DemoStores.load();
    DemoStores.copyPolicies(WORKSPACE.resolve("policies"));
    surveyPolicy = WORKSPACE.resolve("policies/survey-responses.yml");
    surveyPolicyText = Files.readString(surveyPolicy);
  }

  /** A subject with survey answers, none other tests use. */
  private String subjectWithAnswers(int nth) {
    return Long.toString(
        APP.longs("SELECT DISTINCT account_id FROM surveys.response ORDER BY account_id DESC")
            .get(nth));
  }

  private SubjectRequest receive(RequestKind kind, String subject, String reference) {
    return intake.receive(kind, subject, null, reference, "test", validator.load());
  }

  /** The survey answers' policy under another name: the same table. */
  private void renameSurveyPolicy(String name) throws IOException {
    Files.delete(surveyPolicy);
    Files.writeString(
        surveyPolicy.resolveSibling(name + ".yml"),
        surveyPolicyText.replace("policy: survey-responses", "policy: " + name));
  }

  /** Sets the places the request recorded when received to {@code reach}, an SQL expression. */
  private void recordedReach(SubjectRequest request, String reach) {
    control
        .sql("UPDATE lethe.subject_request SET reach = " + reach + " WHERE id = ?")
        .param(request.id())
        .update();
  }

  private void assertDoneWithEveryPlaceReached(SubjectRequest request) {
    var done = requests.find(request.id());
    assertThat(done.outcomes()).noneMatch(o -> o.policy().startsWith("reach:"));
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
  }

  private long answers(String subject) {
    return APP.count("SELECT count(*) FROM surveys.response WHERE account_id = " + subject);
  }

  private void runRequests() {
    runs.run("requests", DemoData.AS_OF, "test", ProgressListener.SILENT);
  }

  private static SubjectRequest.Outcome outcome(SubjectRequest request, String policy) {
    return request.outcomes().stream()
        .filter(o -> o.policy().equals(policy))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no outcome for " + policy + ": " + request));
  }

  @Test
  void anErasureIsNotDoneWhileAPlaceItHadToReachIsNoLongerCovered() throws IOException {
    var subject = subjectWithAnswers(3);
    assertThat(answers(subject)).isPositive();
    var request = receive(RequestKind.ERASE, subject, "DSR-REACH-1");
    Files.delete(surveyPolicy);

    runRequests();

    var partly = requests.find(request.id());
    assertThat(partly.status()).isEqualTo(SubjectRequest.PARTLY_DONE);
    var unreached = outcome(partly, SURVEYS);
    assertThat(unreached.fin()).isFalse();
    assertThat(unreached.outcome())
        .startsWith("not reached: table surveys.response of store app")
        .contains("were not erased");
    assertThat(answers(subject)).isPositive();

    // the policy back: the next run reaches the answers, and the request is done
    Files.writeString(surveyPolicy, surveyPolicyText);
    runRequests();

    var done = requests.find(request.id());
    assertThat(answers(subject)).isZero();
    assertThat(outcome(done, SURVEYS).fin()).isTrue();
    assertThat(outcome(done, SURVEYS).outcome()).startsWith("reached again");
    assertThat(outcome(done, "survey-responses").deleted()).isPositive();
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
  }

  @Test
  void anExportMissingAPlaceItHadToReachIsNotDone() throws IOException {
    var subject = subjectWithAnswers(4);
    var request = receive(RequestKind.EXPORT, subject, "DSR-REACH-2");
    Files.delete(surveyPolicy);

    runRequests();

    var partly = requests.find(request.id());
    assertThat(partly.status()).isEqualTo(SubjectRequest.PARTLY_DONE);
    assertThat(outcome(partly, SURVEYS).outcome()).contains("were not exported");
    // still open: the purge keeps sparing the subject's rows
    Files.writeString(surveyPolicy, surveyPolicyText);
    runRequests();
    var done = requests.find(request.id());
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
    assertThat(Files.readString(Path.of(done.exportFile()))).contains("survey-responses");
    assertThat(outcome(done, "survey-responses").exported()).isEqualTo(answers(subject));
  }

  @Test
  void aPolicyRenamedStillReachesItsTable() throws IOException {
    var subject = subjectWithAnswers(5);
    var request = receive(RequestKind.ERASE, subject, "DSR-REACH-3");
    renameSurveyPolicy("answers");

    runRequests();

    var done = requests.find(request.id());
    assertThat(done.outcomes()).noneMatch(o -> o.policy().equals(SURVEYS));
    assertThat(outcome(done, "answers").deleted()).isPositive();
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
  }

  /** The table spelt otherwise (as SQL folds it) is the same place. */
  @Test
  void aTableSpeltOtherwiseIsTheSamePlace() throws IOException {
    var subject = subjectWithAnswers(6);
    var request = receive(RequestKind.ERASE, subject, "DSR-REACH-4");
    Files.writeString(
        surveyPolicy,
        surveyPolicyText.replace("table: surveys.response", "table: Surveys.Response"));

    runRequests();

    var done = requests.find(request.id());
    assertThat(done.outcomes()).noneMatch(o -> o.policy().startsWith("reach:"));
    assertThat(answers(subject)).isZero();
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
  }

  /**
   * A request received while a store could not be asked records its tables as the policies spell
   * them: the same places, once the store answers.
   */
  @Test
  void aPlaceRecordedWhileItsStoreCouldNotBeAskedIsThePolicysSpelling() throws IOException {
    var subject = subjectWithAnswers(9);
    Files.writeString(
        surveyPolicy,
        surveyPolicyText.replace("table: surveys.response", "table: Surveys.Response"));
    var request = receive(RequestKind.ERASE, subject, "DSR-REACH-7");
    recordedReach(request, "array_replace(reach, 'app/surveys.response', 'app/Surveys.Response')");

    runRequests();

    assertDoneWithEveryPlaceReached(request);
  }

  /** A store renamed in the configuration (the same database) still reaches its places. */
  @Test
  void aStoreRenamedInTheConfigurationStillReachesItsPlaces() throws IOException {
    var subject = subjectWithAnswers(10);
    var request = receive(RequestKind.ERASE, subject, "DSR-REACH-8");
    // as if the store had been named "crm" when the request came in
    recordedReach(request, "(SELECT array_agg(replace(r, 'app/', 'crm/')) FROM unnest(reach) r)");

    runRequests();

    assertDoneWithEveryPlaceReached(request);
  }

  /**
   * A policy renamed while a hold kept its rows: the hold's old outcome ("held") no longer stands
   * once the new policy, on the same table, has done the rest; it stood forever, and the request
   * stayed partly done held by a released hold (found by an outside attack).
   */
  @Test
  void aRenamedPolicysOldOutcomeIsSupersededByTheNewOnesOnItsTable() throws IOException {
    var subject = subjectWithAnswers(7);
    var hold = holds.place(subject, "survey-responses", null, "LIT-REACH", "a claim", "dpo");
    var request = receive(RequestKind.ERASE, subject, "DSR-REACH-5");
    runRequests();
    assertThat(outcome(requests.find(request.id()), "survey-responses").heldBy())
        .isEqualTo("LIT-REACH");

    holds.release(hold.id(), "claim settled", "dpo");
    renameSurveyPolicy("answers");
    runRequests();

    var done = requests.find(request.id());
    assertThat(answers(subject)).isZero();
    assertThat(outcome(done, "survey-responses").fin()).isTrue();
    assertThat(outcome(done, "survey-responses").outcome())
        .startsWith("superseded: policy survey-responses no longer covers the request");
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
  }

  /** A table done before its policy was removed was reached: nothing to add. */
  @Test
  void aPlaceDoneBeforeItsPolicyWasRemovedWasReached() throws IOException {
    var subject = subjectWithAnswers(8);
    var request = receive(RequestKind.ERASE, subject, "DSR-REACH-6");
    // a hold on the account's other data keeps the request open; the answers go
    var hold = holds.place(subject, "closed-accounts", null, "LIT-OPEN", "a claim", "dpo");
    runRequests();
    assertThat(outcome(requests.find(request.id()), "survey-responses").fin()).isTrue();

    Files.delete(surveyPolicy);
    holds.release(hold.id(), "claim settled", "dpo");
    runRequests();

    var done = requests.find(request.id());
    assertThat(done.outcomes()).noneMatch(o -> o.policy().startsWith("reach:"));
    assertThat(done.status()).isEqualTo(SubjectRequest.DONE);
  }
}
