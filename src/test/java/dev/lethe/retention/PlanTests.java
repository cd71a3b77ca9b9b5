package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import org.junit.jupiter.api.Test;

class PlanTests extends LetheTests {

  private String checksum(String table) {
    return APP.text("SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM " + table + " t");
  }

  @Test
  void dryRunChangesNothingAndItsCountsAreWhatTheRunThenDoes() throws java.io.IOException {
    // given events with held, restricted and referenced rows, and a parent table whose rows are
    // only freed by the child policy that runs first
    Events.create(APP, schema, 1000, 50);
    APP.run(
        "CREATE TABLE "
            + schema
            + ".note (id bigint PRIMARY KEY, event_id bigint REFERENCES "
            + schema
            + ".event (id), written_at timestamptz NOT NULL, subject_id bigint);"
            + "INSERT INTO "
            + schema
            + ".note SELECT i, i, timestamptz '2026-01-01 00:00:00+00' - (i % 700) * interval '1 day', i % 50"
            + " FROM generate_series(400, 1000, 3) i");
    holds.place("7", null, null, "LIT-1", "court case", "test");
    restrictions.place("8", "accuracy contested", "test");
    policy("events", Events.policy("events", schema, ""));
    policy(
        "notes",
        """
        policy: notes
        category: usage-data
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
    job(jobName("purge"), Events.job(jobName("purge"), "events, notes", ""));
    var eventsBefore = checksum(schema + ".event");
    var notesBefore = checksum(schema + ".note");

    // when
    var plan = plans.plan(jobName("purge"), AS_OF);

    // a dry-run leaves its report too, next to the runs'
    try (var written = java.nio.file.Files.list(WORKSPACE.resolve("reports"))) {
      var planFiles =
          written
              .filter(
                  f ->
                      f.getFileName().toString().startsWith(jobName("purge") + "-2026-01-01-plan-"))
              .toList();
      assertThat(planFiles).hasSize(2);
      var json =
          java.nio.file.Files.readString(
              planFiles.stream()
                  .filter(f -> f.toString().endsWith(".json"))
                  .findFirst()
                  .orElseThrow());
      assertThat(json).contains("\"step\" : \"events\"", "\"wouldChange\" : ");
    }

    // then nothing changed, and the run does what the plan said
    assertThat(checksum(schema + ".event")).isEqualTo(eventsBefore);
    assertThat(checksum(schema + ".note")).isEqualTo(notesBefore);
    assertThat(plan.policies())
        .extracting(Plan.PolicyPlan::step)
        .containsExactly("notes", "events");
    var report = run(jobName("purge"));
    for (var planned : plan.policies()) {
      var done = outcome(report, planned.step());
      var counts = planned.counts();
      assertThat(done.examined()).as(planned.step() + " expired").isEqualTo(counts.examined());
      assertThat(done.deleted()).as(planned.step() + " deleted").isEqualTo(counts.wouldChange());
      assertThat(done.heldByHolds()).as(planned.step() + " held").isEqualTo(counts.heldByHolds());
      assertThat(done.heldByRestrictions())
          .as(planned.step() + " restricted")
          .isEqualTo(counts.heldByRestrictions());
      assertThat(done.referenced())
          .as(planned.step() + " referenced")
          .isEqualTo(counts.referenced());
    }
    var events = outcome(report, "events");
    assertThat(events.referenced()).isPositive();
    assertThat(events.heldByHolds()).isPositive();
    assertThat(events.heldByRestrictions()).isPositive();
    assertThat(events.deleted())
        .isEqualTo(635 - events.referenced() - events.heldByHolds() - events.heldByRestrictions());
  }

  /** A plan's words are what they say: its columns named, no table of no steps, no zero promise. */
  @Test
  void aPlanSaysWhatItsColumnsAreAndNothingOfWhatIsNotThere() {
    Events.create(APP, schema, 100, 10);
    policy("events", Events.policy("events", schema, ""));
    job(jobName("purge"), Events.job(jobName("purge"), "events", "") + "requests: true\n");

    var text = plans.plan(jobName("purge"), AS_OF).render();

    assertThat(text)
        .containsPattern("rows\\s+due\\s+action\\s+would change")
        .contains("No data-subject request is waiting.")
        .doesNotContain("carries out 0");
    // a job of statistics only: no empty table
    statistic();
    job(jobName("stats"), "job: " + jobName("stats") + "\nstatistics: [views-" + schema + "]\n");
    var stats = plans.plan(jobName("stats"), AS_OF).render();
    assertThat(stats).contains("no policy steps").doesNotContain("would change");
  }

  private void statistic() {
    APP.run(
        "CREATE TABLE "
            + schema
            + ".view (id bigint PRIMARY KEY, subject_id bigint, seen_at timestamptz NOT NULL,"
            + " country text)");
    job(
        "views-" + schema,
        """
        statistic: views-%s
        store: app
        table: %s.view
        time: seen_at
        bucket: day
        dimensions: [country]
        measures: [rows]
        subject: subject_id
        minimum-subjects: 10
        """
            .formatted(schema, schema));
  }
}
