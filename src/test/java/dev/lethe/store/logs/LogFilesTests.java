package dev.lethe.store.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.store.logs.FieldTransforms.Kind;
import dev.lethe.transform.HmacKey;
import dev.lethe.transform.Tokens;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log-file pieces on a real Apache access log (10,000 lines of May 2015, not in time order, one
 * malformed line), rotated and compressed as logrotate leaves them.
 */
class LogFilesTests {

  private static final Path REAL_LOG =
      Path.of("src/test/resources/datasets/weblogs/apache_access_combined.log");
  private static final Instant DELETE_BEFORE = Instant.parse("2015-05-18T00:00:00Z");
  private static final Instant PSEUDONYMISE_BEFORE = Instant.parse("2015-05-19T12:00:00Z");
  private static final Map<String, FieldTransforms.Field> TRANSFORMS =
      Map.of(
          "ip", FieldTransforms.Field.of(Kind.IP_PREFIX),
          "user", FieldTransforms.Field.of(Kind.HMAC),
          "referrer", FieldTransforms.Field.of(Kind.IP_PREFIX));

  @TempDir Path folder;
  private List<String> original;
  private Tokens tokens;

  @BeforeEach
  void rotatedLikeLogrotateLeavesThem() throws IOException {
    original = Files.readAllLines(REAL_LOG);
    var key = folder.resolve("key");
    dev.lethe.support.LetheTests.writeSecret(key, "log-tests-key-0123456789abcdef-0123456789");
    tokens = new Tokens(HmacKey.load("logs", key, Map.of()).orElseThrow());
    Files.delete(key);
    var logs = Files.createDirectories(folder.resolve("logs"));
    gzip(logs.resolve("access.log.2.gz"), original.subList(0, 3000));
    Files.write(logs.resolve("access.log.1"), original.subList(3000, 9000));
    Files.write(logs.resolve("access.log"), original.subList(9000, 10000));
    Files.setLastModifiedTime(logs.resolve("access.log.2.gz"), time("2015-05-19T00:00:00Z"));
    Files.setLastModifiedTime(logs.resolve("access.log.1"), time("2015-05-20T00:00:00Z"));
    Files.setLastModifiedTime(logs.resolve("access.log"), time("2015-05-21T00:00:00Z"));
    for (var f : List.of("access.log.2.gz", "access.log.1", "access.log")) {
      Files.setPosixFilePermissions(logs.resolve(f), PosixFilePermissions.fromString("rw-r-----"));
    }
  }

  private static java.nio.file.attribute.FileTime time(String instant) {
    return java.nio.file.attribute.FileTime.from(Instant.parse(instant));
  }

  private static void gzip(Path file, List<String> lines) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (var line : lines) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private FilePass.Rules rules(boolean removeUnparsable) {
    return new FilePass.Rules(
        LineFormat.combined(),
        "ip",
        Optional.of(DELETE_BEFORE),
        Optional.of(PSEUDONYMISE_BEFORE),
        new FieldTransforms(TRANSFORMS),
        removeUnparsable);
  }

  /** One pass over a file, worked out and applied, sparing {@code held} clients. */
  private FilePass.Pass pass(
      Path file, Set<String> held, Optional<PassState.Entry> before, SafeRewrite.Crash crash)
      throws IOException {
    var content = LogFiles.read(file);
    var pass =
        FilePass.compute(
            file,
            content.lines(),
            rules(false),
            new dev.lethe.store.SparedSubjects(0, held, Set.of(), Set.of()),
            Optional.of(tokens),
            before);
    FilePass.apply(pass, content, crash);
    return pass;
  }

  @Test
  void everyLineOfTheRealLogParsesButTheMalformedOneWhichIsNamedByItsNumber() {
    var format = LineFormat.combined();
    var bad = new ArrayList<Integer>();
    Instant previous = null;
    boolean outOfOrder = false;
    for (int i = 0; i < original.size(); i++) {
      var line = format.parse(original.get(i));
      if (line.isEmpty()) {
        bad.add(i + 1);
        continue;
      }
      outOfOrder |= previous != null && line.get().time().isBefore(previous);
      previous = line.get().time();
      assertThat(line.get().value("status")).matches("\\d{3}");
    }
    assertThat(bad).containsExactly(8899);
    assertThat(outOfOrder).as("a real log is not in time order").isTrue();
  }

