package dev.lethe.store.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.report.RunReport;
import dev.lethe.retention.ProgressListener;
import dev.lethe.support.LetheTests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a log rewrite must never do: lose a line the writer appends, change a byte of a line it
 * keeps, or trip over what an earlier step of the same run did to the files. The store is the
 * tests' {@code weblogs}: {@code access.log*} in combined format, {@code access.log} being written.
 */
class LogFileSafetyTests extends LetheTests {

  private static final LocalDate AS_OF_LOGS = LocalDate.of(2026, 1, 1);

  private Path logs;
  private Process writer;

  @BeforeEach
  void emptyLogFolder() throws IOException {
    logs = WORKSPACE.resolve("logs");
    if (Files.exists(logs)) {
      try (Stream<Path> files = Files.list(logs)) {
        for (var f : files.toList()) {
          Files.delete(f);
        }
      }
    }
    Files.createDirectories(logs);
  }

  @AfterEach
  void stopWriter() throws InterruptedException {
    if (writer != null) {
      writer.destroy();
      writer.waitFor();
    }
  }

  /** A combined-format line of {@code ip} at {@code day} (noon UTC), with odd bytes in places. */
  private static byte[] line(String ip, String day, String user, byte[] agent, String end) {
    var out = new ByteArrayOutputStream();
    var time = LocalDate.parse(day);
    var apache =
        String.format(
            java.util.Locale.ROOT,
            "%02d/%s/%d:12:00:00 +0000",
            time.getDayOfMonth(),
            time.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ROOT),
            time.getYear());
    out.writeBytes(
        (ip + " - " + user + " [" + apache + "] \"GET /a HTTP/1.1\" 200 12 \"-\" \"")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(agent);
    out.writeBytes(("\"" + end).getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    var out = new ByteArrayOutputStream();
    for (var p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private void logPolicy(String name, String stages) {
    policy(
        name,
        """
        policy: %s
        category: usage-data
        legal-basis: legitimate-interest
        store: weblogs
        subject: ip
        clock: time
        %s
        """
            .formatted(name, stages));
  }

  private RunReport run(String job, LocalDate asOf) {
    return runs.run(job, asOf, "test", ProgressListener.SILENT).report();
  }

  private static byte[] gunzip(Path file) throws IOException {
    try (var in = new GZIPInputStream(Files.newInputStream(file))) {
      return in.readAllBytes();
    }
  }

  private static void gzip(Path file, byte[] bytes) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(bytes);
    }
  }

  @Test
  void aKeptLineKeepsEveryByteItHadAndOnlyTransformedFieldsChange() throws IOException {
    byte[] latin1 = {'M', 'o', 'z', (byte) 0xE9, 'a'}; // é in Latin-1
    byte[] invalid = {'B', (byte) 0xC3, (byte) 0x28, 0, 'x'}; // invalid UTF-8 and a NUL
    byte[] crInside = {'s', 'e', 'e', '\r', 'm', 'e'}; // a CR inside the quoted agent
    // kept as it is (two days old), made a network (a month old), deleted (half a year old)
    var young = line("10.0.0.1", "2025-12-30", "-", latin1, "\r\n");
    var month = line("10.0.0.2", "2025-12-01", "-", invalid, "\n");
    var old = line("10.0.0.3", "2025-06-01", "-", "x".getBytes(StandardCharsets.UTF_8), "\n");
    var youngCr = line("10.0.0.4", "2025-12-31", "-", crInside, "\n");
    var lastUnended = line("10.0.0.5", "2025-12-31", "-", latin1, "");
    var plain = concat(young, month, old, youngCr, lastUnended);
    Files.write(logs.resolve("access.log.1"), plain);
    gzip(logs.resolve("access.log.2.gz"), plain);
    Files.write(logs.resolve("access.log"), young);
    logPolicy(
        "bytes",
        """
        stages:
          - after: P7D
            action: pseudonymise
            transform: {ip: ip-prefix}
          - after: P90D
            action: delete""");
    job("bytes", "job: bytes\npolicies: [bytes]\nguards: {max-share: 1}\n");

    var report = run("bytes", AS_OF_LOGS);

    assertThat(report.status()).isEqualTo("COMPLETED");
    var monthAfter = new String(month, StandardCharsets.ISO_8859_1).replace("10.0.0.2", "10.0.0.0");
    var expected =
        concat(young, monthAfter.getBytes(StandardCharsets.ISO_8859_1), youngCr, lastUnended);
    assertThat(Files.readAllBytes(logs.resolve("access.log.1"))).isEqualTo(expected);
    assertThat(gunzip(logs.resolve("access.log.2.gz"))).isEqualTo(expected);
    assertThat(Files.readAllBytes(logs.resolve("access.log"))).isEqualTo(young);
    assertThat(outcome(report, "bytes:delete").deleted()).isEqualTo(2);
    assertThat(outcome(report, "bytes:pseudonymise").pseudonymised()).isEqualTo(2);
  }

  @Test
  void theFileBeingWrittenIsKnownByItsNameNeverByItsTime() throws IOException {
    // the rotation was touched last (as Lethe's own rewrite would): it is still a rotation
    var old = line("10.0.0.3", "2025-06-01", "-", "x".getBytes(StandardCharsets.UTF_8), "\n");
    var young = line("10.0.0.1", "2025-12-30", "-", "y".getBytes(StandardCharsets.UTF_8), "\n");
    Files.write(logs.resolve("access.log"), concat(old, young));
    Files.write(logs.resolve("access.log.1"), concat(old, young));
    Files.setLastModifiedTime(
        logs.resolve("access.log"), FileTime.from(Instant.parse("2025-12-30T00:00:00Z")));
    Files.setLastModifiedTime(
        logs.resolve("access.log.1"), FileTime.from(Instant.parse("2025-12-31T00:00:00Z")));
    var inode = Files.getAttribute(logs.resolve("access.log"), "unix:ino");
    logPolicy("by-name", "retain: P90D\naction: delete");
    job("by-name", "job: by-name\npolicies: [by-name]\nguards: {max-share: 1}\n");

    var report = run("by-name", AS_OF_LOGS);

    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(Files.readAllBytes(logs.resolve("access.log.1"))).isEqualTo(young);
    // the file being written: not a byte changed, not renamed over
    assertThat(Files.readAllBytes(logs.resolve("access.log"))).isEqualTo(concat(old, young));
    assertThat(Files.getAttribute(logs.resolve("access.log"), "unix:ino")).isEqualTo(inode);
  }

  @Test
  void aFileAWriterHoldsOpenIsLeftAndTheRunSaysSoLosingNoLine() throws Exception {
    var old = line("10.0.0.3", "2025-06-01", "-", "x".getBytes(StandardCharsets.UTF_8), "\n");
    Files.write(logs.resolve("access.log"), old);
    Files.write(logs.resolve("access.log.1"), old);
    // a writer that keeps access.log open and appends a numbered line every few milliseconds
    writer =
        new ProcessBuilder(
                "bash",
                "-c",
                "exec 3>>access.log; i=0; while true; do i=$((i+1)); echo \"line $i\" >&3;"
                    + " sleep 0.01; done")
            .directory(logs.toFile())
            .start();
    Thread.sleep(300);
    logPolicy("active", "retain: P90D\naction: delete\nrewrite-active: true");
    job("active", "job: active\npolicies: [active]\nguards: {max-share: 1}\n");

    var report = run("active", AS_OF_LOGS);
    Thread.sleep(200);
    writer.destroy();
    writer.waitFor();

    // the rotation was done; the file being written was left, and the run says why
    assertThat(logs.resolve("access.log.1")).doesNotExist();
    assertThat(report.status()).isEqualTo("FAILED");
    assertThat(outcome(report, "active").error())
        .contains("access.log", "held open for writing by process", "bash");
    // every line the writer wrote is there, in order, and the old one too
    var lines = Files.readAllLines(logs.resolve("access.log"), StandardCharsets.ISO_8859_1);
    assertThat(lines.get(0)).startsWith("10.0.0.3");
    var numbers = lines.subList(1, lines.size());
    assertThat(numbers).hasSizeGreaterThan(20);
    for (int i = 0; i < numbers.size(); i++) {
      assertThat(numbers.get(i)).isEqualTo("line " + (i + 1));
    }
  }

  @Test
  void twoPoliciesOnOneLogStoreEachSeeTheFilesAsTheStepsBeforeLeftThem() throws IOException {
    // every line of access.log.2.gz is past the delete; access.log.1 has lines for both
    var old = line("10.0.0.3", "2025-06-01", "alice", "x".getBytes(StandardCharsets.UTF_8), "\n");
    var month = line("10.0.0.2", "2025-12-01", "bob", "y".getBytes(StandardCharsets.UTF_8), "\n");
    gzip(logs.resolve("access.log.2.gz"), concat(old, old));
    Files.write(logs.resolve("access.log.1"), concat(old, month, month));
    Files.write(logs.resolve("access.log"), month);
    logPolicy("purge", "retain: P90D\naction: delete");
    logPolicy("tokens", "retain: P7D\naction: pseudonymise\ntransform: {user: hmac}");
    job("two", "job: two\npolicies: [purge, tokens]\nguards: {max-share: 1}\n");

    var report = run("two", AS_OF_LOGS);

    assertThat(report.status()).as(String.valueOf(report.exitMessage())).isEqualTo("COMPLETED");
    assertThat(logs.resolve("access.log.2.gz")).doesNotExist();
    var tokens = testTokens();
    var expected =
        new String(month, StandardCharsets.ISO_8859_1).replace("bob", tokens.text("bob"));
    assertThat(Files.readString(logs.resolve("access.log.1"), StandardCharsets.ISO_8859_1))
        .isEqualTo(expected + expected);
    assertThat(outcome(report, "purge").deleted()).isEqualTo(3);
    assertThat(outcome(report, "tokens").pseudonymised()).isEqualTo(2);
    // the same job and date again: done, nothing more
    assertThat(run("two", AS_OF_LOGS).status()).isEqualTo("COMPLETED");
  }

  @Test
  void aTokenIsMadeOnceWhateverTheDeleteDidToItsFileSince() throws IOException {
    // night one makes tokens of the month-old lines; night two's delete takes other lines of the
    // same file, so its contents change: the tokens must not become tokens of tokens
    var lines = new ArrayList<byte[]>();
    for (int day = 1; day <= 20; day++) {
      lines.add(
          line(
              "10.0.0." + day,
              "2025-10-%02d".formatted(day),
              "user" + day,
              "a".getBytes(StandardCharsets.UTF_8),
              "\n"));
    }
    Files.write(logs.resolve("access.log.1"), concat(lines.toArray(byte[][]::new)));
    Files.write(logs.resolve("access.log"), new byte[0]);
    logPolicy("purge", "retain: P80D\naction: delete");
    logPolicy("tokens", "retain: P7D\naction: pseudonymise\ntransform: {user: hmac}");
    job("nightly", "job: nightly\npolicies: [purge, tokens]\nguards: {max-share: 1}\n");

    run("nightly", LocalDate.of(2025, 12, 25));
    var afterFirst = Files.readAllLines(logs.resolve("access.log.1"));
    run("nightly", LocalDate.of(2025, 12, 30));
    var afterSecond = Files.readAllLines(logs.resolve("access.log.1"));

    var tokens = testTokens();
    var users =
        afterSecond.stream()
            .map(l -> LineFormat.combined().parse(l).orElseThrow().value("user"))
            .toList();
    assertThat(afterSecond).hasSizeLessThan(afterFirst.size());
    assertThat(users)
        .isNotEmpty()
        .allSatisfy(
            u ->
                assertThat(
                        java.util.stream.IntStream.rangeClosed(1, 20)
                            .mapToObj(d -> tokens.text("user" + d))
                            .toList())
                    .as("a token of a user, once")
                    .contains(u));
    assertThat(Arrays.asList(afterFirst.toArray())).containsAll(afterSecond);
  }

  @Test
  void anErasureSaysWhatItLeftInTheFileBeingWritten(
      @org.springframework.beans.factory.annotation.Autowired
          dev.lethe.subject.RequestIntake intake,
      @org.springframework.beans.factory.annotation.Autowired
          dev.lethe.subject.RequestService requests,
      @org.springframework.beans.factory.annotation.Autowired
          dev.lethe.retention.Validator validator)
      throws IOException {
    var mine = line("10.0.0.9", "2025-12-30", "u9", "x".getBytes(StandardCharsets.UTF_8), "\n");
    var other = line("10.0.0.8", "2025-12-30", "u8", "x".getBytes(StandardCharsets.UTF_8), "\n");
    Files.write(logs.resolve("access.log.1"), concat(mine, other));
    Files.write(logs.resolve("access.log"), concat(other, mine));
    policy(
        "by-user",
        """
        policy: by-user
        category: usage-data
        legal-basis: legitimate-interest
        store: weblogs
        subject: user
        clock: time
        retain: P90D
        action: delete
        """);

    var request =
        intake.receive(
            dev.lethe.subject.RequestKind.ERASE, "u9", null, "DSR-L", "test", validator.load());
    runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);

    assertThat(Files.readAllBytes(logs.resolve("access.log.1"))).isEqualTo(other);
    assertThat(Files.readAllBytes(logs.resolve("access.log"))).isEqualTo(concat(other, mine));
    var outcome = requests.find(request.id());
    assertThat(outcome.status()).isEqualTo(dev.lethe.subject.SubjectRequest.PARTLY_DONE);
    assertThat(outcome.outcomes())
        .singleElement()
        .satisfies(
            o ->
                assertThat(o.outcome())
                    .contains("deleted 1", "1 left in access.log (the file being written"));
  }

