package dev.lethe.store.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.report.RunReport;
import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.Validator;
import dev.lethe.subject.RequestIntake;
import dev.lethe.subject.RequestKind;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.transform.Tokens;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A directory of log files as a store (the tests' {@code weblogs}: {@code access.log*} in combined
 * format), beside a database table in one job, on the real Apache log rotated as logrotate leaves
 * it: {@code access.log.2.gz}, {@code access.log.1}, and {@code access.log} being written.
 */
class LogStoreTests extends LetheTests {

  private static final Path REAL_LOG =
      Path.of("src/test/resources/datasets/weblogs/apache_access_combined.log");

  /** The log's days are 17 to 20 May 2015; a run as of the 20th sees them as its last days. */
  private static final LocalDate AS_OF_LOGS = LocalDate.of(2015, 5, 20);

  @Autowired Validator validator;
  @Autowired RequestIntake intake;
  @Autowired dev.lethe.subject.RequestService requests;

  private Path logs;
  private List<String> original;

  @BeforeEach
  void rotatedLogs() throws IOException {
    logs = WORKSPACE.resolve("logs");
    if (Files.exists(logs)) {
      try (Stream<Path> files = Files.list(logs)) {
        for (var f : files.toList()) {
          Files.delete(f);
        }
      }
    }
    Files.createDirectories(logs);
    original = Files.readAllLines(REAL_LOG);
    gzip(logs.resolve("access.log.2.gz"), original.subList(0, 3000));
    Files.write(logs.resolve("access.log.1"), original.subList(3000, 9000));
    Files.write(logs.resolve("access.log"), original.subList(9000, 10000));
    Files.setLastModifiedTime(
        logs.resolve("access.log.2.gz"), FileTime.from(Instant.parse("2015-05-19T00:00:00Z")));
    Files.setLastModifiedTime(
        logs.resolve("access.log.1"), FileTime.from(Instant.parse("2015-05-20T00:00:00Z")));
    Files.setLastModifiedTime(
        logs.resolve("access.log"), FileTime.from(Instant.parse("2015-05-21T00:00:00Z")));
  }

  private static void gzip(Path file, List<String> lines) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (var line : lines) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private String logPolicy(String transforms) {
    return """
        policy: access-logs
        description: The web server's access log
        category: usage-data
        legal-basis: legitimate-interest
        store: weblogs
        subject: ip
        clock: time
        stages:
          - after: P1D
            action: pseudonymise
            transform: {%s}
          - after: P2D
            action: delete
        """
        .formatted(transforms);
  }

  private List<String> rotatedLines() throws IOException {
    var lines = new ArrayList<String>();
    lines.addAll(LogFiles.read(logs.resolve("access.log.2.gz")).lines());
    lines.addAll(LogFiles.read(logs.resolve("access.log.1")).lines());
    return lines;
  }

  private RunReport run(String job, LocalDate asOf) {
    return runs.run(job, asOf, "test", ProgressListener.SILENT).report();
  }