  @Test
  void expiredLinesGoAndKeptLinesAreByteForByteThemselvesButForTheirTransformedFields()
      throws IOException {
    var logs = new LogFiles(folder.resolve("logs"), "access.log*");
    assertThat(logs.active()).contains(folder.resolve("logs/access.log"));
    // a client with lines past the delete cutoff, spared as if under a hold
    var spared = LineFormat.combined().parse(original.get(0)).orElseThrow().value("ip");

    var outcomes = new ArrayList<FilePass.Pass>();
    for (var file : logs.list()) {
      if (!file.equals(logs.active().orElseThrow())) {
        outcomes.add(pass(file, Set.of(spared), Optional.empty(), SafeRewrite.Crash.NEVER));
      }
    }

    // the active file is as it was
    assertThat(Files.readAllLines(folder.resolve("logs/access.log")))
        .isEqualTo(original.subList(9000, 10000));
    // the rotated ones keep their compression and permissions
    var older = folder.resolve("logs/access.log.2.gz");
    try (var in = new GZIPInputStream(Files.newInputStream(older))) {
      assertThat(in.read()).isNotNegative();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(older)))
        .isEqualTo("rw-r-----");
    var kept = new ArrayList<String>();
    kept.addAll(LogFiles.read(older).lines());
    kept.addAll(LogFiles.read(folder.resolve("logs/access.log.1")).lines());
    var before = new ArrayList<>(original.subList(0, 9000));

    long expired = 0;
    long dueForTokens = 0;
    for (var line : before) {
      var parsed = LineFormat.combined().parse(line);
      if (parsed.isPresent() && !parsed.get().value("ip").equals(spared)) {
        expired += parsed.get().time().isBefore(DELETE_BEFORE) ? 1 : 0;
        dueForTokens +=
            !parsed.get().time().isBefore(DELETE_BEFORE)
                    && parsed.get().time().isBefore(PSEUDONYMISE_BEFORE)
                ? 1
                : 0;
      }
    }
    assertThat(outcomes.stream().mapToLong(FilePass.Pass::deleted).sum())
        .isEqualTo(expired)
        .isPositive();
    assertThat(kept).hasSize(before.size() - (int) expired);
    assertThat(outcomes.stream().mapToLong(FilePass.Pass::pseudonymised).sum())
        .isEqualTo(dueForTokens)
        .isPositive();
    // the malformed line stays, and is reported by its number in its file
    assertThat(outcomes)
        .filteredOn(o -> o.file().getFileName().toString().equals("access.log.1"))
        .singleElement()
        .satisfies(o -> assertThat(o.unparsable()).containsExactly(8899 - 3000));
    assertThat(kept).contains(original.get(8898));

