package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The audit trail: what a run deleted, per subject; holds; and the chain that finds an edited,
 * deleted or reordered entry, or an edited report, and names it.
 */
class AuditTests extends LetheTests {

  @Autowired AuditTrail audit;
  @Autowired AuditVerifier verifier;

  private AuditVerifier.Result verify() {
    return verifier.verify(WORKSPACE.resolve("reports"));
  }

  /** Runs {@code sql} on the trail with its append-only trigger off, as an intruder would. */
  private void tamper(String sql) {
    control.sql("ALTER TABLE lethe.audit_entry DISABLE TRIGGER audit_entry_append_only").update();
    try {
      control.sql(sql).update();
    } finally {
      control.sql("ALTER TABLE lethe.audit_entry ENABLE TRIGGER audit_entry_append_only").update();
    }
  }

  @Test
  void aRunRecordsPerSubjectWhatItDeletedAndTheReportEndsOnItsLastEntry() {
    var job = eventsPurge("");
    var hold = holds.place("3", null, null, "LIT-7", "court", "dpo");

    // rows 366 to 1000 are past their time (Events); subject 1 has some of them
    long subjectOnes =
        APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 1 AND id >= 366");
    var report = run(job);
    // the report names the case whose hold kept rows
    assertThat(outcome(report, "events").heldByHolds()).isPositive();
    assertThat(outcome(report, "events").holdCases()).containsExactly("LIT-7");

    var token = audit.token("1").orElseThrow();
    // (the trail is shared by every test of this run: other tests' subjects 1 are there too)
    var entries =
        audit.about(token).stream()
            .filter(e -> Long.valueOf(report.run()).equals(e.runId()))
            .toList();
    assertThat(entries)
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo("purge");
              assertThat(e.action()).isEqualTo("deleted");
              assertThat(e.policy()).isEqualTo("events");
            });
    assertThat(subjectOnes).isPositive();
    assertThat(entries.stream().mapToLong(e -> e.rowsOf(token)).sum()).isEqualTo(subjectOnes);
    // the held subject: its hold, and no deletion
    var held =
        audit.about(audit.token("3").orElseThrow()).stream()
            .filter(e -> e.detail() != null && e.detail().contains("LIT-7"))
            .toList();
    assertThat(held)
        .extracting(AuditEntry::kind, AuditEntry::action)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("hold", "placed"));
    assertThat(held.get(0).detail()).contains("case LIT-7", "all data").doesNotContain("court");
    holds.release(hold.id(), "settled", "dpo");
    assertThat(
            audit.about(audit.token("3").orElseThrow()).stream()
                .filter(e -> e.detail() != null && e.detail().contains("hold " + hold.id() + ","))
                .map(AuditEntry::action))
        .containsExactly("placed", "released");
    assertThat(
            audit.about(audit.token("3").orElseThrow()).stream()
                .filter(e -> Long.valueOf(report.run()).equals(e.runId())))
        .as("the held subject's rows were not deleted")
        .isEmpty();
    // every entry's subjects are tokens of 32 bytes, and the run's deletions add up
    assertThat(
            control
                .sql(
                    "SELECT coalesce(sum(total_rows), 0) FROM lethe.audit_entry WHERE run_id = ?"
                        + " AND kind = 'purge'")
                .param(report.run())
                .query(Long.class)
                .single())
        .isEqualTo(report.deleted());
    assertThat(report.auditHash())
        .isEqualTo(
            control
                .sql(
                    "SELECT hash FROM lethe.audit_entry WHERE run_id = ? AND kind = 'purge'"
                        + " ORDER BY seq DESC LIMIT 1")
                .param(report.run())
                .query(String.class)
                .single());
    assertThat(verify().intact()).as(verify().breaks().toString()).isTrue();
  }

  @Test
  void theTrailIsAppendOnly() {
    eventsPurge("");
    holds.place("4", null, null, "LIT-8", "court", "dpo");
    assertThatThrownBy(() -> control.sql("UPDATE lethe.audit_entry SET rows = rows").update())
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> control.sql("DELETE FROM lethe.audit_entry").update())
        .hasMessageContaining("append-only");
  }

  @Test
  void editingDeletingOrReorderingAnEntryIsFoundAndTheEntryNamed() {
    var job = eventsPurge("");
    run(job);
    holds.place("5", null, null, "LIT-9", "court", "dpo");
    assertThat(verify().intact()).as(verify().breaks().toString()).isTrue();
    long seq =
        control
            .sql("SELECT max(seq) FROM lethe.audit_entry WHERE kind = 'purge'")
            .query(Long.class)
            .single();

    // edited: fewer rows than were deleted
    tamper("UPDATE lethe.audit_entry SET total_rows = total_rows - 1 WHERE seq = " + seq);
    assertThat(verify().breaks().get(0)).startsWith("entry " + seq + " (").contains("edited");
    tamper("UPDATE lethe.audit_entry SET total_rows = total_rows + 1 WHERE seq = " + seq);
    assertThat(verify().intact()).isTrue();

    // deleted
    var copy = "audit_copy_" + schema;
    control.sql("CREATE TABLE lethe." + copy + " AS SELECT * FROM lethe.audit_entry").update();
    try {
      tamper("DELETE FROM lethe.audit_entry WHERE seq = " + seq);
      assertThat(verify().breaks().get(0))
          .startsWith("entry " + (seq + 1) + " (")
          .contains("entries " + seq + " to " + seq + " are missing");
      tamper("INSERT INTO lethe.audit_entry SELECT * FROM lethe." + copy + " WHERE seq = " + seq);
      assertThat(verify().intact()).isTrue();

      // reordered: two entries swap places
      tamper(
          "UPDATE lethe.audit_entry SET seq = CASE seq WHEN "
              + seq
              + " THEN -1 ELSE seq END WHERE seq = "
              + seq);
      tamper("UPDATE lethe.audit_entry SET seq = " + seq + " WHERE seq = " + (seq + 1));
      tamper("UPDATE lethe.audit_entry SET seq = " + (seq + 1) + " WHERE seq = -1");
      assertThat(verify().breaks().get(0))
          .startsWith("entry " + seq + " (")
          .contains("does not follow the entry before it");
    } finally {
      tamper("DELETE FROM lethe.audit_entry WHERE seq IN (" + seq + ", " + (seq + 1) + ")");
      tamper(
          "INSERT INTO lethe.audit_entry SELECT * FROM lethe."
              + copy
              + " WHERE seq IN ("
              + seq
              + ", "
              + (seq + 1)
              + ")");
      control.sql("DROP TABLE lethe." + copy).update();
    }
    assertThat(verify().intact()).as(verify().breaks().toString()).isTrue();
  }

  @Test
  void editingAStoredReportOrItsFileIsFound() throws IOException {
    var job = eventsPurge("");
    var report = run(job);
    assertThat(verify().intact()).as(verify().breaks().toString()).isTrue();

    control
        .sql(
            "UPDATE lethe.run_report SET report = jsonb_set(report, '{startedBy}', '\"nobody\"')"
                + " WHERE job_execution_id = ?")
        .param(report.run())
        .update();
    assertThat(verify().breaks().get(0))
        .startsWith("report of run " + report.run())
        .contains("stored report was edited");
    control
        .sql(
            "UPDATE lethe.run_report SET report = jsonb_set(report, '{startedBy}', '\"test\"')"
                + " WHERE job_execution_id = ?")
        .param(report.run())
        .update();
    assertThat(verify().intact()).as(verify().breaks().toString()).isTrue();

    var file =
        WORKSPACE.resolve("reports").resolve(job + "-" + AS_OF + "-run" + report.run() + ".txt");
    var text = Files.readString(file);
    Files.writeString(file, text.replace("635", "600"));
    try {
      assertThat(verify().breaks().get(0))
          .contains("report file " + file, "edited after it was written");
    } finally {
      Files.writeString(file, text);
    }
    assertThat(verify().intact()).isTrue();
  }

  @Test
  void aSubjectIsRecordedByTheFirstEightBytesOfTheTokenReportsShow() {
    var tokens = testTokens();
    assertThat(String.format("%016x", audit.token("42").orElseThrow()))
        .isEqualTo(tokens.text("42").substring(0, 16));
  }

  @Test
  void aStageThatTokenisesTheSubjectIsRecordedUnderTheSubjectItHadBefore() {
    dev.lethe.support.Visits.create(APP, schema, "visit", 200);
    policy(
        "visits",
        dev.lethe.support.Visits.policy(
            "visits",
            schema,
            "visit",
            "retain: P30D\naction: pseudonymise\ntransform:\n  subject_id: hmac\n"));
    var job = jobName("visits");
    job(job, dev.lethe.support.Events.job(job, "visits", ""));
    // subject 7: rows 7, 27, ... 187; those more than 30 days old (id > 30) are due
    long due =
        APP.count("SELECT count(*) FROM " + schema + ".visit WHERE subject_id = 7 AND id > 30");

    var report = run(job);

    var token = audit.token("7").orElseThrow();
    var entries =
        audit.about(token).stream()
            .filter(e -> Long.valueOf(report.run()).equals(e.runId()))
            .toList();
    assertThat(entries).extracting(AuditEntry::action).containsOnly("pseudonymised");
    assertThat(entries.stream().mapToLong(e -> e.rowsOf(token)).sum()).isEqualTo(due).isPositive();
  }

  @Test
  void aPolicyThatAuditsCountsRecordsEachWindowWithoutItsSubjects() {
    Events.create(APP, schema, 1000, 50);
    policy("events", Events.policy("events", schema, "") + "audit: counts\n");
    var job = jobName("counts");
    job(job, Events.job(job, "events", ""));

    var report = run(job);

    var entries =
        control
            .sql(
                "SELECT length(subjects) || ' ' || total_rows || ' ' || detail"
                    + " FROM lethe.audit_entry WHERE run_id = ? AND kind = 'purge' ORDER BY seq")
            .param(report.run())
            .query(String.class)
            .list();
    assertThat(entries)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e).startsWith("0 ").endsWith("the policy says audit: counts"));
    assertThat(entries.stream().mapToLong(e -> Long.parseLong(e.split(" ")[1])).sum())
        .isEqualTo(report.deleted())
        .isEqualTo(635);
  }
}
