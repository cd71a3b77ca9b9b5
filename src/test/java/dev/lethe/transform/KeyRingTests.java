package dev.lethe.transform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.cli.Lethe;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Holds on rows whose subject column became a token are matched by computing the token again: a
 * different key under the same key id would void them, and a rotation must not. Lethe is run here
 * as operators run it, with a configuration file, so that each command reads its key afresh.
 */
class KeyRingTests extends LetheTests {

  private static final String KEY_A = "a".repeat(32) + "-first-key-of-the-ring";
  private static final String KEY_B = "b".repeat(32) + "-second-key-of-the-ring";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path folder;
  private String job;

  @BeforeEach
  void tokenisedEvents() throws IOException {
    folder = Files.createDirectories(WORKSPACE.resolve("keys-" + schema));
    Events.create(APP, schema, 1000, 50);
    APP.run("ALTER TABLE " + schema + ".event ADD COLUMN pseudonymised_at timestamptz");
    policy(
        "events",
        Events.policy("events", schema, "")
            .replace(
                "retain: P1Y\naction: delete",
                """
                marker: pseudonymised_at
                stages:
                  - after: P30D
                    action: pseudonymise
                    transform: {subject_id: hmac}
                  - after: P1Y
                    action: delete"""));
    job = jobName("purge");
    job(job, Events.job(job, "events", ""));
  }

  /**
   * How {@link #lethe} leaves the key file: as an operator should, unless a test says otherwise.
   */
  private String keyFileMode = "rw-------";

  /** Lethe with a configuration naming key {@code id} in a key file, and the key ring, if any. */
  private int lethe(String keyId, String key, Path ring, String commandLine) throws IOException {
    var keyFile = folder.resolve("current-" + keyId);
    writeSecret(keyFile, key + "\n");
    Files.setPosixFilePermissions(
        keyFile, java.nio.file.attribute.PosixFilePermissions.fromString(keyFileMode));
    var config = configFile("lethe-" + schema + "-" + keyId);
    // a control database and reports of this test's own: the key ids it records are its own
    var text =
        Files.readString(config)
                .replaceFirst(
                    "control-database:\n    url: \"[^\"]*\"",
                    java.util.regex.Matcher.quoteReplacement(
                        "control-database:\n    url: \"" + controlUrl() + "\""))
                .replace(
                    "reports: " + WORKSPACE.resolve("reports"),
                    "reports: " + WORKSPACE.resolve("reports-" + schema))
            + "  pseudonymisation:\n    key-id: "
            + keyId
            + "\n    key-file: "
            + keyFile
            + "\n"
            + (ring == null ? "" : "    key-ring: " + ring + "\n");
    Files.writeString(config, text);
    var args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(commandLine.split(" ")));
    return Lethe.execute(
        args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private String controlUrl() {
    return dev.lethe.support.TestDatabases.url("keys_" + schema);
  }

  /** A hold placed in this test's control database, as compliance places it. */
  private void hold(String keyId, String key, long subject, String caseReference)
      throws IOException {
    assertThat(
            lethe(
                keyId,
                key,
                null,
                "hold place --subject " + subject + " --case " + caseReference + " --reason court"))
        .isZero();
  }

  private long rowsOf(long subject, Tokens tokens) {
    return APP.count(
        "SELECT count(*) FROM "
            + schema
            + ".event WHERE subject_id IN ("
            + subject
            + ", "
            + tokens.number(Long.toString(subject))
            + ")");
  }

  private static Tokens tokens(String id, String key) {
    return new Tokens(HmacKey.load(id, null, Map.of(HmacKey.VARIABLE, key)).orElseThrow());
  }

  @Test
  void aKeyFileOtherUsersMayReadIsRefusedBeforeAnythingIsRead() throws IOException {
    var id = "open-" + schema;
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event");
    for (var mode : List.of("rw-r--r--", "rw-rw----", "rw----r--")) {
      keyFileMode = mode;
      err.getBuffer().setLength(0);
      assertThat(lethe(id, KEY_A, null, "run " + job + " --as-of 2026-06-01"))
          .as(mode)
          .isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString())
          .contains("lethe.pseudonymisation.key-file", "current-" + id, "chmod 600", mode)
          .doesNotContain(KEY_A);
      assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(rows);
    }
    // a group may read, as PostgreSQL allows for its key; owner-only of course runs
    keyFileMode = "rw-r-----";
    assertThat(lethe(id, KEY_A, null, "plan " + job + " --as-of 2026-06-01")).isZero();
    keyFileMode = "r--------";
    assertThat(lethe(id, KEY_A, null, "run " + job + " --as-of 2026-06-01")).isZero();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isLessThan(rows);
  }