  @Test
  void oneJobCleansATableAndALogDirectoryAndDoesWhatItsPlanSaid() throws IOException {
    Events.create(APP, schema, 100, 10);
    policy("events", Events.policy("events", schema, ""));
    policy("access-logs", logPolicy("ip: ip-prefix, referrer: ip-prefix"));
    var job = jobName("logs");
    job(job, "job: " + job + "\npolicies: [events, access-logs]\nguards: {max-share: 1}\n");
    assertThat(validator.validate().problems().errors()).isEmpty();
    var format = LineFormat.combined();
    var held = format.parse(original.get(0)).orElseThrow().value("ip");
    holds.place(held, "access-logs", null, "LIT-LOG-1", "abuse report", "dpo");
    var deleteBefore = Instant.parse("2015-05-18T00:00:00Z");
    var tokensBefore = Instant.parse("2015-05-19T00:00:00Z");
    long expired = 0, due = 0, heldDue = 0;
    for (var line : original.subList(0, 9000)) {
      var parsed = format.parse(line);
      if (parsed.isEmpty()) {
        continue;
      }
      boolean isHeld = parsed.get().value("ip").equals(held);
      if (parsed.get().time().isBefore(deleteBefore)) {
        if (isHeld) {
          heldDue++;
        } else {
          expired++;
        }
      } else if (parsed.get().time().isBefore(tokensBefore) && !isHeld) {
        due++;
      }
    }

    var plan = plans.plan(job, AS_OF_LOGS);
    var report = run(job, AS_OF_LOGS);

    assertThat(report.status()).isEqualTo("COMPLETED");
    var deleted = outcome(report, "access-logs:delete");
    var pseudonymised = outcome(report, "access-logs:pseudonymise");
    assertThat(deleted.deleted()).isEqualTo(expired).isPositive();
    assertThat(deleted.heldByHolds()).isEqualTo(heldDue).isPositive();
    assertThat(deleted.holdCases()).containsExactly("LIT-LOG-1 (" + heldDue + ")");
    // the malformed line is reported by file and line, by both steps that read it
    assertThat(deleted.unparsable()).isEqualTo(1);
    assertThat(deleted.unparsableLines()).containsExactly("access.log.1:" + (8899 - 3000));
    assertThat(pseudonymised.pseudonymised()).isEqualTo(due).isPositive();
    for (var step : plan.policies()) {
      var done = outcome(report, step.step());
      assertThat(step.counts().wouldChange())
          .as(step.step())
          .isEqualTo(done.deleted() + done.pseudonymised());
    }
    // what is left: the held client's lines as they were, the malformed line, no other old line
    var left = rotatedLines();
    assertThat(left).contains(original.get(0), original.get(8898));
    for (var line : left) {
      var parsed = format.parse(line);
      if (parsed.isPresent() && !parsed.get().value("ip").equals(held)) {
        assertThat(parsed.get().time()).isAfterOrEqualTo(deleteBefore);
        if (parsed.get().time().isBefore(tokensBefore)) {
          assertThat(parsed.get().value("ip")).endsWith(".0");
        }
      }
    }
    // the file being written is left to its writer
    assertThat(Files.readAllLines(logs.resolve("access.log")))
        .isEqualTo(original.subList(9000, 10000));
    assertThat(outcome(report, "events").status()).isEqualTo("COMPLETED");
  }

  @Test
  void aTokenIsMadeOnceAlsoAfterTheFilesAreRotatedAgain() throws IOException {
    // tokens only, no delete: every line stays, so what the first run did can be seen after the
    // second
    policy(
        "access-logs",
        logPolicy("ip: hmac")
            .replace(
                "stages:\n  - after: P1D\n    action: pseudonymise\n    transform: {ip: hmac}\n"
                    + "  - after: P2D\n    action: delete\n",
                "retain: P1D\naction: pseudonymise\ntransform: {ip: hmac}\n"));
    var job = jobName("tokens");
    job(job, "job: " + job + "\npolicies: [access-logs]\nguards: {max-share: 1}\n");
    Tokens tokens = testTokens();
    var format = LineFormat.combined();
    // the 19th's run makes tokens of the 17th; the 20th's of the 18th, and must leave the 17th's
    var first = run(job, LocalDate.of(2015, 5, 19));
    assertThat(first.status()).isEqualTo("COMPLETED");
    var afterFirst = rotatedLines();

    // logrotate moves the files on between the runs: the contents are what Lethe knows them by
    Files.move(logs.resolve("access.log.2.gz"), logs.resolve("access.log.3.gz"));
    gzip(logs.resolve("access.log.2.gz"), Files.readAllLines(logs.resolve("access.log.1")));
    Files.delete(logs.resolve("access.log.1"));
    Files.setLastModifiedTime(
        logs.resolve("access.log.3.gz"), FileTime.from(Instant.parse("2015-05-19T00:00:00Z")));
    Files.setLastModifiedTime(
        logs.resolve("access.log.2.gz"), FileTime.from(Instant.parse("2015-05-20T00:00:00Z")));

    var second =
        runs.run(jobName("tokens"), LocalDate.of(2015, 5, 20), "test", ProgressListener.SILENT)
            .report();
    assertThat(second.status()).isEqualTo("COMPLETED");

    var now = new ArrayList<String>();
    now.addAll(LogFiles.read(logs.resolve("access.log.3.gz")).lines());
    now.addAll(LogFiles.read(logs.resolve("access.log.2.gz")).lines());
    long tokenOfToken = 0, once = 0;
    var originalIps = new java.util.HashMap<String, String>();
    for (var line : original) {
      format.parse(line).ifPresent(l -> originalIps.put(tokens.text(l.value("ip")), l.value("ip")));
    }
    for (var line : now) {
      var parsed = format.parse(line);
      if (parsed.isEmpty()) {
        continue;
      }
      var ip = parsed.get().value("ip");
      if (ip.length() == 64) {
        if (originalIps.containsKey(ip)) {
          once++;
        } else {
          tokenOfToken++;
        }
      }
    }
    assertThat(once).isPositive();
    assertThat(tokenOfToken).as("tokens made of tokens").isZero();
    // lines tokenised by the first run are still there, unchanged, among those of the second
    assertThat(now)
        .containsAll(
            afterFirst.stream()
                .filter(l -> format.parse(l).map(p -> p.value("ip").length() == 64).orElse(false))
                .toList());

    // an erasure finds the subject's lines under its token too
    var subject = format.parse(original.get(0)).orElseThrow().value("ip");
    intake.receive(RequestKind.ERASE, subject, null, "DSR-LOG-2", "test", validator.load());
    runs.run("requests", LocalDate.of(2015, 5, 20), "test", ProgressListener.SILENT);
    var afterErasure = new ArrayList<String>();
    afterErasure.addAll(LogFiles.read(logs.resolve("access.log.3.gz")).lines());
    afterErasure.addAll(LogFiles.read(logs.resolve("access.log.2.gz")).lines());
    assertThat(afterErasure)
        .hasSizeLessThan(now.size())
        .noneMatch(l -> l.startsWith(subject + " ") || l.startsWith(tokens.text(subject) + " "));
  }

