package dev.lethe.store.mariadb;

import dev.lethe.store.SparedSubjects;
import dev.lethe.transform.Tokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The spared subjects of a window as a temporary table of the MariaDB session, joined against by
 * the window's statements. InnoDB, not MEMORY: a MEMORY table stops at {@code max_heap_table_size}
 * (16 MB, about 16,000 subjects with their tokens) and the purge with it. Loading a million
 * subjects takes seconds, so a session loads them again only when they changed: a second table
 * keeps the fingerprint of what is loaded, and both change in the window's transaction, so a
 * rolled-back window leaves them agreeing.
 */
final class SparedTable {

  private static final String NAME = "lethe_spared";
  private static final String LOADED = "_loaded";

  /**
   * The longest key the table holds (InnoDB keys stop at 3,072 bytes, 4 a character); a longer key
   * fails the window rather than being cut short and matching nothing.
   */
  private static final int LONGEST_KEY = 768;

  private static final int BATCH = 10_000;

  /** The fingerprints of the few sets a process works with at once, by identity. */
  private static final Known[] KNOWN = new Known[8];

  private static int next;

  private record Known(SparedSubjects spared, Optional<Tokens> tokens, String fingerprint) {}

  private SparedTable() {}

  /**
   * The collation keys are compared under: the subject column's, in utf8mb4 (a hold on dave kept
   * none of the rows of ｄａｖｅ that the column's utf8mb4_unicode_ci takes for the same value: the
   * table compared under the database's default, found by an outside attack). A column of another
   * character set compares under utf8mb4_general_ci, or utf8mb4_bin where it is binary; a number
   * column's keys byte for byte.
   */
  static String collationOf(MariaTable.Column column) {
    var collation = column == null ? null : column.collation();
    if (collation == null) {
      return "utf8mb4_bin";
    }
    var name = collation.toLowerCase(java.util.Locale.ROOT);
    if (!name.matches("[a-z0-9_]+")) {
      return "utf8mb4_general_ci";
    }
    if (name.startsWith("utf8mb4_")) {
      return name;
    }
    if (name.startsWith("utf8mb3_")) {
      return "utf8mb4_" + name.substring("utf8mb3_".length());
    }
    if (name.startsWith("utf8_")) {
      return "utf8mb4_" + name.substring("utf8_".length());
    }
    if (name.startsWith("uca1400_")) {
      return "utf8mb4_" + name; // MariaDB 11's collations named without their character set
    }
    return name.endsWith("_bin") ? "utf8mb4_bin" : "utf8mb4_general_ci";
  }

  /**
   * The session's table of spared subjects compared under {@code collation}: a table of its own per
   * collation, so that a key's lookup uses its primary key, and no table is dropped and made again
   * (a temporary table's DDL is not undone with a window's rollback).
   */
  static String name(String collation) {
    return NAME + "_" + collation;
  }

  /** The key of a row's subject text, as the table of spared subjects under {@code collation}. */
  static String keyOf(String columnSql, String collation) {
    return MariaSql.keyOf("CAST(" + columnSql + " AS CHAR CHARACTER SET utf8mb4)")
        + " COLLATE "
        + collation;
  }

  /**
   * Loads the spared subjects into the session's table, each under its first reason (1 held, 2
   * requested, 3 restricted) and in each of its {@link MariaSql#forms}, unless it holds them
   * already.
   */
  static void load(
      Connection c, SparedSubjects spared, Optional<Tokens> subjectTokens, String collation)
      throws SQLException {
    var fingerprint = fingerprint(spared, subjectTokens);
    var table = name(collation);
    var loaded = table + LOADED;
    try (var s = c.createStatement()) {
      s.execute(
          "CREATE TEMPORARY TABLE IF NOT EXISTS "
              + table
              + " (subject VARCHAR("
              + LONGEST_KEY
              + ") CHARACTER SET utf8mb4 COLLATE "
              + collation
              + " NOT NULL PRIMARY KEY, reason TINYINT NOT NULL) ENGINE=InnoDB");
      s.execute(
          "CREATE TEMPORARY TABLE IF NOT EXISTS "
              + loaded
              + " (fingerprint TEXT NOT NULL) ENGINE=InnoDB");
      try (var rs = s.executeQuery("SELECT fingerprint FROM " + loaded)) {
        if (rs.next() && fingerprint.equals(rs.getString(1)) && !rs.next()) {
          return;
        }
      }
      s.execute("DELETE FROM " + loaded);
      s.execute("DELETE FROM " + table);
    }
    // reasons in order, so that the first one stays (keys of several forms may meet in the
    // table's collation too, 'A' and 'a': sparing both is the safe side)
    try (var ps =
        c.prepareStatement(
            "INSERT INTO " + table + " VALUES (?, ?) ON DUPLICATE KEY UPDATE reason = reason")) {
      int reason = 1;
      int batched = 0;
      for (var set : List.of(spared.held(), spared.requested(), spared.restricted())) {
        for (var subject : set) {
          for (var form : MariaSql.forms(subject.trim(), subjectTokens)) {
            ps.setString(1, form);
            ps.setInt(2, reason);
            ps.addBatch();
            if (++batched % BATCH == 0) {
              ps.executeBatch();
            }
          }
        }
        reason++;
      }
      ps.executeBatch();
    }
    try (var ps = c.prepareStatement("INSERT INTO " + loaded + " VALUES (?)")) {
      ps.setString(1, fingerprint);
      ps.executeUpdate();
    }
  }

  /**
   * What identifies the set's content and the keys its tokens are made under: the sum of a digest
   * of each subject with its reason, so that no order has to be made of a million keys. Computed
   * once per set.
   */
  private static String fingerprint(SparedSubjects spared, Optional<Tokens> tokens) {
    synchronized (KNOWN) {
      for (var known : KNOWN) {
        if (known != null && known.spared() == spared && known.tokens().equals(tokens)) {
          return known.fingerprint();
        }
      }
    }
    long high = 0;
    long low = 0;
    var digest = sha256();
    int reason = 1;
    for (var set : List.of(spared.held(), spared.requested(), spared.restricted())) {
      for (var subject : set) {
        digest.update((byte) reason);
        var d = digest.digest(subject.trim().getBytes(StandardCharsets.UTF_8));
        high += java.nio.ByteBuffer.wrap(d, 0, 8).getLong();
        low += java.nio.ByteBuffer.wrap(d, 8, 8).getLong();
      }
      reason++;
    }
    var keys = new ArrayList<String>();
    tokens.ifPresent(t -> t.everyKey().forEach(k -> keys.add(k.keyId())));
    var fingerprint =
        spared.all().size()
            + ":"
            + HexFormat.of().toHexDigits(high)
            + HexFormat.of().toHexDigits(low)
            + ":"
            + String.join(",", keys);
    synchronized (KNOWN) {
      KNOWN[next] = new Known(spared, tokens, fingerprint);
      next = (next + 1) % KNOWN.length;
    }
    return fingerprint;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