    // every kept line is its original with only the transformed fields changed
    int k = 0;
    for (var line : before) {
      var parsed = LineFormat.combined().parse(line);
      if (parsed.isPresent()
          && !parsed.get().value("ip").equals(spared)
          && parsed.get().time().isBefore(DELETE_BEFORE)) {
        continue; // deleted
      }
      var now = kept.get(k++);
      if (parsed.isEmpty()
          || parsed.get().value("ip").equals(spared)
          || !parsed.get().time().isBefore(PSEUDONYMISE_BEFORE)) {
        assertThat(now).isEqualTo(line);
        continue;
      }
      var after = LineFormat.combined().parse(now).orElseThrow();
      assertThat(after.value("ip")).endsWith(".0").isNotEqualTo(parsed.get().value("ip"));
      assertThat(now)
          .isEqualTo(
              line.substring(0, parsed.get().fields().get("ip").end())
                      .replace(parsed.get().value("ip"), after.value("ip"))
                  + line.substring(parsed.get().fields().get("ip").end()));
    }
    assertThat(k).isEqualTo(kept.size());
  }

  @Test
  void aFileWhoseEveryLineExpiredIsRemovedWhole() throws IOException {
    var file = folder.resolve("logs/old.log");
    Files.write(
        file,
        original.subList(0, 50).stream()
            .filter(
                l -> LineFormat.combined().parse(l).orElseThrow().time().isBefore(DELETE_BEFORE))
            .toList());

    pass(file, Set.of(), Optional.empty(), SafeRewrite.Crash.NEVER);

    assertThat(file).doesNotExist();
  }

  @Test
  void aCrashAtAnyMomentOfARewriteLeavesTheOldFileOrTheNewNeverAMix() throws IOException {
    var file = folder.resolve("logs/access.log.1");
    var before = Files.readAllBytes(file);
    for (var step : List.of("written", "flushed")) {
      assertThatThrownBy(
              () ->
                  pass(
                      file,
                      Set.of(),
                      Optional.empty(),
                      at -> {
                        if (at.equals(step)) {
                          throw new IOException("killed at " + at);
                        }
                      }))
          .hasMessage("killed at " + step);
      assertThat(Files.readAllBytes(file)).as("after a crash once " + step).isEqualTo(before);
    }
    // killed just after the rename: the new file is whole; a rerun finds nothing more to do
    assertThatThrownBy(
            () ->
                pass(
                    file,
                    Set.of(),
                    Optional.empty(),
                    at -> {
                      if (at.equals("renamed")) {
                        throw new IOException("killed at " + at);
                      }
                    }))
        .hasMessage("killed at renamed");
    var renamed = Files.readAllLines(file);
    assertThat(String.join("\n", renamed) + "\n")
        .isNotEqualTo(new String(before, StandardCharsets.UTF_8));
    var rerun =
        pass(
            file,
            Set.of(),
            // what the pass before recorded of the contents it left
            Optional.of(new PassState.Entry(PSEUDONYMISE_BEFORE, renamed.size(), Set.of())),
            SafeRewrite.Crash.NEVER);
    assertThat(rerun.deleted()).isZero();
    assertThat(rerun.pseudonymised()).isZero();
    assertThat(Files.readAllLines(file)).isEqualTo(renamed);
    try (var left = Files.list(folder.resolve("logs"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".lethe-"));
    }
  }

  @Test
  void ipAddressesInsideOtherFieldsAreCutAndAUserBecomesAToken() {
    var line =
        "10.1.2.3 - alice [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5"
            + " \"http://192.168.77.12:8080/from?ip=2001:db8:85a3::8a2e:370:7334\" \"curl/8\"";
    var parsed = LineFormat.combined().parse(line).orElseThrow();

    var out = new FieldTransforms(TRANSFORMS).apply(parsed, tokens);

    assertThat(out)
        .isEqualTo(
            "10.1.2.0 - "
                + tokens.text("alice")
                + " [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5"
                + " \"http://192.168.77.0:8080/from?ip=2001:db8:85a3:0:0:0:0:0\" \"curl/8\"");
  }

  @Test
  void hostileLinesAreReadInOnePassOrCountedUnparsable() {
    var head = "10.1.2.3 - alice [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 ";
    // a referrer of 100,000 characters (a regex's backtracking overflowed the stack at 2,000)
    var referrer = "http://x/" + "a".repeat(100_000);
    var parsed =
        LineFormat.combined().parse(head + "\"" + referrer + "\" \"curl/8\"").orElseThrow();
    assertThat(parsed.value("referrer")).isEqualTo(referrer);
    assertThat(parsed.value("user")).isEqualTo("alice");
    // as many escaped quotes and backslashes
    var escapes = "\\\"".repeat(50_000);
    assertThat(LineFormat.combined().parse(head + "\"" + escapes + "\" \"curl/8\""))
        .hasValueSatisfying(p -> assertThat(p.value("agent")).isEqualTo("curl/8"));
    // an escaped quote inside the request, a NUL byte and a CR inside the agent
    var odd =
        LineFormat.combined()
            .parse(
                "10.1.2.3 - - [17/May/2015:10:05:03 +0000] \"GET /a\\\"b HTTP/1.1\" 200 5 \"-\""
                    + " \"curl\u0000/8\rx\"")
            .orElseThrow();
    assertThat(odd.value("request")).isEqualTo("GET /a\\\"b HTTP/1.1");
    assertThat(odd.value("agent")).isEqualTo("curl\u0000/8\rx");
    // an unclosed quote, a missing field, a status of letters: not this format
    assertThat(LineFormat.combined().parse(head + "\"" + referrer)).isEmpty();
    assertThat(LineFormat.combined().parse(head + "\"-\"")).isEmpty();
    assertThat(
            LineFormat.combined()
                .parse(
                    "10.1.2.3 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 2x0 5 \"-\""
                        + " \"-\""))
        .isEmpty();
    // a line of 10 MB is past the limit: unparsable, in every format, without reading it through
    var huge = head + "\"" + "b".repeat(10 * 1024 * 1024) + "\" \"curl/8\"";
    assertThat(LineFormat.combined().parse(huge)).isEmpty();
    assertThat(
            new LineFormat.JsonLines(List.of("ts"), "ts", new LineFormat.Times(Optional.empty()))
                .parse("{\"ts\":\"" + "c".repeat(2 * 1024 * 1024) + "\"}"))
        .isEmpty();
    // an operator's pattern that backtracks once per character: the line is unparsable, no crash
    var backtracking =
        LineFormat.Regex.of(
            "(?<time>\\S+) (?<user>(a|b)*)c",
            "time",
            new LineFormat.Times(Optional.empty(), java.time.ZoneOffset.UTC));
    assertThat(backtracking.parse("2015-05-17T10:05:03Z " + "ab".repeat(200_000) + "d")).isEmpty();
  }

  @Test
  void jsonLinesAndRegularExpressionsNameTheirFieldsToo() {
    var json =
        LineFormat.JsonLines.class.cast(
            new LineFormat.JsonLines(
                List.of("ts", "client", "user"), "ts", new LineFormat.Times(Optional.empty())));
    var line =
        "{\"ts\":\"2015-05-17T10:05:03Z\",\"client\":\"83.149.9.216\",\"n\":{\"x\":1},\"user\":\"bob\"}";
    var parsed = json.parse(line).orElseThrow();
    assertThat(parsed.time()).isEqualTo(Instant.parse("2015-05-17T10:05:03Z"));
    assertThat(parsed.value("client")).isEqualTo("83.149.9.216");
    assertThat(
            new FieldTransforms(Map.of("client", FieldTransforms.Field.of(Kind.IP_PREFIX)))
                .apply(parsed, tokens))
        .isEqualTo(line.replace("83.149.9.216", "83.149.9.0"));
    assertThat(json.parse("not json")).isEmpty();

    var regex =
        LineFormat.Regex.of(
            "(?<time>\\S+ \\S+) (?<host>\\S+) sshd: login (?<user>\\w+)",
            "time",
            new LineFormat.Times(
                Optional.of("yyyy-MM-dd HH:mm:ss"), java.time.ZoneId.of("Europe/Brussels")));
    var auth = regex.parse("2015-05-17 10:05:03 10.0.0.7 sshd: login carol").orElseThrow();
    assertThat(regex.fields()).containsExactly("time", "host", "user");
    assertThat(auth.value("user")).isEqualTo("carol");
    // no offset: a time of day in the store's zone (Brussels, summer: UTC+2), not UTC
    assertThat(auth.time()).isEqualTo(Instant.parse("2015-05-17T08:05:03Z"));
    var iso = new LineFormat.Times(Optional.empty(), java.time.ZoneId.of("America/New_York"));
    assertThat(iso.parse("2015-01-17T10:05:03")).isEqualTo(Instant.parse("2015-01-17T15:05:03Z"));
    assertThat(iso.parse("2015-01-17T10:05:03+01:00"))
        .isEqualTo(Instant.parse("2015-01-17T09:05:03Z"));
  }

  @Test
  void aWriterThatOpensTheFileWhileItIsRewrittenStopsTheRenameAndLosesNothing() throws Exception {
    var file = folder.resolve("logs/access.log.1");
    var before = Files.readAllBytes(file);
    Process writer = null;
    try {
      var started = new Process[1];
      // the moment the new contents are flushed beside it, a writer opens the file to append
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  pass(
                      file,
                      Set.of(),
                      Optional.empty(),
                      at -> {
                        if (at.equals("flushed")) {
                          started[0] =
                              new ProcessBuilder(
                                      "bash",
                                      "-c",
                                      "exec 3>>access.log.1; sleep 1; echo LATE >&3; sleep 1")
                                  .directory(file.getParent().toFile())
                                  .start();
                          try {
                            Thread.sleep(300);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        }
                      }))
          .isInstanceOf(SafeRewrite.ChangedMeanwhile.class);
      writer = started[0];
      writer.waitFor();
    } finally {
      if (writer != null) {
        writer.destroy();
      }
    }
    // the old file stayed, and got the writer's line
    var after = Files.readAllBytes(file);
    assertThat(java.util.Arrays.copyOf(after, before.length)).isEqualTo(before);
    assertThat(new String(after, StandardCharsets.ISO_8859_1)).endsWith("LATE\n");
  }

  @Test
  void aLineSparedUnderAnEarlierKeyIsTransformedOnceReleasedAfterARotation() throws IOException {
    var file = folder.resolve("logs/access.log.1");
    var lines = LogFiles.read(file).lines();
    var client = LineFormat.combined().parse(lines.get(10)).orElseThrow().value("ip");
    // under the first key the client is held: its due lines are spared, and the state says so
    var spared = new dev.lethe.store.SparedSubjects(0, Set.of(client), Set.of(), Set.of());
    var first =
        FilePass.compute(file, lines, rules(false), spared, Optional.of(tokens), Optional.empty());
    assertThat(first.sparedDue()).isNotEmpty();
    var entry = new PassState.Entry(PSEUDONYMISE_BEFORE, first.kept().size(), first.sparedDue());
    // a new key, the first one kept in the ring, and the hold released
    var keyFile = folder.resolve("second.key");
    dev.lethe.support.LetheTests.writeSecret(keyFile, "second-log-tests-key-0123456789abcdef-0123");
    var rotated =
        new Tokens(HmacKey.load("second", keyFile, Map.of()).orElseThrow(), List.of(tokens));
    var none = new dev.lethe.store.SparedSubjects(0, Set.of(), Set.of(), Set.of());

    var second =
        FilePass.compute(
            file, first.kept(), rules(false), none, Optional.of(rotated), Optional.of(entry));

    // the client's lines that were spared are transformed now, once
    assertThat(second.pseudonymised()).isEqualTo(first.heldByHolds() - deletedOf(first, client));
  }

  /** The held client's lines the first pass found due for deletion (spared, not transformed). */
  private long deletedOf(FilePass.Pass pass, String client) {
    long n = 0;
    for (var line : pass.kept()) {
      var parsed = LineFormat.combined().parse(line);
      if (parsed.isPresent()
          && parsed.get().value("ip").equals(client)
          && parsed.get().time().isBefore(DELETE_BEFORE)) {
        n++;
      }
    }
    return n;
  }

  /**
   * A subject is its key however the log wrote it: with blanks around it, or with JSON's or
   * Apache's escapes. Compared as written, a hold on x1 spared none of these lines, and their
   * tokens were not x1's, so no hold, erasure or restriction of x1 found them once made tokens.
   */
  @Test
  void aSubjectIsItsKeyWhateverBlanksOrEscapesTheLogWroteItWith() throws IOException {
    var json =
        new LineFormat.JsonLines(
            List.of("ts", "user", "note"), "ts", new LineFormat.Times(Optional.empty()));
    var written =
        List.of(
            "{\"ts\":\"2015-05-17T10:00:00Z\",\"user\":\" x1\",\"note\":\"a\"}",
            "{\"ts\":\"2015-05-17T10:01:00Z\",\"user\":\"x\\u0031\",\"note\":\"b\"}",
            "{\"ts\":\"2015-05-17T10:02:00Z\",\"user\":\"x1\\t\",\"note\":\"c\"}",
            "{\"ts\":\"2015-05-17T10:03:00Z\",\"user\":\"x2\",\"note\":\"d\"}");
    for (var line : written.subList(0, 3)) {
      assertThat(json.parse(line).orElseThrow().key("user")).as(line).isEqualTo("x1");
    }
    assertThat(json.parse(written.get(3)).orElseThrow().key("user")).isEqualTo("x2");
    assertThat(
            LineFormat.combined()
                .parse(
                    "1.2.3.4 - j\\xc3\\xb3zef [18/May/2015:10:00:00 +0000] \"GET / HTTP/1.1\" 200"
                        + " 1 \"-\" \"a\"")
                .orElseThrow()
                .key("user"))
        .isEqualTo("j\u00f3zef");

    var file = folder.resolve("users.json");
    Files.write(file, written);
    var transforms =
        new FieldTransforms(Map.of("user", FieldTransforms.Field.of(Kind.HMAC)), "user");
    var deleting =
        new FilePass.Rules(
            json,
            "user",
            Optional.of(Instant.parse("2015-05-18T00:00:00Z")),
            Optional.empty(),
            transforms,
            false);
    var held = new dev.lethe.store.SparedSubjects(0, Set.of("x1"), Set.of(), Set.of());
    var pass =
        FilePass.compute(
            file,
            LogFiles.read(file).lines(),
            deleting,
            held,
            Optional.of(tokens),
            Optional.empty());
    assertThat(pass.heldByHolds()).isEqualTo(3);
    assertThat(pass.deleted()).isEqualTo(1);
    assertThat(pass.kept()).isEqualTo(written.subList(0, 3));

    // made tokens, each is x1's token: a hold on x1 still finds them
    for (var line : written.subList(0, 3)) {
      var changed = json.parse(transforms.apply(json.parse(line).orElseThrow(), tokens));
      assertThat(changed.orElseThrow().key("user")).as(line).isEqualTo(tokens.text("x1"));
    }
  }

  /**
   * A value that is not text (bytes that are not UTF-8, half a character) is no key, and its token
   * is of its bytes: decoded, each bad byte became one replacement character and different people
   * one key; a JSON line naming its subject twice is not read (found by an outside attack).
   */
  @Test
  void aValueThatIsNotTextIsNoKeyAndAMemberNamedTwiceIsNotRead() {
    var json =
        new LineFormat.JsonLines(
            List.of("ts", "user"), "ts", new LineFormat.Times(Optional.empty()));
    var apache = LineFormat.combined();
    var first = apache.parse(userLine("vic\\xfftim")).orElseThrow();
    var second = apache.parse(userLine("vic\\xfetim")).orElseThrow();
    assertThat(first.key("user")).isNull();
    assertThat(second.key("user")).isNull();
    var halves =
        List.of("\\ud83dx", "\\udc00x", "?x").stream()
            .map(
                u ->
                    json.parse("{\"ts\":\"2015-05-17T10:00:00Z\",\"user\":\"" + u + "\"}")
                        .orElseThrow())
            .toList();
    assertThat(halves.get(0).key("user")).isNull();
    assertThat(halves.get(1).key("user")).isNull();
    assertThat(halves.get(2).key("user")).isEqualTo("?x");
    var hmac = new FieldTransforms(Map.of("user", FieldTransforms.Field.of(Kind.HMAC)), "user");
    var madeTokens =
        halves.stream()
            .map(l -> json.parse(hmac.apply(l, tokens)).orElseThrow().value("user"))
            .distinct()
            .toList();
    assertThat(madeTokens).hasSize(3);
    assertThat(apache.parse(hmac.apply(first, tokens)).orElseThrow().value("user"))
        .isNotEqualTo(apache.parse(hmac.apply(second, tokens)).orElseThrow().value("user"));

    assertThat(
            json.parse("{\"ts\":\"2015-05-17T10:00:00Z\",\"user\":\"alice\",\"user\":\"mallory\"}"))
        .isEmpty();
    // written raw inside a string, a control character does not make the line unreadable
    assertThat(json.parse("{\"ts\":\"2015-05-17T10:00:00Z\",\"user\":\"gi\u0001na\"}")).isPresent();
  }

  /**
   * A subject field holding a list or an object, or a line that cannot be read: whose it is cannot
   * be told, and a spared key it mentions keeps it, also a key with a separator in it (an IPv6
   * address, "alice smith"). Such lines went with holds in force (found by an outside attack).
   */
  @Test
  void aLineWhoseSubjectCannotBeToldStaysWhereItMentionsASparedKey() throws IOException {
    var json =
        new LineFormat.JsonLines(
            List.of("ts", "user"), "ts", new LineFormat.Times(Optional.empty()));
    var ts = "{\"ts\":\"2015-05-17T10:00:00Z\",\"user\":";
    var written =
        List.of(
            ts + "[\"heldu\"]}",
            ts + "{\"id\":\"heldu\"}}",
            ts + "[\"other\"]}",
            "garbage line about 2001:db8::5 here",
            "garbage line about 2001:db8::55 here",
            "garbage mention alice smith here",
            "garbage mention alice smithers here");
    var file = folder.resolve("users.json");
    Files.write(file, written);
    var rules =
        new FilePass.Rules(
            json,
            "user",
            Optional.of(Instant.parse("2015-05-18T00:00:00Z")),
            Optional.empty(),
            new FieldTransforms(Map.of(), "user"),
            true);
    var held =
        new dev.lethe.store.SparedSubjects(
            0, Set.of("heldu", "2001:db8::5", "alice smith"), Set.of(), Set.of());
    var pass =
        FilePass.compute(
            file, LogFiles.read(file).lines(), rules, held, Optional.of(tokens), Optional.empty());
    assertThat(pass.kept())
        .containsExactly(written.get(0), written.get(1), written.get(3), written.get(5));
    assertThat(pass.heldByHolds()).isEqualTo(4);
  }

  /** A JSON or regex field may hold a space ("john doe"); a combined or common field cannot. */
  @Test
  void aKeyWithASpaceFitsAJsonLogButNotAnApacheOne() {
    var scope =
        new dev.lethe.store.RetentionScope(
            java.time.ZonedDateTime.now(), List.of(), List.of(), Optional.empty());
    var json =
        new LineFormat.JsonLines(
            List.of("ts", "user"), "ts", new LineFormat.Times(Optional.empty()));
    var jsonLogs = new LogStore("jlogs", folder, "app.log*", Optional.empty(), json);
    var apacheLogs =
        new LogStore("weblogs", folder, "access.log*", Optional.empty(), LineFormat.combined());
    assertThat(new LogSubjectData(jsonLogs, null, scope).fits("john doe")).isTrue();
    assertThat(new LogSubjectData(apacheLogs, null, scope).fits("john doe")).isFalse();
    assertThat(new LogSubjectData(jsonLogs, null, scope).fits("  ")).isFalse();
  }

  private static String userLine(String user) {
    return "1.2.3.4 - "
        + user
        + " [18/May/2015:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"";
  }

  @Test
  void aFieldThatIsNotUtf8BecomesTheTokenOfItsBytesSoThatNoTwoShareOne() {
    // helene with é and è in Latin-1, and the same with other Latin-1 letters: both invalid UTF-8
    var first =
        "1.2.3.4 - h\u00e9l\u00e8ne [18/May/2015:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"";
    var second = first.replace("\u00e9l\u00e8", "\u00ealo\u00ea");
    var transforms = new FieldTransforms(Map.of("user", FieldTransforms.Field.of(Kind.HMAC)));
    var one = transforms.apply(LineFormat.combined().parse(first).orElseThrow(), tokens);
    var two = transforms.apply(LineFormat.combined().parse(second).orElseThrow(), tokens);
    var tokenOne = LineFormat.combined().parse(one).orElseThrow().value("user");
    var tokenTwo = LineFormat.combined().parse(two).orElseThrow().value("user");
    assertThat(tokenOne).hasSize(64).isNotEqualTo(tokenTwo);
    // valid UTF-8 text gets the token every other store makes of it
    var utf8 =
        LogContent.text(
            first.replace("h\u00e9l\u00e8ne", "h\u00e9l\u00e8ne").getBytes(StandardCharsets.UTF_8));
    var three = transforms.apply(LineFormat.combined().parse(utf8).orElseThrow(), tokens);
    assertThat(LineFormat.combined().parse(three).orElseThrow().value("user"))
        .isEqualTo(tokens.text("h\u00e9l\u00e8ne"));
  }
}