  @Test
  void renamingThePolicyThatMakesTokensMakesNoTokenOfAToken() throws IOException {
    var lines = new ArrayList<byte[]>();
    for (int day = 1; day <= 10; day++) {
      lines.add(
          line(
              "10.0.0." + day,
              "2025-11-%02d".formatted(day),
              "user" + day,
              "a".getBytes(StandardCharsets.UTF_8),
              "\n"));
    }
    Files.write(logs.resolve("access.log.1"), concat(lines.toArray(byte[][]::new)));
    Files.write(logs.resolve("access.log"), new byte[0]);
    logPolicy("tokens", "retain: P7D\naction: pseudonymise\ntransform: {user: hmac}");
    job("first", "job: first\npolicies: [tokens]\nguards: {max-share: 1}\n");
    run("first", AS_OF_LOGS);
    var afterFirst = Files.readAllLines(logs.resolve("access.log.1"));

    // the same policy under a new name
    Files.delete(WORKSPACE.resolve("policies/tokens.yml"));
    Files.delete(WORKSPACE.resolve("jobs/first.yml"));
    logPolicy("user-tokens", "retain: P7D\naction: pseudonymise\ntransform: {user: hmac}");
    job("second", "job: second\npolicies: [user-tokens]\nguards: {max-share: 1}\n");
    var report = run("second", AS_OF_LOGS.plusDays(1));

    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(outcome(report, "user-tokens").pseudonymised()).isZero();
    assertThat(Files.readAllLines(logs.resolve("access.log.1"))).isEqualTo(afterFirst);
  }

