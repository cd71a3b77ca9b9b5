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
  @Autowired Checkpoints checkpoints;

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
    assertThat(outcome(report, "events").holdCases())
        .containsExactly("LIT-7 (" + outcome(report, "events").heldByHolds() + ")");

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
              + " THEN 9000000000000 ELSE seq END WHERE seq = "
              + seq);
      tamper("UPDATE lethe.audit_entry SET seq = " + seq + " WHERE seq = " + (seq + 1));
      tamper("UPDATE lethe.audit_entry SET seq = " + (seq + 1) + " WHERE seq = 9000000000000");
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

    // the columns beside the report, which 'lethe runs', the console and the metrics read
    for (var edit :
        java.util.List.of(
            "status = 'FAILED'",
            "ended_at = ended_at + interval '1 hour'",
            "started_at = started_at - interval '1 day'",
            "job = 'other'",
            "as_of = as_of + 1")) {
      var columns =
          control
              .sql(
                  "SELECT job, as_of, status, started_at, ended_at FROM lethe.run_report WHERE"
                      + " job_execution_id = ?")
              .param(report.run())
              .query()
              .singleRow();
      control
          .sql("UPDATE lethe.run_report SET " + edit + " WHERE job_execution_id = ?")
          .param(report.run())
          .update();
      try {
        assertThat(verify().breaks())
            .as(edit)
            .singleElement()
            .asString()
            .startsWith(
                "report of run "
                    + report.run()
                    + ": its job, as-of date, status, start or end in lethe.run_report were"
                    + " edited");
      } finally {
        control
            .sql(
                "UPDATE lethe.run_report SET job = ?, as_of = ?, status = ?, started_at = ?,"
                    + " ended_at = ? WHERE job_execution_id = ?")
            .params(
                columns.get("job"),
                columns.get("as_of"),
                columns.get("status"),
                columns.get("started_at"),
                columns.get("ended_at"),
                report.run())
            .update();
      }
    }
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

  /** The entries of the trail as they are now, to put back after an intruder's edit. */
  private String saveTrail() {
    var copy = "audit_save_" + schema + "_" + System.nanoTime();
    control.sql("CREATE TABLE lethe." + copy + " AS SELECT * FROM lethe.audit_entry").update();
    return copy;
  }

  private void restoreTrail(String copy) {
    tamper("DELETE FROM lethe.audit_entry");
    tamper("INSERT INTO lethe.audit_entry SELECT * FROM lethe." + copy);
    control.sql("DROP TABLE lethe." + copy).update();
  }

  private long lastSeq() {
    return control.sql("SELECT max(seq) FROM lethe.audit_entry").query(Long.class).single();
  }

  @Test
  void anEntryAppendedWithACorrectLinkButWithoutLethesKeyIsAForgery() {
    run(eventsPurge(""));
    var saved = saveTrail();
    try {
      long seq = lastSeq() + 1;
      var prev =
          control
              .sql("SELECT hash FROM lethe.audit_entry WHERE seq = ?")
              .param(seq - 1)
              .query(String.class)
              .single();
      var at = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
      var draft = AuditEntry.Draft.plain("hold", "released", null, "hold 1, case LIT-FORGED");
      var hash = AuditEntry.hashOf(seq, at, draft, null, prev);
      // a role with INSERT on the trail: a correct SHA-256 link, no signature
      control
          .sql(
              "INSERT INTO lethe.audit_entry (seq, recorded_at, kind, action, subjects, rows,"
                  + " total_rows, detail, prev_hash, hash) VALUES (?, ?, 'hold', 'released',"
                  + " ''::bytea, ''::bytea, 0, ?, ?, ?)")
          .params(seq, java.sql.Timestamp.from(at), draft.detail(), prev, hash)
          .update();
      assertThat(verify().breaks())
          .anySatisfy(b -> assertThat(b).startsWith("entry " + seq + " (").contains("forged"));

      // with the signature of another entry copied in: still no match
      tamper(
          "UPDATE lethe.audit_entry SET (key_id, signature) = (SELECT key_id, signature FROM"
              + " lethe.audit_entry WHERE seq = "
              + (seq - 1)
              + ") WHERE seq = "
              + seq);
      assertThat(verify().breaks())
          .anySatisfy(
              b ->
                  assertThat(b)
                      .startsWith("entry " + seq + " (")
                      .contains("signature does not match"));
    } finally {
      restoreTrail(saved);
    }
    assertThat(verify().intact()).as(verify().breaks().toString()).isTrue();
  }

  @Test
  void aCutTailARemovedRunAndRemovedOrEditedReportFilesAreAllNamed() throws IOException {
    // three runs: the first will be removed whole, the second's files touched, the third's end cut
    var first = run(eventsPurge(""));
    var runsOf = new java.util.ArrayList<dev.lethe.report.RunReport>();
    for (int day = 1; day <= 2; day++) {
      var job = jobName("again" + day);
      job(job, Events.job(job, "events", ""));
      runsOf.add(
          runs.run(job, AS_OF.plusDays(day), "test", dev.lethe.retention.ProgressListener.SILENT)
              .report());
    }
    var second = runsOf.get(0);
    assertThat(verify().intact()).as(verify().breaks().toString()).isTrue();
    var saved = saveTrail();
    var reports = WORKSPACE.resolve("reports");
    var secondBase = jobName("again1") + "-" + AS_OF.plusDays(1) + "-run" + second.run();
    var secondJson = reports.resolve(secondBase + ".json");
    var secondTxt = reports.resolve(secondBase + ".txt");
    var reportCopy = "report_save_" + schema;
    control
        .sql(
            "CREATE TABLE lethe."
                + reportCopy
                + " AS SELECT * FROM lethe.run_report WHERE job_execution_id = "
                + first.run())
        .update();
    var jsonBytes = Files.readAllBytes(secondJson);
    var txtText = Files.readString(secondTxt);
    try {
      // the tail is cut: the last entry (the third run's report) goes
      tamper("DELETE FROM lethe.audit_entry WHERE seq = " + lastSeq());
      // the first run removed: its entries and its stored report
      tamper("DELETE FROM lethe.audit_entry WHERE run_id = " + first.run());
      control
          .sql("DELETE FROM lethe.run_report WHERE job_execution_id = ?")
          .param(first.run())
          .update();
      // one report file of the second run removed, another edited
      Files.delete(secondJson);
      Files.writeString(secondTxt, txtText.replace("COMPLETED", "FAILED"));

      var breaks = verify().breaks();

      assertThat(breaks)
          .anySatisfy(b -> assertThat(b).contains("were cut from its end"))
          .anySatisfy(b -> assertThat(b).contains("are missing (deleted)"))
          .anySatisfy(
              b ->
                  assertThat(b)
                      .contains(
                          "-run" + first.run() + ".",
                          "the trail records no report of run " + first.run()))
          .anySatisfy(b -> assertThat(b).contains("report file " + secondJson, "removed"))
          .anySatisfy(
              b ->
                  assertThat(b)
                      .contains("report file " + secondTxt, "edited after it was written"));
    } finally {
      restoreTrail(saved);
      control
          .sql(
              "INSERT INTO lethe.run_report SELECT * FROM lethe."
                  + reportCopy
                  + " ON CONFLICT DO NOTHING")
          .update();
      control.sql("DROP TABLE lethe." + reportCopy).update();
      Files.write(secondJson, jsonBytes);
      Files.writeString(secondTxt, txtText);
    }
    assertThat(verify().intact()).as(verify().breaks().toString()).isTrue();
  }

  @Test
  void subjectsAndRowsThatDoNotPairUpAreFound() {
    var report = run(eventsPurge(""));
    var saved = saveTrail();
    try {
      long seq =
          control
              .sql(
                  "SELECT min(seq) FROM lethe.audit_entry WHERE run_id = ? AND kind = 'purge'"
                      + " AND length(subjects) >= 16")
              .param(report.run())
              .query(Long.class)
              .single();
      // the owner moves bytes from the subjects to the row counts
      tamper(
          "UPDATE lethe.audit_entry SET subjects = substring(subjects FROM 1 FOR 8),"
              + " rows = substring(subjects FROM 10) || '\\x0a'::bytea || rows WHERE seq = "
              + seq);

      assertThat(verify().breaks())
          .anySatisfy(
              b -> assertThat(b).startsWith("entry " + seq + " (").contains("do not pair up"));
    } finally {
      restoreTrail(saved);
    }
  }

  @Test
  void signaturesStrippedFromEveryEntryAreFoundThroughTheCheckpoints() throws IOException {
    run(eventsPurge(""));
    var saved = saveTrail();
    try {
      // the owner removes every signature: the trail looks as if signing had never begun
      tamper("UPDATE lethe.audit_entry SET signature = NULL, key_id = NULL");

      var result = verify();

      assertThat(result.breaks())
          .anySatisfy(
              b ->
                  assertThat(b)
                      .contains("are not signed, though checkpoint")
                      .contains("signatures removed"));

      // and every checkpoint with them: the key this installation signs with still tells
      var folder = WORKSPACE.resolve("reports").resolve("checkpoints");
      var away = WORKSPACE.resolve("checkpoints-away");
      Files.move(folder, away);
      try {
        assertThat(verify().breaks())
            .anySatisfy(
                b ->
                    assertThat(b)
                        .startsWith("this installation signs the trail with key ")
                        .contains("entries is signed and no checkpoint is found"));
      } finally {
        Files.move(away, folder);
      }
    } finally {
      restoreTrail(saved);
    }
    var result = verify();
    assertThat(result.intact()).as(result.breaks().toString()).isTrue();
    assertThat(result.unsigned()).isZero();
  }

  @Test
  void anEntryNumberedOutsideTheChainIsRefusedAndFoundIfForcedIn() {
    run(eventsPurge(""));
    var token = audit.token("3").orElseThrow();
    var insert =
        "INSERT INTO lethe.audit_entry (seq, recorded_at, kind, action, run_id, policy, subjects,"
            + " rows, total_rows, prev_hash, hash) VALUES (0, now(), 'purge', 'deleted', 1, 'ev',"
            + " ?, '\\x0000002a'::bytea, 42, 'x', 'y')";
    assertThatThrownBy(
            () -> control.sql(insert).param(AuditEntry.pack(new long[] {token})).update())
        .hasMessageContaining("audit_entry_in_the_chain");
    control.sql("ALTER TABLE lethe.audit_entry DROP CONSTRAINT audit_entry_in_the_chain").update();
    try {
      control.sql(insert).param(AuditEntry.pack(new long[] {token})).update();

      assertThat(verify().breaks())
          .anySatisfy(b -> assertThat(b).startsWith("entry 0 (").contains("outside the chain"));
    } finally {
      tamper("DELETE FROM lethe.audit_entry WHERE seq < 1");
      control
          .sql(
              "ALTER TABLE lethe.audit_entry ADD CONSTRAINT audit_entry_in_the_chain"
                  + " CHECK (seq > 0)")
          .update();
    }
  }

  @Test
  void aRemovedCheckpointAnEditedOneAndTheEntryACheckpointSawAreFound() throws IOException {
    var first = run(eventsPurge(""));
    var job = jobName("later");
    job(job, Events.job(job, "events", ""));
    runs.run(job, AS_OF.plusDays(1), "test", dev.lethe.retention.ProgressListener.SILENT);
    var folder = WORKSPACE.resolve("reports").resolve("checkpoints");
    var all = checkpoints.all(new java.util.ArrayList<>());
    assertThat(all.size()).isGreaterThanOrEqualTo(2);
    var newest = all.get(all.size() - 1);
    var before = all.get(all.size() - 2);
    assertThat(newest.previous()).isEqualTo(before.entries());
    var beforeText = Files.readString(before.file());
    var newestText = Files.readString(newest.file());
    try {
      // a checkpoint in the middle removed
      Files.delete(before.file());
      assertThat(verify().breaks())
          .anySatisfy(
              b ->
                  assertThat(b)
                      .contains(newest.file().toString())
                      .contains("follows the checkpoint of entry " + before.entries())
                      .contains("gone (deleted)"));
      Files.writeString(before.file(), beforeText);
      // the time it was written changed
      Files.writeString(
          newest.file(), newestText.replace(newest.written().toString(), "2020-01-01T00:00:00Z"));
      assertThat(verify().breaks())
          .anySatisfy(
              b ->
                  assertThat(b)
                      .contains(newest.file().toString())
                      .contains("signature does not match"));
      Files.writeString(newest.file(), newestText);
      // checking since a checkpoint whose own entry is gone
      var saved = saveTrail();
      try {
        tamper("DELETE FROM lethe.audit_entry WHERE seq = " + before.entries());
        var since = verifier.verify(WORKSPACE.resolve("reports"), java.util.Optional.of(before));
        assertThat(since.breaks())
            .anySatisfy(
                b ->
                    assertThat(b)
                        .contains("entry " + before.entries())
                        .contains("is missing (deleted)"));
      } finally {
        restoreTrail(saved);
      }
    } finally {
      Files.writeString(before.file(), beforeText);
      Files.writeString(newest.file(), newestText);
    }
    assertThat(verify().intact()).as(verify().breaks().toString()).isTrue();
    assertThat(folder).isDirectory();
    assertThat(first.run()).isPositive();
  }
}