  @Test
  void aDamagedRotationIsNamedAndTheOtherFilesAreStillDone() throws IOException {
    // the oldest rotation cut short, as a full disk leaves a gzip
    var damaged = logs.resolve("access.log.3.gz");
    gzip(damaged, original.subList(0, 500));
    var bytes = Files.readAllBytes(damaged);
    Files.write(damaged, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    policy("access-logs", logPolicy("ip: ip-prefix"));
    var job = jobName("damaged");
    job(job, "job: " + job + "\npolicies: [access-logs]\nguards: {max-share: 1}\n");
    var before = rotatedLines();

    // the plan names it and counts the others, as the run does them
    var plan = plans.plan(job, AS_OF_LOGS);
    assertThat(plan.unreadable()).isTrue();
    assertThat(plan.policies())
        .allSatisfy(
            p ->
                assertThat(p.counts().unreadable())
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("access.log.3.gz ("));
    assertThat(plan.policies().get(plan.policies().size() - 1).counts().wouldChange()).isPositive();
    assertThat(plan.render()).contains("cannot read or rewrite access.log.3.gz (", "gzip -t");

    var report = run(job, AS_OF_LOGS);

    assertThat(report.status()).isEqualTo("FAILED");
    var deleted = outcome(report, "access-logs:delete");
    assertThat(deleted.error()).contains("access.log.3.gz", "cannot be read", "Fix:");
    // the other rotations were purged all the same
    assertThat(deleted.deleted()).isPositive();
    assertThat(rotatedLines().size()).isLessThan(before.size());
    assertThat(Files.readAllBytes(damaged)).hasSize(bytes.length / 2);
  }

  @Test
  void aStrangersHugeLinesNeitherStopTheRunNorKeepTheOthersData() throws IOException {
    // what anyone who can send an HTTP request can write into the log
    var lines = new ArrayList<>(original.subList(3000, 9000));
    var day = "[18/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 5 ";
    lines.add(10, "203.0.113.7 - - " + day + "\"http://x/" + "a".repeat(100_000) + "\" \"b\"");
    lines.add(20, "203.0.113.8 - - " + day + "\"" + "z".repeat(10 * 1024 * 1024) + "\" \"b\"");
    lines.add(30, "203.0.113.9 - - " + day + "\"" + "\\\"".repeat(40_000) + "\" \"\u0000\r\"");
    Files.write(logs.resolve("access.log.1"), lines);
    policy("access-logs", logPolicy("ip: ip-prefix"));
    var job = jobName("hostile");
    job(job, "job: " + job + "\npolicies: [access-logs]\nguards: {max-share: 1}\n");

    var report = run(job, AS_OF_LOGS);

    assertThat(report.status()).isEqualTo("COMPLETED");
    // the 10 MB line is past the limit: kept as it is (the policy keeps unparsable lines), and
    // named
    assertThat(outcome(report, "access-logs:delete").unparsableLines()).contains("access.log.1:21");
    var strangers =
        LogFiles.read(logs.resolve("access.log.1")).lines().stream()
            .filter(l -> l.startsWith("203.0.113."))
            .map(l -> l.substring(0, Math.min(l.length(), 16)) + l.length())
            .toList();
    // the other two were read, and their addresses cut
    assertThat(strangers)
        .containsExactly(
            "203.0.113.0 - - " + lines.get(10).length(),
            "203.0.113.8 - - " + lines.get(20).length(),
            "203.0.113.0 - - " + lines.get(30).length());
  }

  @Test
  void anErasureRemovesTheSubjectsLinesFromTheRotatedLogs() throws IOException {
    policy("access-logs", logPolicy("ip: ip-prefix"));
    var format = LineFormat.combined();
    var subject = format.parse(original.get(5000)).orElseThrow().value("ip");
    long lines =
        original.subList(0, 9000).stream()
            .filter(l -> format.parse(l).map(p -> p.value("ip").equals(subject)).orElse(false))
            .count();

    intake.receive(RequestKind.ERASE, subject, null, "DSR-LOG", "test", validator.load());
    runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);

    assertThat(lines).isPositive();
    assertThat(rotatedLines())
        .noneMatch(l -> format.parse(l).map(p -> p.value("ip").equals(subject)).orElse(false))
        .hasSize(9000 - (int) lines);
  }

