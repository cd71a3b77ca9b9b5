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
    String signature,
    int format,
    java.util.UUID outboxId,
    String malformed) {

  /** The hash before the first entry. */
  public static final String GENESIS = "0".repeat(64);

  /**
   * How entries are hashed now: each field with its length ({@link #hashOf(long, Instant, Draft,
   * java.util.UUID, String)}).
   */
  public static final int FORMAT = 2;

  /** The hash of the entry's content and of the entry before it, as stored. */
  public String expectedHash() {
    var draft = new Draft(kind, action, runId, policy, stage, subjects, rows, totalRows, detail);
    return switch (format) {
      case 1 -> hashOf(seq, recordedAt, draft, prevHash);
      case FORMAT -> hashOf(seq, recordedAt, draft, outboxId, prevHash);
      default -> "format " + format + " is unknown";
    };
  }

  /**
   * The hash of an entry, format 2: a tag no format-1 entry starts with, then each field with its
   * length (or -1 where it is null), so that no byte can move from one field to another and the
   * hash stay the same; its outbox id among them.
   */
  static String hashOf(
      long seq, Instant recordedAt, Draft draft, java.util.UUID outboxId, String prevHash) {
    try {
      var sha = MessageDigest.getInstance("SHA-256");
      sha.update("lethe-audit-entry-2\0".getBytes(StandardCharsets.US_ASCII));
      field(sha, Long.toString(seq));
      field(sha, recordedAt.toString());
      field(sha, draft.kind());
      field(sha, draft.action());
      field(sha, draft.runId() == null ? null : draft.runId().toString());
      field(sha, draft.policy());
      field(sha, draft.stage());
      field(sha, pack(draft.subjects()));
      field(sha, pack(draft.rows()));
      field(sha, Long.toString(draft.totalRows()));
      field(sha, draft.detail());
      field(sha, outboxId == null ? null : outboxId.toString());
      field(sha, prevHash);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java", e);
    }
  }

  private static void field(MessageDigest sha, String value) {
    field(sha, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  private static void field(MessageDigest sha, byte[] value) {
    sha.update(ByteBuffer.allocate(4).putInt(value == null ? -1 : value.length).array());
    if (value != null) {
      sha.update(value);
    }
  }

  /**
   * What is wrong with the shape of an entry as stored, whatever its hash says (null: nothing): a
   * format-1 hash let bytes move between fields, so subjects and rows must pair up, one row count
   * of 4 bytes per subject of 8, ascending, and no field of a word hold a line break.
   */
  static String malformed(
      byte[] subjects, byte[] rows, String kind, String action, String policy, String stage) {
    if (subjects.length % Long.BYTES != 0
        || rows.length % Integer.BYTES != 0
        || subjects.length / Long.BYTES != rows.length / Integer.BYTES) {
      return subjects.length
          + " bytes of subjects and "
          + rows.length
          + " of row counts do not pair up";
    }
    var tokens = longs(subjects);
    for (int i = 1; i < tokens.length; i++) {
      if (tokens[i] < tokens[i - 1]) {
        return "its subjects are out of order";
      }
    }
    for (var word : new String[] {kind, action, policy, stage}) {
      if (word != null && (word.indexOf('\n') >= 0 || word.indexOf('\r') >= 0)) {
        return "a line break in '" + word.replace("\n", "\\n") + "'";
      }
    }
    return null;
  }

  /** The hash of a format-1 entry: fields joined by line breaks. */
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

    /**
     * The draft as a map of plain values and two byte arrays (its subjects and rows, packed), for a
     * store's outbox; {@link #of} reads it back.
     */
    public java.util.Map<String, Object> toMap() {
      var map = new java.util.LinkedHashMap<String, Object>();
      map.put("kind", kind);
      map.put("action", action);
      map.put("runId", runId);
      map.put("policy", policy);
      map.put("stage", stage);
      map.put("subjects", pack(subjects));
      map.put("rows", pack(rows));
      map.put("totalRows", totalRows);
      map.put("detail", detail);
      return map;
    }

    /** A draft of {@link #toMap}, or of a record sealed before version 3 (arrays in base64). */
    public static Draft of(java.util.Map<String, Object> map) {
      var run = map.get("runId");
      return new Draft(
          (String) map.get("kind"),
          (String) map.get("action"),
          run == null ? null : ((Number) run).longValue(),
          (String) map.get("policy"),
          (String) map.get("stage"),
          longs(packed(map.get("subjects"))),
          ints(packed(map.get("rows"))),
          ((Number) map.get("totalRows")).longValue(),
          (String) map.get("detail"));
    }

    private static byte[] packed(Object value) {
      return value instanceof byte[] bytes
          ? bytes
          : java.util.Base64.getDecoder().decode((String) value);
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
   * Sorts subjects (token prefixes, as signed numbers) and their rows together, in place, stable
   * and without objects. Prefixes are HMAC outputs, spread evenly: one pass by their top 16 bits
   * leaves a few in each bucket, which an insertion sort puts in order (a window of 100,000
   * subjects took eight byte-wide passes before, a fifth of its record's making); a crowded bucket,
   * which HMAC never makes but which must still come out right, gets the full radix sort.
   */
  static void sortBySubject(long[] subjects, int[] rows) {
    int n = subjects.length;
    if (n < 2) {
      return;
    }
    var starts = new int[BUCKETS + 1];
    for (var subject : subjects) {
      starts[bucket(subject) + 1]++;
    }
    for (int b = 0; b < BUCKETS; b++) {
      starts[b + 1] += starts[b];
    }
    var keys = new long[n];
    var values = new int[n];
    var next = starts.clone();
    for (int i = 0; i < n; i++) {
      int at = next[bucket(subjects[i])]++;
      keys[at] = subjects[i];
      values[at] = rows[i];
    }
    for (int b = 0; b < BUCKETS; b++) {
      int from = starts[b];
      int to = starts[b + 1];
      if (to - from > CROWDED) {
        radixSort(keys, values, from, to);
      } else {
        insertionSort(keys, values, from, to);
      }
    }
    System.arraycopy(keys, 0, subjects, 0, n);
    System.arraycopy(values, 0, rows, 0, n);
  }

  private static final int BUCKETS = 1 << 16;

  /** More than this in one bucket, and the bucket is radix sorted. */
  private static final int CROWDED = 32;

  /** The top 16 bits, the sign bit flipped so that unsigned order is the signed one. */
  private static int bucket(long key) {
    return (int) ((key ^ Long.MIN_VALUE) >>> 48);
  }

  private static void insertionSort(long[] keys, int[] values, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      long key = keys[i];
      int value = values[i];
      int j = i - 1;
      while (j >= from && keys[j] > key) {
        keys[j + 1] = keys[j];
        values[j + 1] = values[j];
        j--;
      }
      keys[j + 1] = key;
      values[j + 1] = value;
    }
  }

  /** A least-significant-digit radix sort of one range, eight passes of a byte. */
  private static void radixSort(long[] keys, int[] values, int from, int to) {
    int n = to - from;
    long[] fromKeys = java.util.Arrays.copyOfRange(keys, from, to);
    int[] fromValues = java.util.Arrays.copyOfRange(values, from, to);
    long[] toKeys = new long[n];
    int[] toValues = new int[n];
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
    // eight passes: the sorted range is in the first copies again
    System.arraycopy(fromKeys, 0, keys, from, n);
    System.arraycopy(fromValues, 0, values, from, n);
  }

  /** A byte of the key, the sign bit flipped so that unsigned order is the signed one. */
  private static int digit(long key, int shift) {
    return (int) (((key ^ Long.MIN_VALUE) >>> shift) & 0xff);
  }
}