  /**
   * A folder Lethe may not write in fails the rewrite on a temporary file's name: the message names
   * the log file being rewritten, the folder and the permission it needs. (The suite runs as root,
   * whom no permission stops: the refusal is made here as the file system makes it.)
   */
  @Test
  void aRewriteLetheMayNotWriteNamesTheFileTheFolderAndThePermission() {
    var file = logs.resolve("access.log.1");
    var refused =
        new java.nio.file.AccessDeniedException(
            logs.resolve(".lethe-access.log.1123456.tmp").toString());

    var message = SafeRewrite.describe(file, refused);

    assertThat(message)
        .contains(
            "while rewriting " + file,
            "write and search permission on " + logs.toAbsolutePath(),
            "Fix:",
            "g+wx");
    assertThat(SafeRewrite.describe(file, new java.io.IOException("disk full")))
        .isEqualTo("IOException: disk full");
  }

  /**
   * A link among the log files is neither rewritten through (its target would change under another
   * name) nor over (the link would become a copy): validate warns naming it, and a run leaves both
   * the link and its target as they were. Where the link's target holds lines past their time, the
   * plan names it and the run does the other files and fails naming it: a purge that passed over it
   * kept those lines in silence (found by an outside attack). A link to a file of the store's own
   * (done as itself) and a link whose lines are not due stop nothing.
   */
  @Test
  void aLinkAmongTheLogsIsNamedAndNeitherItNorItsTargetIsRewritten(
      @org.springframework.beans.factory.annotation.Autowired
          dev.lethe.retention.Validator validator)
      throws IOException {
    var elsewhere = WORKSPACE.resolve("elsewhere-" + schema);
    Files.createDirectories(elsewhere);
    var target = elsewhere.resolve("old.log");
    var old =
        line("198.51.100.7", "2025-01-01", "-", "curl".getBytes(StandardCharsets.US_ASCII), "\n");
    Files.write(target, old);
    var link = logs.resolve("access.log.4");
    Files.createSymbolicLink(link, target);
    Files.write(logs.resolve("access.log.1"), old);
    // a link to a rotation of the store's own, as some set-ups name the latest one
    Files.createSymbolicLink(logs.resolve("access.log.latest"), logs.resolve("access.log.1"));
    logPolicy("access-logs", "retain: P30D\naction: delete");
    var job = jobName("links");
    job(job, "job: " + job + "\npolicies: [access-logs]\nguards: {max-share: 1}\n");

    var warnings =
        validator.validate().problems().warnings().stream().map(Object::toString).toList();
    assertThat(warnings)
        .anySatisfy(w -> assertThat(w).contains(link.toString(), "is a link", "never rewrites"));
    var plan = plans.plan(job, AS_OF_LOGS);
    assertThat(plan.unreadable()).isTrue();
    assertThat(plan.policies().get(0).counts().unreadable())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("access.log.4 (a link to " + target.toRealPath())
        .contains("1 line(s) there past their time are left");
    assertThat(plan.render()).contains("cannot read or rewrite access.log.4 (a link");

    var report = run(job, AS_OF_LOGS);

    assertThat(report.status()).isEqualTo("FAILED");
    assertThat(outcome(report, "access-logs").error())
        .contains("access.log.4", "a link to", "past their time are left", "Fix:")
        .doesNotContain("access.log.latest");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readAllBytes(target)).isEqualTo(old);
    // the file of its own went: its one line was due
    assertThat(Files.exists(logs.resolve("access.log.1"))).isFalse();