  /**
   * Apache writes a user's bytes beyond ASCII as {@code \xhh}: józef is {@code j\xc3\xb3zef} in the
   * log. Compared as written, a hold on józef spared none of his lines, an export of his data found
   * none, and an erasure left them all.
   */
  @Test
  void aSubjectIsFoundInTheLogsWhateverEscapesTheLogWroteItsKeyWith() throws IOException {
    var jozef = "j\u00f3zef";
    var lines = new ArrayList<String>();
    for (int i = 0; i < 4; i++) {
      lines.add(userLine("10.0.0." + i, "j\\xc3\\xb3zef", "18/May/2015:10:0" + i + ":00 +0000"));
    }
    lines.add(userLine("10.0.0.9", "anna", "18/May/2015:10:09:00 +0000"));
    Files.delete(logs.resolve("access.log.2.gz"));
    Files.write(logs.resolve("access.log.1"), lines);
    usersPolicy("");
    var job = jobName("users");
    job(job, "job: " + job + "\npolicies: [access-logs]\nguards: {max-share: 1}\n");
    var hold = holds.place(jozef, "access-logs", null, "LIT-JOZEF", "a claim", "dpo");

    var held = outcome(run(job, AS_OF_LOGS), "access-logs");
    assertThat(held.heldByHolds()).isEqualTo(4);
    assertThat(held.deleted()).isEqualTo(1);
    assertThat(Files.readAllLines(logs.resolve("access.log.1"))).isEqualTo(lines.subList(0, 4));

    var export =
        intake.receive(RequestKind.EXPORT, jozef, null, "DSR-J1", "test", validator.load());
    runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);
    var exported = Files.readString(Path.of(requests.find(export.id()).exportFile()));
    assertThat(exported).contains("10.0.0.0 - ", "10.0.0.3 - ");

