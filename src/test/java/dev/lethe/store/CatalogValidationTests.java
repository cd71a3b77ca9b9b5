package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.policy.Problem;
import dev.lethe.retention.Validator;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.system.BadInputException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class CatalogValidationTests extends LetheTests {

  @Autowired Validator validator;

  @BeforeEach
  void events() {
    Events.create(APP, schema, 1000, 50);
    job(jobName("purge"), Events.job(jobName("purge"), "events", ""));
  }

  private List<Problem> errorsOf(String policyYaml) {
    policy("events", policyYaml);
    return validator.validate().problems().errors();
  }

  private String events(String extra) {
    return Events.policy("events", schema, extra);
  }

  @Test
  void theWorkedExampleShapeValidates() {
    assertThat(errorsOf(events(""))).isEmpty();
  }

  @Test
  void unknownStoreNamesTheConfiguredOnes() {
    var errors = errorsOf(events("").replace("store: app", "store: warehouse"));

    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.line()).isEqualTo(5);
              assertThat(e.message()).contains("no store named 'warehouse'");
              assertThat(e.fix()).contains("app", "lethe.stores.warehouse");
            });
  }

  @Test
  void unknownTableAndColumnsAreErrorsOnTheirLines() {
    var errors = errorsOf(events("").replace(".event", ".evnt"));
    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.line()).isEqualTo(6);
              assertThat(e.message()).contains("no table '" + schema + ".evnt'");
            });

    errors =
        errorsOf(
            events("")
                .replace("subject: subject_id", "subject: subject")
                .replace("clock: occurred_at", "clock: occured_at"));
    assertThat(errors)
        .extracting(Problem::line, Problem::field)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(8, "subject"),
            org.assertj.core.groups.Tuple.tuple(9, "clock"));
    assertThat(errors.get(0).fix()).contains("subject_id", "occurred_at");
  }

  @Test
  void clockMustBeAPointInTime() {
    var errors = errorsOf(events("").replace("clock: occurred_at", "clock: status"));

    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("clock");
              assertThat(e.message()).contains("is text, not a point in time");
            });
  }

  @Test
  void keyMustBeUnique() {
    var errors = errorsOf(events("").replace("key: id", "key: subject_id"));

    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("key");
              assertThat(e.message()).contains("not a unique, not-null key");
              assertThat(e.fix()).contains("[id]");
            });
  }

  @Test
  void conditionValuesMustFitTheirColumn() {
    var errors = errorsOf(events("where:\n  - column: occurred_at\n    before: last-tuesday"));

    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.line()).isEqualTo(14);
              assertThat(e.message())
                  .contains("'last-tuesday' is not a value of column 'occurred_at'");
            });
  }

  @Test
  void deletesThatWouldCascadeAreRefusedUnlessAllowed() {
    APP.run(
        "CREATE TABLE "
            + schema
            + ".attachment (id bigint PRIMARY KEY, event_id bigint REFERENCES "
            + schema
            + ".event (id) ON DELETE CASCADE)");

    var errors = errorsOf(events(""));
    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.message())
                  .contains("would reach " + schema + ".attachment", "ON DELETE CASCADE");
              assertThat(e.fix()).contains("allow-cascade: true");
            });

    assertThat(errorsOf(events("allow-cascade: true"))).isEmpty();
  }

  @Test
  void overlappingPoliciesAreReported() {
    policy("events-long", Events.policy("events-long", schema, "").replace("P1Y", "P2Y"));
    policy("events", events(""));

    var problems = validator.validate().problems();

    assertThat(problems.errors()).isEmpty();
    assertThat(problems.warnings())
        .filteredOn(w -> w.message().contains("keeping wins"))
        .singleElement()
        .satisfies(w -> assertThat(w.message()).contains("'events'", "'events-long'"));
    // and what requests do there
    assertThat(problems.warnings())
        .filteredOn(w -> w.message().contains("An erasure removes a subject's rows under both"))
        .hasSize(1);
  }

  @Test
  void aHoldOnOnePolicyOfATableKeepsTheSubjectsRowsFromEveryPolicyOnIt() {
    // the hold names the other policy on the table; the purge runs this one
    policy("events-other", Events.policy("events-other", schema, "").replace("P1Y", "P30D"));
    policy("events", events(""));
    holds.place("3", "events-other", null, "LIT-S", "court", "dpo");
    long held = APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 3");

    var plan = plans.plan(jobName("purge"), AS_OF);
    var report = run(jobName("purge"));

    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 3"))
        .isEqualTo(held);
    assertThat(outcome(report, "events").heldByHolds()).isPositive();
    assertThat(outcome(report, "events").holdCases())
        .containsExactly("LIT-S (" + outcome(report, "events").heldByHolds() + ")");
    assertThat(plan.policies().get(0).counts().heldByHolds())
        .isEqualTo(outcome(report, "events").heldByHolds());
  }

  /**
   * Two policies on one table that look for the subject in different columns: a hold on a subject
   * under one would not keep the rows from the other (found by an outside attack on log stores,
   * where a user's hold did not spare lines from a policy by client address).
   */
  @Test
  void twoPoliciesOnOneTableWithDifferentSubjectColumnsAreRefused() {
    APP.run("ALTER TABLE " + schema + ".event ADD COLUMN recipient_id bigint");
    policy(
        "events-received",
        Events.policy("events-received", schema, "")
            .replace("subject: subject_id", "subject: recipient_id"));
    policy("events", events(""));

    var errors = validator.validate().problems().errors();

    assertThat(errors)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.toString())
                    .contains("field 'subject'")
                    .contains("with different subject columns")
                    .contains("Fix: give both policies the same subject column"));
  }

  @Test
  void twoPoliciesMakingTokensOfOneColumnWithTwoMarkersAreRefused() {
    APP.run(
        "ALTER TABLE "
            + schema
            + ".event ADD COLUMN email text, ADD COLUMN m1 timestamptz, ADD COLUMN m2 timestamptz");
    for (var marker : java.util.List.of("m1", "m2")) {
      policy(
          "tokens-" + marker,
          Events.policy("tokens-" + marker, schema, "")
              .replace(
                  "retain: P1Y\naction: delete",
                  "marker: "
                      + marker
                      + "\nretain: P30D\naction: pseudonymise\ntransform: {email: hmac}"));
    }
    policy("events", events(""));

    var errors = validator.validate().problems().errors();

    assertThat(errors)
        .anySatisfy(
            e ->
                assertThat(e.message())
                    .contains("'tokens-m1' and 'tokens-m2' both make tokens (hmac) of", ".email"));
  }

  @Test
  void theLongerRetentionWinsWhereTwoPoliciesOverlap() {
    policy("events-long", Events.policy("events-long", schema, "").replace("P1Y", "P2Y"));
    policy("events", events(""));

    var report = run(jobName("purge"));

    // rows older than one year but younger than two (731 days: 2024 is a leap year) stay
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(731);
    assertThat(outcome(report, "events").deleted()).isEqualTo(269);
  }

  @Test
  void aBadPolicyStopsTheRunBeforeAnythingChanges() {
    policy("events", events(""));
    policy("broken", Events.policy("broken", schema, "").replace("P1Y", "one year"));

    assertThatThrownBy(() -> run(jobName("purge")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("broken.yml:10")
        .hasMessageContaining("retain");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000);
  }
}