    // once its lines are not due (a longer retention), the link stops nothing
    logPolicy("access-logs", "retain: P3650D\naction: delete");
    var later = jobName("links-kept");
    job(later, "job: " + later + "\npolicies: [access-logs]\nguards: {max-share: 1}\n");
    assertThat(plans.plan(later, AS_OF_LOGS).unreadable()).isFalse();
    assertThat(run(later, AS_OF_LOGS).status()).isEqualTo("COMPLETED");
  }

  /**
   * A rotation with another name (a hard link: a backup made with cp -al, or by hand) is neither
   * purged nor erased through this one: a rewrite gives this name new contents and leaves the old,
   * due lines and all, under the other, while the run counted them deleted. It is left and named,
   * by the plan too; once the other name is gone it is done.
   */
  @Test
  void aFileWithAnotherNameIsLeftNamedByThePlanAndTheRunAndDoneOnceTheNameIsGone(
      @org.springframework.beans.factory.annotation.Autowired
          dev.lethe.subject.RequestIntake intake,
      @org.springframework.beans.factory.annotation.Autowired
          dev.lethe.subject.RequestService requests,
      @org.springframework.beans.factory.annotation.Autowired
          dev.lethe.retention.Validator validator)
      throws IOException {
    var elsewhere = WORKSPACE.resolve("copies-" + schema);
    Files.createDirectories(elsewhere);
    var mine = line("10.0.0.9", "2025-12-30", "u9", "x".getBytes(StandardCharsets.UTF_8), "\n");
    var old = line("10.0.0.8", "2025-01-02", "u8", "x".getBytes(StandardCharsets.UTF_8), "\n");
    var rotation = logs.resolve("access.log.1");
    Files.write(rotation, concat(mine, old));
    var copy = elsewhere.resolve("access.log.1");
    Files.createLink(copy, rotation);
    policy(
        "by-user",
        """
        policy: by-user
        category: usage-data
        legal-basis: legitimate-interest
        store: weblogs
        subject: user
        clock: time
        retain: P90D
        action: delete
        """);
    var job = jobName("other-names");
    job(job, "job: " + job + "\npolicies: [by-user]\nguards: {max-share: 1}\n");
    assertThat(validator.validate().problems().warnings().stream().map(Object::toString))
        .anySatisfy(
            w -> assertThat(w).contains(rotation.toString(), "1 other name(s)", "-samefile"));

    var request =
        intake.receive(
            dev.lethe.subject.RequestKind.ERASE, "u9", null, "DSR-HL", "test", validator.load());
    runs.run("requests", AS_OF_LOGS, "test", ProgressListener.SILENT);
    var erasure = requests.find(request.id());
    assertThat(erasure.status()).isEqualTo(dev.lethe.subject.SubjectRequest.PARTLY_DONE);
    assertThat(erasure.outcomes())
        .singleElement()
        .satisfies(
            o ->
                assertThat(o.outcome())
                    .contains("1 left in access.log.1", "1 other name(s) (hard links)"));
    var plan = plans.plan(job, AS_OF_LOGS);
    assertThat(plan.policies().get(0).counts().unreadable())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("access.log.1 (it has 1 other name(s) (hard links)");
    var report = run(job, AS_OF_LOGS);

    assertThat(report.status()).isEqualTo("FAILED");
    assertThat(outcome(report, "by-user").error())
        .contains("access.log.1", "other name(s)", "find / -xdev -samefile FILE");
    assertThat(Files.readAllBytes(rotation)).isEqualTo(concat(mine, old));
    assertThat(Files.readAllBytes(copy)).isEqualTo(concat(mine, old));

    // the copy removed, the same job and date goes on and does the file
    Files.delete(copy);
    assertThat(run(job, AS_OF_LOGS).status()).isEqualTo("COMPLETED");
    assertThat(Files.readAllBytes(rotation)).isEqualTo(mine);
  }
}