    holds.release(hold.id(), "claim settled", "dpo");
    intake.receive(RequestKind.ERASE, jozef, null, "DSR-J2", "test", validator.load());
    runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);
    assertThat(Files.exists(logs.resolve("access.log.1"))).isFalse();
  }

  /** Receives an erasure of {@code subject}, runs the requests, and says where it stands. */
  private dev.lethe.subject.SubjectRequest erasedInTheLogs(String subject, String reference) {
    var erasure =
        intake.receive(RequestKind.ERASE, subject, null, reference, "test", validator.load());
    runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);
    return requests.find(erasure.id());
  }

  private static String outcomeText(dev.lethe.subject.SubjectRequest request, String policy) {
    return request.outcomes().stream()
        .filter(o -> o.policy().equals(policy))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no outcome under " + policy))
        .outcome();
  }

  private static String userLine(String ip, String user, String time) {
    return ip + " - " + user + " [" + time + "] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"";
  }

  private void usersPolicy(String extra) {
    policy(
        "access-logs",
        """
        policy: access-logs
        description: The web server's access log
        category: usage-data
        legal-basis: legitimate-interest
        store: weblogs
        subject: user
        clock: time
        %s
        stages:
          - after: P1D
            action: delete
        """
            .formatted(extra));
  }

  /**
   * A line whose time cannot be read is still the subject's: an erasure takes it and an export
   * lists it. A line that cannot be read at all, which mentions the key, is left and said, in the
   * export without its text (whose it is cannot be told). Both were passed over in silence, the
   * request done (found by an outside attack).
   */
  @Test
  void anErasureAndAnExportTakeLinesWhoseTimeCannotBeReadAndSayWhatCannotBeRead()
      throws IOException {
    Files.delete(logs.resolve("access.log.2.gz"));
    var lines =
        List.of(
            userLine("10.0.0.1", "bob", "18/May/2015:10:00:00 +0000"),
            userLine("10.0.0.2", "bob", "yesterday at noon"),
            "a line no format reads, by bob",
            userLine("10.0.0.4", "anna", "18/May/2015:10:09:00 +0000"));
    Files.write(logs.resolve("access.log.1"), lines);
    usersPolicy("");

    var export =
        intake.receive(RequestKind.EXPORT, "bob", null, "DSR-B1", "test", validator.load());
    runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);
    var exported = Files.readString(Path.of(requests.find(export.id()).exportFile()));
    assertThat(exported)
        .contains("10.0.0.1 - bob", "10.0.0.2 - bob", "\"unreadable\"")
        .doesNotContain("a line no format reads")
        .doesNotContain("anna");

    var standing = erasedInTheLogs("bob", "DSR-B2");
    assertThat(Files.readAllLines(logs.resolve("access.log.1")))
        .containsExactly(lines.get(2), lines.get(3));
    assertThat(standing.status()).isEqualTo("partly-done");
    assertThat(outcomeText(standing, "access-logs")).contains("cannot be read as the log's format");
  }

  /**
   * A damaged rotation, or a link (to a file outside the folder), leaves an erasure partly done,
   * each named, and is said in an export, while the other files are done: the damaged rotation
   * failed both requests on the whole store without naming it, and a link was passed over in
   * silence, the requests done with "no data held" (found by an outside attack).
   */
  @Test
  void aDamagedRotationOrALinkIsSaidByAnExportAndLeavesAnErasurePartlyDone() throws IOException {
    Files.delete(logs.resolve("access.log.2.gz"));
    var lines =
        List.of(
            userLine("10.0.0.1", "bob", "18/May/2015:10:00:00 +0000"),
            userLine("10.0.0.4", "anna", "18/May/2015:10:09:00 +0000"));
    Files.write(logs.resolve("access.log.1"), lines);
    var whole = logs.resolve("whole.gz");
    gzip(whole, java.util.Collections.nCopies(2000, lines.get(0)));
    var bytes = Files.readAllBytes(whole);
    Files.delete(whole);
    Files.write(logs.resolve("access.log.3.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    var outside = WORKSPACE.resolve("outside-" + schema + ".log");
    var linked = userLine("10.0.0.9", "bob", "18/May/2015:11:00:00 +0000");
    Files.write(outside, List.of(linked));
    Files.createSymbolicLink(logs.resolve("access.log.4"), outside);
    usersPolicy("");

    var export =
        intake.receive(RequestKind.EXPORT, "bob", null, "DSR-BL1", "test", validator.load());
    runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);
    var exported = requests.find(export.id());
    assertThat(exported.status()).isEqualTo("done");
    assertThat(outcomeText(exported, "access-logs"))
        .isEqualTo(
            "exported 3 (2 of them without their text: lines or files that cannot be read, or in"
                + " a link; named in the export)");
    assertThat(Files.readString(Path.of(exported.exportFile())))
        .contains("10.0.0.1 - bob", "access.log.3.gz", "the file cannot be read", "access.log.4")
        .contains("a link, which Lethe reads but never rewrites")
        .doesNotContain("10.0.0.9")
        .doesNotContain("anna");

    var standing = erasedInTheLogs("bob", "DSR-BL2");
    assertThat(Files.readAllLines(logs.resolve("access.log.1"))).containsExactly(lines.get(1));
    assertThat(Files.readAllLines(outside)).containsExactly(linked);
    assertThat(standing.status()).isEqualTo("partly-done");
    assertThat(outcomeText(standing, "access-logs"))
        .contains("deleted 1")
        .contains("in access.log.3.gz (a file that cannot be read (")
        .contains("in access.log.4 (a link");
  }

  /**
   * A writer appending to the file being written all the while: an export reads it as far as it was
   * written, and an erasure says its lines are left there, the rotations done (both failed on the
   * whole store: the file changed every time it was read, found by an outside attack).
   */
  @Test
  void aFileAWriterKeepsAppendingToStopsNeitherAnExportNorAnErasure() throws Exception {
    Files.delete(logs.resolve("access.log.2.gz"));
    Files.write(
        logs.resolve("access.log.1"),
        List.of(userLine("10.0.0.1", "bob", "18/May/2015:10:00:00 +0000")));
    Files.write(
        logs.resolve("access.log"),
        List.of(userLine("10.0.0.2", "bob", "19/May/2015:10:00:00 +0000")));
    usersPolicy("");
    var export =
        intake.receive(RequestKind.EXPORT, "bob", null, "DSR-BW1", "test", validator.load());
    var erasure =
        intake.receive(RequestKind.ERASE, "bob", null, "DSR-BW2", "test", validator.load());

    var writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    var writer =
        new Thread(
            () -> {
              var line =
                  (userLine("10.0.0.5", "anna", "20/May/2015:10:00:00 +0000") + "\n")
                      .getBytes(StandardCharsets.UTF_8);
              try (var out =
                  Files.newOutputStream(
                      logs.resolve("access.log"), java.nio.file.StandardOpenOption.APPEND)) {
                while (writing.get()) {
                  out.write(line);
                  out.flush();
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    writer.start();
    try {
      runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);
    } finally {
      writing.set(false);
      writer.join();
    }

    var exported = requests.find(export.id());
    assertThat(exported.status()).isEqualTo("done");
    assertThat(Files.readString(Path.of(exported.exportFile())))
        .contains("10.0.0.1 - bob", "10.0.0.2 - bob");
    var erased = requests.find(erasure.id());
    assertThat(erased.status()).isEqualTo("partly-done");
    assertThat(outcomeText(erased, "access-logs"))
        .contains("deleted 1")
        .contains("1 left in access.log (the file being written");
    assertThat(logs.resolve("access.log.1")).doesNotExist(); // its only line went
  }

  /**
   * A hold placed while an erasure rewrites one file of a log store keeps the lines of the files
   * after it: each file's last look and rename keep new holds out for that file only (the hold
   * waited for the whole store's pass, minutes on a large folder, and every file was erased: found
   * by an outside attack).
   */
  @Test
  void aHoldPlacedWhileAnErasureRewritesOneFileKeepsTheNextFiles() throws Exception {
    Files.delete(logs.resolve("access.log.2.gz"));
    for (var name : List.of("access.log.1", "access.log.2")) {
      var text = new StringBuilder();
      for (int i = 0; i < 200_000; i++) {
        text.append(
                userLine(
                    "10.0.0." + (i % 200),
                    i % 1000 == 0 ? "bob" : "u" + i % 5000,
                    "18/May/2015:10:00:00 +0000"))
            .append('\n');
      }
      Files.writeString(logs.resolve(name), text);
    }
    usersPolicy("");
    var erasure =
        intake.receive(RequestKind.ERASE, "bob", null, "DSR-BH", "test", validator.load());
    var outbox = logs.resolve(".lethe-outbox");

    var running =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT));
    // the first file's record is written: its rewrite is under way
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .pollInterval(java.time.Duration.ofMillis(1))
        .until(
            () -> {
              if (!Files.isDirectory(outbox)) {
                return false;
              }
              try (var records = Files.list(outbox)) {
                return records.anyMatch(f -> f.toString().endsWith(".json"));
              }
            });
    holds.place("bob", null, null, "LIT-MIDWAY", "a claim came in", "dpo");
    running.get();

    var bobs = new java.util.ArrayList<Long>();
    for (var name : List.of("access.log.1", "access.log.2")) {
      bobs.add(
          Files.readAllLines(logs.resolve(name)).stream()
              .filter(l -> l.contains(" bob ["))
              .count());
    }
    assertThat(bobs).containsExactlyInAnyOrder(0L, 200L);
    var standing = requests.find(erasure.id());
    assertThat(standing.status()).isEqualTo("partly-done");
    assertThat(outcomeText(standing, "access-logs")).contains("deleted 200").contains("LIT-MIDWAY");
  }

  /** Where the policy removes unreadable lines, one that mentions a held key stays. */
  @Test
  void anUnreadableLineMentioningAHeldKeyIsNotRemoved() throws IOException {
    Files.delete(logs.resolve("access.log.2.gz"));
    var lines =
        List.of(
            "garbage about anna",
            "garbage about carl",
            userLine("10.0.0.2", "anna", "not a time"),
            userLine("10.0.0.3", "carl", "not a time"));
    Files.write(logs.resolve("access.log.1"), lines);
    usersPolicy("unparsable: remove");
    var job = jobName("unreadable");
    job(job, "job: " + job + "\npolicies: [access-logs]\nguards: {max-share: 1}\n");
    holds.place("anna", "access-logs", null, "LIT-ANNA", "a claim", "dpo");

    var report = outcome(run(job, AS_OF_LOGS), "access-logs");

    assertThat(Files.readAllLines(logs.resolve("access.log.1")))
        .containsExactly(lines.get(0), lines.get(2));
    assertThat(report.heldByHolds()).isEqualTo(2);
    assertThat(report.deleted()).isEqualTo(2);
  }

  /**
   * Every policy on a log store covers every line: a line goes only when the longest retention has
   * passed (keeping wins, as on a table), and a hold on a line's subject under any of them spares
   * it from all (a policy by client address deleted a held user's lines, and lines a longer policy
   * kept: found by an outside attack).
   */
  @Test
  void policiesOnOneLogStoreKeepWhatAnyOfThemKeepsAndHonourEachOthersHolds() throws IOException {
    Files.delete(logs.resolve("access.log.2.gz"));
    var lines =
        List.of(
            userLine("10.0.0.1", "hank", "18/May/2015:10:00:00 +0000"),
            userLine("10.0.0.2", "jozef", "15/May/2015:10:00:00 +0000"),
            userLine("10.0.0.3", "anna", "15/May/2015:10:00:00 +0000"));
    Files.write(logs.resolve("access.log.1"), lines);
    usersPolicy("");
    policy(
        "access-logs",
        Files.readString(WORKSPACE.resolve("policies/access-logs.yml")).replace("P1D", "P3D"));
    policy(
        "access-ip",
        """
        policy: access-ip
        description: The web server's clients
        category: usage-data
        legal-basis: legitimate-interest
        store: weblogs
        subject: ip
        clock: time
        stages:
          - after: P1D
            action: delete
        """);
    var job = jobName("two-policies");
    job(job, "job: " + job + "\npolicies: [access-ip]\nguards: {max-share: 1}\n");
    holds.place("jozef", "access-logs", null, "LIT-JOZEF", "a claim", "dpo");

    var plan = plans.plan(job, AS_OF_LOGS);
    var report = outcome(run(job, AS_OF_LOGS), "access-ip");

    assertThat(Files.readAllLines(logs.resolve("access.log.1")))
        .containsExactly(lines.get(0), lines.get(1));
    assertThat(report.deleted()).isEqualTo(1);
    assertThat(report.heldByHolds()).isEqualTo(1);
    // the hold names the other policy on the store: its case is named all the same
    assertThat(report.holdCases()).containsExactly("LIT-JOZEF (1)");
    assertThat(plan.policies().get(0).counts().wouldChange()).isEqualTo(1);

    // an export of the user finds the user's line, though the policy listing the store's lines
    // is the one by client address
    var export =
        intake.receive(RequestKind.EXPORT, "hank", null, "DSR-H", "test", validator.load());
    runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);
    assertThat(Files.readString(Path.of(requests.find(export.id()).exportFile())))
        .contains("10.0.0.1 - hank");

    // an erasure of the client whose line is also the held user's leaves it, and says why
    var standing = erasedInTheLogs("10.0.0.2", "DSR-IP");
    assertThat(Files.readAllLines(logs.resolve("access.log.1"))).contains(lines.get(1));
    assertThat(standing.status()).isEqualTo("partly-done");
    assertThat(outcomeText(standing, "access-ip")).contains("also another subject's");
  }

  /**
   * A log policy named as its store: the store's place in the request and the policy's outcome were
   * one row, and the place's "reached again" made the policy's lines left in the file being written
   * "done" (found by an outside attack).
   */
  @Test
  void anErasureLeavingLinesInTheFileBeingWrittenStaysPartlyDoneUnderAPolicyNamedAsItsStore()
      throws IOException {
    policy("weblogs", logPolicy("ip: ip-prefix").replace("policy: access-logs", "policy: weblogs"));
    var format = LineFormat.combined();
    var subject = format.parse(original.get(9500)).orElseThrow().value("ip");
    var request =
        intake.receive(RequestKind.ERASE, subject, null, "DSR-LOG-W", "test", validator.load());

    for (int run = 0; run < 2; run++) {
      runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);
      var standing = requests.find(request.id());
      assertThat(standing.status()).as("run " + run).isEqualTo("partly-done");
      assertThat(standing.outcomes())
          .filteredOn(o -> o.policy().equals("weblogs"))
          .singleElement()
          .satisfies(o -> assertThat(o.fin()).isFalse());
    }
    assertThat(Files.readAllLines(logs.resolve("access.log")))
        .anyMatch(l -> format.parse(l).map(p -> subject.equals(p.value("ip"))).orElse(false));
  }

  /**
   * Each file's change is written to the directory's outbox before the file is rewritten; the
   * control database fails as the run records the first: the next run records it once, and the
   * outcome counts every line that went.
   */
  @Test
  void anErasureTheControlDatabaseFailedToRecordIsRecordedOnceByTheNextRun(
      @Autowired dev.lethe.subject.RequestService requests) throws Exception {
    policy("access-logs", logPolicy("ip: ip-prefix"));
    var format = LineFormat.combined();
    var subject = format.parse(original.get(5000)).orElseThrow().value("ip");
    long lines =
        original.subList(0, 9000).stream()
            .filter(l -> format.parse(l).map(p -> p.value("ip").equals(subject)).orElse(false))
            .count();
    var request =
        intake.receive(RequestKind.ERASE, subject, null, "DSR-LOG-F", "test", validator.load());
    try (var fault = dev.lethe.support.ControlFaults.refuseTheNextRequestChange(control)) {
      assertThat(
              runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT).report().status())
          .isEqualTo("FAILED");
    }

    runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);

    assertThat(lines).isPositive();
    assertThat(rotatedLines())
        .noneMatch(l -> format.parse(l).map(p -> p.value("ip").equals(subject)).orElse(false));
    var done = requests.find(request.id());
    assertThat(done.status()).isEqualTo(dev.lethe.subject.SubjectRequest.DONE);
    assertThat(done.outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.deleted()).isEqualTo(lines));
    assertThat(dev.lethe.support.ControlFaults.rowsInTrail(control, request.id(), "access-logs"))
        .isEqualTo(lines);
    assertThat(dev.lethe.support.ControlFaults.recoveredEntries(control, request.id())).isOne();
    try (var left = Files.list(logs.resolve(".lethe-outbox"))) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  void aPolicyOnLogsThatSpeaksOfTablesOrOtherTransformsIsRefusedWithItsLines() {
    policy(
        "access-logs",
        logPolicy("ip: {keep-first: 3}")
            .replace("subject: ip\n", "subject: visitor\ntable: web.hits\nkey: id\n")
            .replace("clock: time", "clock: received"));

    var errors = validator.validate().problems().errors().stream().map(Object::toString).toList();

    assertThat(errors)
        .anySatisfy(e -> assertThat(e).contains("access-logs.yml:7", "field 'table'", "no tables"))
        .anySatisfy(e -> assertThat(e).contains("field 'key'", "no key"))
        .anySatisfy(e -> assertThat(e).contains("field 'subject'", "no field 'visitor'"))
        .anySatisfy(e -> assertThat(e).contains("field 'clock'", "'time'"))
        .anySatisfy(e -> assertThat(e).contains("field 'transform'", "ip-prefix, hmac or null"));
  }

  @Test
  void aRunStoppedByAGuardGoesOnFromTheNextFileWhenRunAgain() throws IOException {
    // deleted after 36 hours: all 3,000 lines of access.log.2.gz (so the file goes whole), then 75
    // of access.log.1; a guard of 3,050 rows lets the first file through and stops the second
    policy(
        "access-logs",
        logPolicy("ip: ip-prefix").replaceAll("(?s)stages:.*", "retain: PT36H\naction: delete\n"));
    var job = jobName("guarded");
    job(job, Events.job(job, "access-logs", "guards: {max-rows: 3050}"));

    var stopped = run(job, AS_OF_LOGS);

    assertThat(stopped.status()).isEqualTo("FAILED");
    assertThat(stopped.exitMessage()).contains("guard max-rows tripped");
    assertThat(logs.resolve("access.log.2.gz")).doesNotExist();
    assertThat(Files.readAllLines(logs.resolve("access.log.1"))).hasSize(6000);

    job(job, Events.job(job, "access-logs", "guards: {max-rows: 5000}"));
    var restarted = run(job, AS_OF_LOGS);

    assertThat(restarted.status()).isEqualTo("COMPLETED");
    assertThat(outcome(restarted, "access-logs").deleted()).isEqualTo(3075);
    assertThat(Files.readAllLines(logs.resolve("access.log.1"))).hasSize(6000 - 75);
  }
}