  @Test
  void anotherKeyUnderAKnownKeyIdIsRefusedBeforeAnythingIsRead() throws IOException {
    var id = "k-" + schema;
    assertThat(lethe(id, KEY_A, null, "run " + job + " --as-of 2026-01-01")).isZero();
    hold(id, KEY_A, 7, "LIT-1");
    long held = rowsOf(7, tokens(id, KEY_A));
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event");

    // the key file replaced, the key id kept
    int code = lethe(id, KEY_B, null, "run " + job + " --as-of 2026-06-01");

    assertThat(code).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("key id " + id + " was first used on", "with another key", "Fix:")
        .doesNotContain(KEY_A, KEY_B);
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(rows);
    assertThat(rowsOf(7, tokens(id, KEY_A))).isEqualTo(held);
    // plan and serve refuse it too
    assertThat(lethe(id, KEY_B, null, "plan " + job + " --as-of 2026-06-01"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(lethe(id, KEY_B, null, "serve --metrics-port off")).isEqualTo(Lethe.BAD_INPUT);
    // the fingerprint in the control database and the trail is not the key
    String recorded;
    try (var c = java.sql.DriverManager.getConnection(controlUrl());
        var ps =
            c.prepareStatement("SELECT fingerprint FROM lethe.key_fingerprint WHERE key_id = ?")) {
      ps.setString(1, id);
      var rs = ps.executeQuery();
      rs.next();
      recorded = rs.getString(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    assertThat(recorded).hasSize(64).doesNotContain(KEY_A);

    // the control database's record removed, by someone who can write there: the trail remembers
    try (var c = java.sql.DriverManager.getConnection(controlUrl());
        var ps = c.prepareStatement("DELETE FROM lethe.key_fingerprint WHERE key_id = ?")) {
      ps.setString(1, id);
      assertThat(ps.executeUpdate()).isOne();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    err.getBuffer().setLength(0);
    assertThat(lethe(id, KEY_B, null, "run " + job + " --as-of 2026-06-01"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("key id " + id + " was first used on", "as the audit trail records");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(rows);
    // and the right key still runs, its record made again
    assertThat(lethe(id, KEY_A, null, "run " + job + " --as-of 2026-06-01")).isZero();
  }

  @Test
  void afterARotationHoldsRequestsAndTheTrailFindRowsTokenisedUnderTheEarlierKey()
      throws IOException {
    var first = "a-" + schema;
    var second = "b-" + schema;
    assertThat(lethe(first, KEY_A, null, "run " + job + " --as-of 2026-01-01")).isZero();
    var underA = tokens(first, KEY_A);
    long held = rowsOf(7, underA);
    assertThat(held).isPositive();
    hold(first, KEY_A, 7, "LIT-2");

    // a new key id, the old key kept in the ring
    var ring = Files.createDirectories(folder.resolve("ring"));
    writeSecret(ring.resolve(first + ".key"), KEY_A + "\n");
    assertThat(lethe(second, KEY_B, ring, "run " + job + " --as-of 2026-06-01")).isZero();

    // the held subject's rows, tokens under the earlier key, all stayed
    assertThat(rowsOf(7, underA)).isEqualTo(held);
    // others' rows older than the new cutoff went
    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".event WHERE occurred_at < timestamptz '2025-06-01 00:00:00+00'"))
        .isEqualTo(held - rowsOf7After("2025-06-01", underA));
    // the trail finds what the first run did to the subject, under the earlier key
    out.getBuffer().setLength(0);
    assertThat(lethe(second, KEY_B, ring, "audit subject 8")).isZero();
    assertThat(out.toString()).contains("pseudonymised", "deleted");
  }

  /** The held subject's rows no older than {@code day}. */
  private long rowsOf7After(String day, Tokens tokens) {
    return APP.count(
        "SELECT count(*) FROM "
            + schema
            + ".event WHERE occurred_at >= timestamptz '"
            + day
            + " 00:00:00+00' AND subject_id IN (7, "
            + tokens.number("7")
            + ")");
  }

  @org.junit.jupiter.api.Test
  void aKeyIdUsedBeforeAndMissingFromTheRingIsRefusedUnlessRetired() throws IOException {
    var first = "a-" + schema;
    var second = "b-" + schema;
    assertThat(lethe(first, KEY_A, null, "run " + job + " --as-of 2026-01-01")).isZero();
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event");

    // a new key, and the old one not kept
    int code = lethe(second, KEY_B, null, "run " + job + " --as-of 2026-06-01");

    assertThat(code).isEqualTo(dev.lethe.cli.Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("[" + first + "] made tokens before", "retired-key-ids");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(rows);
  }

  /**
   * A key ring others may write is refused, naming the folder and the chmod that fixes it: anyone
   * could put a key of their own there, or a short file that stops every command (found by an
   * outside attack). A ring file's own problem names the key ring, not key-file.
   */
  @Test
  void aKeyRingOthersMayWriteIsRefusedAndARingFileIsNamedAsTheRings() throws IOException {
    var ring = Files.createDirectories(folder.resolve("ring"));
    var earlier = "e-" + schema;
    writeSecret(ring.resolve(earlier + ".key"), KEY_A + "\n");
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event");
    var id = "r-" + schema;
    for (var mode : List.of("rwxrwxrwx", "rwxrwx---")) {
      Files.setPosixFilePermissions(
          ring, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
      err.getBuffer().setLength(0);
      assertThat(lethe(id, KEY_B, ring, "run " + job + " --as-of 2026-06-01"))
          .as(mode)
          .isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString())
          .contains("lethe.pseudonymisation.key-ring", ring.toString(), "chmod 700", mode);
      assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(rows);
    }
    Files.setPosixFilePermissions(
        ring, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(
        ring.resolve(earlier + ".key"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    err.getBuffer().setLength(0);
    assertThat(lethe(id, KEY_B, ring, "run " + job + " --as-of 2026-06-01"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("lethe.pseudonymisation.key-ring: " + ring.resolve(earlier + ".key"))
        .doesNotContain("key-file");
  }

  /**
   * A new key id given the key another id was used with rotates nothing, while reports would say
   * tokens were made under a new key: refused, naming both ids, before anything is read; as is a
   * ring holding one key under two ids.
   */
  @Test
  void aNewKeyIdForAKeyAnotherIdWasUsedWithIsRefused() throws IOException {
    var first = "one-" + schema;
    assertThat(lethe(first, KEY_A, null, "run " + job + " --as-of 2026-01-01")).isZero();
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event");

    var renamed = "two-" + schema;
    assertThat(lethe(renamed, KEY_A, null, "run " + job + " --as-of 2026-06-01"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("key id " + renamed + " holds the same key as key id " + first, "Fix:")
        .doesNotContain(KEY_A);
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(rows);

    // a ring with a copy of the key under another id
    var ring = Files.createDirectories(folder.resolve("copies"));
    Files.setPosixFilePermissions(
        ring, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    writeSecret(ring.resolve(first + ".key"), KEY_A + "\n");
    writeSecret(ring.resolve("copy-" + schema + ".key"), KEY_A + "\n");
    err.getBuffer().setLength(0);
    assertThat(lethe("new-" + schema, KEY_B, ring, "run " + job + " --as-of 2026-06-01"))
        .isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("holds the same key as key id");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(rows);
  }
}
