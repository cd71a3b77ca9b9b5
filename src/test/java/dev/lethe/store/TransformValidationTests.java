package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.policy.Problem;
import dev.lethe.retention.Validator;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.support.Visits;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A transform that cannot fit its column is refused by validate, on its line, with a fix. */
class TransformValidationTests extends LetheTests {

  @Autowired Validator validator;

  @BeforeEach
  void visits() {
    Visits.create(APP, schema, "visit", 10);
    APP.run(
        "ALTER TABLE "
            + schema
            + ".visit ADD COLUMN short_code varchar(8), ADD COLUMN small int,"
            + " ADD COLUMN flag boolean, ADD COLUMN parent_id bigint REFERENCES "
            + schema
            + ".visit (id)");
    job(jobName("v"), Events.job(jobName("v"), "visits", ""));
  }

  private List<Problem> errorsOf(String transform) {
    policy(
        "visits",
        Visits.policy(
            "visits",
            schema,
            "visit",
            "retain: P30D\naction: pseudonymise\ntransform:\n  " + transform + "\n"));
    return validator.validate().problems().errors();
  }

  @Test
  void everyTransformOfTheWorkedShapeFits() {
    policy("visits", Visits.policy("visits", schema, "visit", Visits.EVERY_TRANSFORM));
    assertThat(validator.validate().problems().errors()).isEmpty();
  }

  @Test
  void aTokenThatDoesNotFitItsColumnIsRefused() {
    assertThat(errorsOf("short_code: hmac"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.line()).isEqualTo(14);
              assertThat(e.message()).contains("64 characters", "character varying(8)");
              assertThat(e.fix()).contains("varchar(64)");
            });
    assertThat(errorsOf("small: hmac"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("63 bits", "collide"));
    assertThat(errorsOf("flag: hmac"))
        .singleElement()
        .satisfies(e -> assertThat(e.fix()).contains("text", "bigint", "uuid"));
  }

  @Test
  void aTransformOnTheWrongKindOfColumnIsRefused() {
    assertThat(errorsOf("age: ip-prefix"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("ip-prefix needs an address"));
    assertThat(errorsOf("email: year"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("truncates a date"));
    assertThat(errorsOf("age: {keep-first: 1}"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("masks characters of text"));
    assertThat(errorsOf("email: {round: 2}"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("round needs a number"));
    assertThat(errorsOf("short_code: browser-family"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("24 characters"));
    assertThat(errorsOf("note: null"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("NOT NULL"));
    assertThat(errorsOf("age: {constant: forty}"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("not a integer value"));
    assertThat(errorsOf("nope: hmac"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("no column 'nope'"));
  }

  @Test
  void columnsThatIdentifyOrAgeTheRowAreNeverTransformed() {
    assertThat(errorsOf("id: hmac"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("part of the policy's key"));
    assertThat(errorsOf("seen_at: year"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("the policy's clock"));
    assertThat(errorsOf("done_at: null"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("the policy's marker"));
    assertThat(errorsOf("parent_id: hmac"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("foreign key"));
  }

  @Test
  void theMarkerMustBeANullableTimeOrBoolean() {
    policy(
        "visits",
        Visits.policy(
                "visits",
                schema,
                "visit",
                "retain: P30D\naction: pseudonymise\ntransform: {email: hmac}")
            .replace("marker: done_at", "marker: note"));

    assertThat(validator.validate().problems().errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("marker");
              assertThat(e.message()).contains("text NOT NULL");
              assertThat(e.fix()).contains("nullable timestamptz");
            });
  }

  @Test
  void aRelatedClockNeedsATableWithAKeyAndAViaColumnOfItsKind() {
    APP.run(
        "CREATE TABLE "
            + schema
            + ".account (id bigint PRIMARY KEY, closed_at timestamptz, code text)");
    policy(
        "visits",
        Visits.policy("visits", schema, "visit", "retain: P30D\naction: delete")
            .replace("marker: done_at\n", "")
            .replace("clock: seen_at", "clock: {from: account.closed_at, via: email}"));
    assertThat(validator.validate().problems().errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.message())
                    .contains("column 'email' is text but", ".account.id is bigint"));

    policy(
        "visits",
        Visits.policy("visits", schema, "visit", "retain: P30D\naction: delete")
            .replace("marker: done_at\n", "")
            .replace("clock: seen_at", "clock: {from: account.code, via: subject_id}"));
    assertThat(validator.validate().problems().errors())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("not a point in time"));

    policy(
        "visits",
        Visits.policy("visits", schema, "visit", "retain: P30D\naction: delete")
            .replace("marker: done_at\n", "")
            .replace("clock: seen_at", "clock: {from: acount.closed_at, via: subject_id}"));
    assertThat(validator.validate().problems().errors())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("no table 'acount'"));
  }

  @Test
  void anErasureTransformIsCheckedLikeAStageAndTheContactMustBeAnAddressHeldByConsent() {
    policy(
        "visits",
        Visits.policy(
            "visits",
            schema,
            "visit",
            "retain: P30D\naction: delete\ncontact: age\non-erasure:\n  action: pseudonymise\n"
                + "  transform: {short_code: hmac}\n"));

    assertThat(validator.validate().problems().errors())
        .extracting(Problem::toString)
        .anySatisfy(e -> assertThat(e).contains("short_code", "character varying(8)"))
        .anySatisfy(e -> assertThat(e).contains("field 'contact'", "not text"));

    policy(
        "visits",
        Visits.policy("visits", schema, "visit", "retain: P30D\naction: delete\ncontact: email\n")
            .replace("marker: done_at\n", ""));
    assertThat(validator.validate().problems().errors())
        .extracting(Problem::toString)
        .singleElement()
        .satisfies(e -> assertThat(e).contains("field 'contact'", "consent"));
  }

  @Test
  void aPseudonymiseStageOnATableNeedsAMarker() {
    policy(
        "visits",
        Visits.policy(
                "visits",
                schema,
                "visit",
                "retain: P30D\naction: pseudonymise\ntransform: {email: hmac}")
            .replace("marker: done_at\n", ""));

    assertThat(validator.validate().problems().errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("marker");
              assertThat(e.message()).contains("is missing");
              assertThat(e.fix()).contains("ADD COLUMN");
            });
  }
}
