package dev.lethe.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One entry of the trail: what was done ({@code kind}, {@code action}), in which run, under which
 * policy and stage, to which subjects and how many rows each. A subject is recorded by the first 8
 * bytes of its HMAC token, which is as good as the whole token for finding it again and takes a
 * quarter of the room; {@code subjects} is ascending, {@code rows} in the same order. {@code hash}
 * covers every field and the hash of the entry before, so the entries form a chain.
 */
public record AuditEntry(
    long seq,
    Instant recordedAt,
    String kind,
    String action,
    Long runId,
    String policy,
    String stage,
    long[] subjects,
    int[] rows,
    long totalRows,
    String detail,
    String prevHash,
    String hash,
    String keyId,
    String signature) {

  /** The hash before the first entry. */
  public static final String GENESIS = "0".repeat(64);

  /** The hash of the entry's content and of the entry before it, as stored. */
  public String expectedHash() {
    return hashOf(
        seq,
        recordedAt,
        new Draft(kind, action, runId, policy, stage, subjects, rows, totalRows, detail),
        prevHash);
  }

  /** The hash of an entry: its place, its time, what it records, and the hash before it. */
  static String hashOf(long seq, Instant recordedAt, Draft draft, String prevHash) {
    try {
      var sha = MessageDigest.getInstance("SHA-256");
      var head =
          String.join(
              "\n",
              Long.toString(seq),
              recordedAt.toString(),
              draft.kind(),
              draft.action(),
              draft.runId() == null ? "" : draft.runId().toString(),
              draft.policy() == null ? "" : draft.policy(),
              draft.stage() == null ? "" : draft.stage(),
              "");
      sha.update(head.getBytes(StandardCharsets.UTF_8));
      sha.update(pack(draft.subjects()));
      sha.update((byte) '\n');
      sha.update(pack(draft.rows()));
      var tail =
          String.join(
              "\n",
              "",
              Long.toString(draft.totalRows()),
              draft.detail() == null ? "" : draft.detail(),
              prevHash);
      sha.update(tail.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java", e);
    }
  }

  /** Whether the entry is about the subject of this token prefix. */
  public boolean about(long token) {
    return java.util.Arrays.binarySearch(subjects, token) >= 0;
  }

  /** The rows the entry records for one subject (0: none, or the subject is not in it). */
  public long rowsOf(long token) {
    int i = java.util.Arrays.binarySearch(subjects, token);
    if (i < 0) {
      return 0;
    }
    // two subjects whose tokens begin alike (once in billions) are both counted
    long rows = 0;
    int first = i;
    while (first > 0 && subjects[first - 1] == token) {
      first--;
    }
    for (int j = first; j < subjects.length && subjects[j] == token; j++) {
      rows += this.rows[j];
    }
    return rows;
  }

  static byte[] pack(long[] values) {
    var buffer = ByteBuffer.allocate(values.length * Long.BYTES);
    for (var v : values) {
      buffer.putLong(v);
    }
    return buffer.array();
  }

  static byte[] pack(int[] values) {
    var buffer = ByteBuffer.allocate(values.length * Integer.BYTES);
    for (var v : values) {
      buffer.putInt(v);
    }
    return buffer.array();
  }

  static long[] longs(byte[] packed) {
    var buffer = ByteBuffer.wrap(packed);
    var values = new long[packed.length / Long.BYTES];
    for (int i = 0; i < values.length; i++) {
      values[i] = buffer.getLong();
    }
    return values;
  }

  static int[] ints(byte[] packed) {
    var buffer = ByteBuffer.wrap(packed);
    var values = new int[packed.length / Integer.BYTES];
    for (int i = 0; i < values.length; i++) {
      values[i] = buffer.getInt();
    }
    return values;
  }

  /** What is to be appended; the trail gives it its place, time and hashes. */
  public record Draft(
      String kind,
      String action,
      Long runId,
      String policy,
      String stage,
      long[] subjects,
      int[] rows,
      long totalRows,
      String detail) {

    /** An entry of no run about one subject (or none: {@code token} null). */
    public static Draft about(String kind, String action, Long token, long rows, String detail) {
      return new Draft(
          kind,
          action,
          null,
          null,
          null,
          token == null ? new long[0] : new long[] {token},
          token == null ? new int[0] : new int[] {Math.toIntExact(rows)},
          rows,
          detail);
    }

    /** An entry with no subject. */
    public static Draft plain(String kind, String action, Long runId, String detail) {
      return new Draft(kind, action, runId, null, null, new long[0], new int[0], 0, detail);
    }

    /** The draft as a map of plain values, for a store's outbox; {@link #of} reads it back. */
    public java.util.Map<String, Object> toMap() {
      var map = new java.util.LinkedHashMap<String, Object>();
      map.put("kind", kind);
      map.put("action", action);
      map.put("runId", runId);
      map.put("policy", policy);
      map.put("stage", stage);
      map.put("subjects", java.util.Base64.getEncoder().encodeToString(pack(subjects)));
      map.put("rows", java.util.Base64.getEncoder().encodeToString(pack(rows)));
      map.put("totalRows", totalRows);
      map.put("detail", detail);
      return map;
    }

    public static Draft of(java.util.Map<String, Object> map) {
      var run = map.get("runId");
      return new Draft(
          (String) map.get("kind"),
          (String) map.get("action"),
          run == null ? null : ((Number) run).longValue(),
          (String) map.get("policy"),
          (String) map.get("stage"),
          longs(java.util.Base64.getDecoder().decode((String) map.get("subjects"))),
          ints(java.util.Base64.getDecoder().decode((String) map.get("rows"))),
          ((Number) map.get("totalRows")).longValue(),
          (String) map.get("detail"));
    }

    /** The same draft with more said in its detail. */
    public Draft withDetail(String more) {
      return new Draft(
          kind,
          action,
          runId,
          policy,
          stage,
          subjects,
          rows,
          totalRows,
          detail == null ? more : detail + "; " + more);
    }
  }

  /**
   * Sorts subjects (token prefixes, as signed numbers) and their rows together, in place: a
   * least-significant-digit radix sort, eight passes of a byte, stable and without objects.
   */
  static void sortBySubject(long[] subjects, int[] rows) {
    int n = subjects.length;
    var keys = new long[n];
    var values = new int[n];
    long[] fromKeys = subjects;
    int[] fromValues = rows;
    long[] toKeys = keys;
    int[] toValues = values;
    for (int shift = 0; shift < 64; shift += 8) {
      var counts = new int[257];
      for (int i = 0; i < n; i++) {
        counts[digit(fromKeys[i], shift) + 1]++;
      }
      for (int d = 0; d < 256; d++) {
        counts[d + 1] += counts[d];
      }
      for (int i = 0; i < n; i++) {
        int at = counts[digit(fromKeys[i], shift)]++;
        toKeys[at] = fromKeys[i];
        toValues[at] = fromValues[i];
      }
      long[] k = fromKeys;
      fromKeys = toKeys;
      toKeys = k;
      int[] v = fromValues;
      fromValues = toValues;
      toValues = v;
    }
    // eight passes: the sorted arrays are the given ones again
  }

  /** A byte of the key, the sign bit flipped so that unsigned order is the signed one. */
  private static int digit(long key, int shift) {
    return (int) (((key ^ Long.MIN_VALUE) >>> shift) & 0xff);
  }
}
