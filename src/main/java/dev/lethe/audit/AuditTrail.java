package dev.lethe.audit;

import dev.lethe.transform.Keys;
import dev.lethe.transform.Tokens;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * Appends entries to the audit trail and reads them back. An entry is appended in the caller's
 * transaction (a purge window's is the chunk's, which also commits the window's position), under a
 * lock that puts appends from every process in one order.
 */
@Transactional
public class AuditTrail {

  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final Keys keys;
  private final AuditKeys signing;

  public AuditTrail(JdbcTemplate jdbc, Clock clock, Keys keys, AuditKeys signing) {
    this.signing = signing;
    this.jdbc = jdbc;
    this.clock = clock;
    this.keys = keys;
  }

  /**
   * What an entry records a subject by: the first 8 bytes of its HMAC token. Empty without a key
   * (the subject is then left out).
   */
  public Optional<Long> token(String subject) {
    return keys.tokens().map(t -> prefix(t, subject));
  }

  /**
   * Every prefix under which the trail may record the subject: under each key of the ring, of its
   * key and of each token a pseudonymise stage may have put in its place (a purge records the
   * subject column as it found it). Empty without a key.
   */
  public java.util.Set<Long> prefixes(String subject) {
    var tokens = keys.tokens();
    if (tokens.isEmpty()) {
      return java.util.Set.of();
    }
    var forms = new java.util.LinkedHashSet<String>();
    for (var key : Tokens.keyForms(subject)) {
      forms.add(key);
      // rows of a column that compares text whatever its case, recorded in one form
      forms.add(anyCase(key));
      for (var under : tokens.get().everyKey()) {
        forms.add(under.text(key));
        forms.add(Long.toString(under.number(key)));
        forms.add(under.uuid(key).toString());
        // a token a stage made of such a column's key, as a later delete found it
        forms.add(anyCase(under.text(Tokens.caseFolded(key))));
        forms.add(anyCase(under.text(Tokens.caseFoldedBefore(key))));
      }
    }
    var prefixes = new java.util.LinkedHashSet<Long>();
    for (var recording : tokens.get().everyKey()) {
      for (var form : forms) {
        prefixes.add(prefix(recording, form));
      }
    }
    return prefixes;
  }

  /**
   * How the trail records a key of a subject column that compares text whatever its case (citext):
   * in lower case, marked apart from every key as written, so that "did you delete my data?" asked
   * as alice finds the rows of Alice and ALICE there (each spelling had its own entries, found by
   * an outside attack), and yet not those of alice in a column where Alice is somebody else. The
   * mark holds a control character, which no key a command takes can.
   */
  public static String anyCase(String key) {
    return "any-case\u0001" + Tokens.caseFolded(key);
  }

  static long prefix(Tokens tokens, String subject) {
    return java.nio.ByteBuffer.wrap(tokens.raw(subject.trim())).getLong();
  }

  /**
   * An entry about the subjects of {@code rowsBySubject} (keys as the store holds them), with their
   * rows; their tokens are computed on every core, as a window may hold many thousands.
   */
  public AuditEntry.Draft draft(
      String kind,
      String action,
      Long runId,
      String policy,
      String stage,
      Map<String, Long> rowsBySubject,
      long totalRows,
      String detail) {
    return draft(kind, action, runId, policy, stage, rowsBySubject, totalRows, detail, null);
  }

  /** As {@link #draft}, with the prefixes {@code known} from the caller's earlier entries. */
  public AuditEntry.Draft draft(
      String kind,
      String action,
      Long runId,
      String policy,
      String stage,
      Map<String, Long> rowsBySubject,
      long totalRows,
      String detail,
      KnownPrefixes known) {
    var tokens = keys.tokens();
    if (tokens.isEmpty()) {
      return new AuditEntry.Draft(
          kind,
          action,
          runId,
          policy,
          stage,
          new long[0],
          new int[0],
          totalRows,
          rowsBySubject.isEmpty()
              ? detail
              : join(detail, "subjects not recorded: no pseudonymisation key"));
    }
    // a window may hold a hundred thousand subjects: tokenised on every core, then put in the
    // order of their tokens by a radix sort of plain arrays (a sort of objects took longer than
    // the tokens)
    var keysOf = new String[rowsBySubject.size()];
    var rows = new int[keysOf.length];
    int at = 0;
    for (var subject : rowsBySubject.entrySet()) {
      keysOf[at] = subject.getKey();
      rows[at++] = Math.toIntExact(subject.getValue());
    }
    var subjects = new long[keysOf.length];
    var mac = tokens.get();
    IntStream.range(0, keysOf.length)
        .parallel()
        .forEach(
            i -> subjects[i] = known == null ? prefix(mac, keysOf[i]) : known.get(mac, keysOf[i]));
    AuditEntry.sortBySubject(subjects, rows);
    return new AuditEntry.Draft(
        kind, action, runId, policy, stage, subjects, rows, totalRows, detail);
  }

  /**
   * A signature of a window's record, made before the record goes into a store's outbox, so that
   * whoever can write to that outbox cannot have Lethe append an entry or count rows of their own
   * (docs/decisions/0016).
   */
  public record Seal(String keyId, String signature) {}

  public Seal seal(byte[] record) {
    return new Seal(
        signing.keyId(),
        signing.sign(
            AuditKeys.OUTBOX, org.apache.commons.codec.digest.DigestUtils.sha256Hex(record)));
  }

  /** Whether {@code record} is as Lethe sealed it, under a key of the trail's. */
  public boolean sealed(byte[] record, Seal seal) {
    return seal.keyId() != null
        && seal.signature() != null
        && signing.verify(
                seal.keyId(),
                AuditKeys.OUTBOX,
                org.apache.commons.codec.digest.DigestUtils.sha256Hex(record),
                seal.signature())
            == AuditKeys.Verdict.GOOD;
  }

  /** Appends an entry of no run about one subject (its token; none without a key). */
  public String appendAbout(String kind, String action, String subject, String detail) {
    return append(AuditEntry.Draft.about(kind, action, token(subject).orElse(null), 0, detail));
  }

  private static String join(String a, String b) {
    return a == null ? b : a + "; " + b;
  }

  /** Appends the entry after the last one, chained to it; returns its hash. */
  public String append(AuditEntry.Draft draft) {
    return append(draft, null);
  }

  /**
   * Appends a window's record taken from a store's outbox, unless the trail has it already (another
   * run took it, or this one before a crash): every record is in the trail exactly once. Returns
   * whether it was appended now.
   */
  /** How an entry a run took from a store's outbox for another run begins its detail. */
  public static final String RECOVERED_BY = "recovered by run ";

  /** A window's record that a run appended from a store's outbox: its id and its rows. */
  public record Recovered(java.util.UUID outboxId, long rows) {}

  /**
   * The records of windows of a job's earlier attempts (its instance) under one policy and stage
   * that runs appended from the outbox ("recovered by run"), whichever run did: a run of another
   * job on the store may have taken them before the attempt's own restart.
   */
  public java.util.List<Recovered> recoveredOf(long jobInstance, String policy, String stage) {
    return jdbc.query(
        "SELECT a.outbox_id, a.total_rows FROM lethe.audit_entry a JOIN batch_job_execution e ON"
            + " e.job_execution_id = a.run_id WHERE e.job_instance_id = ? AND a.kind = 'purge'"
            + " AND a.policy = ? AND a.stage = ? AND a.outbox_id IS NOT NULL AND a.detail LIKE ?",
        (rs, n) -> new Recovered(rs.getObject(1, java.util.UUID.class), rs.getLong(2)),
        jobInstance,
        policy,
        stage,
        "%" + RECOVERED_BY + "%");
  }

  public boolean appendOnce(AuditEntry.Draft draft, java.util.UUID outboxId) {
    jdbc.execute("SELECT pg_advisory_xact_lock(hashtext('lethe.audit'))");
    var known =
        jdbc.queryForObject(
            "SELECT count(*) FROM lethe.audit_entry WHERE outbox_id = ?", Long.class, outboxId);
    if (known != null && known > 0) {
      return false;
    }
    append(draft, outboxId);
    return true;
  }

  private String append(AuditEntry.Draft draft, java.util.UUID outboxId) {
    jdbc.execute("SELECT pg_advisory_xact_lock(hashtext('lethe.audit'))");
    var last =
        jdbc.query(
            "SELECT seq, hash FROM lethe.audit_entry ORDER BY seq DESC LIMIT 1",
            (rs, n) -> Map.entry(rs.getLong(1), rs.getString(2)));
    long seq = last.isEmpty() ? 1 : last.get(0).getKey() + 1;
    var prev = last.isEmpty() ? AuditEntry.GENESIS : last.get(0).getValue();
    // microseconds: what timestamptz keeps, so the stored entry hashes as it was written
    var at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    var hash = AuditEntry.hashOf(seq, at, draft, outboxId, prev);
    // signed under a key the control database does not hold: whoever can write here cannot sign
    var signature = signing.sign(AuditKeys.ENTRY, hash);
    jdbc.update(
        connection -> {
          var ps =
              connection.prepareStatement(
                  "INSERT INTO lethe.audit_entry (seq, recorded_at, kind, action, run_id, policy,"
                      + " stage, subjects, rows, total_rows, detail, prev_hash, hash, outbox_id,"
                      + " key_id, signature, hash_format)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          ps.setLong(1, seq);
          ps.setTimestamp(2, Timestamp.from(at));
          ps.setString(3, draft.kind());
          ps.setString(4, draft.action());
          ps.setObject(5, draft.runId());
          ps.setString(6, draft.policy());
          ps.setString(7, draft.stage());
          ps.setBytes(8, AuditEntry.pack(draft.subjects()));
          ps.setBytes(9, AuditEntry.pack(draft.rows()));
          ps.setLong(10, draft.totalRows());
          ps.setString(11, draft.detail());
          ps.setString(12, prev);
          ps.setString(13, hash);
          ps.setObject(14, outboxId);
          ps.setString(15, signing.keyId());
          ps.setString(16, signature);
          ps.setInt(17, AuditEntry.FORMAT);
          return ps;
        });
    return hash;
  }

  /**
   * What the request entries of these runs (a run's attempts) record, per request and in all: what
   * the run's requests did, not their totals so far.
   */
  @Transactional(readOnly = true)
  public RequestEntries.OfRuns requestRowsOf(List<Long> runIds) {
    return new RequestEntries(jdbc).ofRuns(runIds);
  }

  /**
   * The hash of the last entry of the runs (a run's attempts); where they recorded none, of the
   * last entry of all. Empty only while the trail is empty.
   */
  @Transactional(readOnly = true)
  public Optional<String> lastHashOf(List<Long> runIds) {
    var own =
        jdbc.query(
            connection -> {
              var ps =
                  connection.prepareStatement(
                      "SELECT hash FROM lethe.audit_entry WHERE run_id = ANY(?)"
                          + " ORDER BY seq DESC LIMIT 1");
              ps.setArray(1, connection.createArrayOf("int8", runIds.toArray(Long[]::new)));
              return ps;
            },
            (rs, n) -> rs.getString(1));
    if (!own.isEmpty()) {
      return Optional.of(own.get(0));
    }
    return jdbc
        .query(
            "SELECT hash FROM lethe.audit_entry ORDER BY seq DESC LIMIT 1",
            (rs, n) -> rs.getString(1))
        .stream()
        .findFirst();
  }

  /** Whether any entry records {@code action} of {@code kind} with exactly {@code detail}. */
  @Transactional(readOnly = true)
  public boolean recorded(String kind, String action, String detail) {
    Long n =
        jdbc.queryForObject(
            "SELECT count(*) FROM lethe.audit_entry WHERE kind = ? AND action = ? AND detail = ?",
            Long.class,
            kind,
            action,
            detail);
    return n != null && n > 0;
  }

  /**
   * The entries about one subject, in order: those whose packed subjects hold the token's 8 bytes
   * (a byte search in the database), kept where they hold them as one of their tokens.
   */
  /** The entries about any of the prefixes, in order, each once. */
  @Transactional(readOnly = true)
  public List<AuditEntry> about(java.util.Set<Long> prefixes) {
    var entries = new java.util.TreeMap<Long, AuditEntry>();
    for (var prefix : prefixes) {
      about(prefix).forEach(e -> entries.putIfAbsent(e.seq(), e));
    }
    return List.copyOf(entries.values());
  }

  @Transactional(readOnly = true)
  public List<AuditEntry> about(long token) {
    return jdbc
        .query(
            "SELECT * FROM lethe.audit_entry WHERE position(? IN subjects) > 0 ORDER BY seq",
            AuditTrail::entry,
            (Object) AuditEntry.pack(new long[] {token}))
        .stream()
        .filter(e -> e.about(token))
        .toList();
  }

  static AuditEntry entry(ResultSet rs, int row) throws SQLException {
    var run = rs.getLong("run_id");
    boolean noRun = rs.wasNull();
    var subjects = rs.getBytes("subjects");
    var rows = rs.getBytes("rows");
    return new AuditEntry(
        rs.getLong("seq"),
        rs.getTimestamp("recorded_at").toInstant(),
        rs.getString("kind"),
        rs.getString("action"),
        noRun ? null : run,
        rs.getString("policy"),
        rs.getString("stage"),
        AuditEntry.longs(subjects),
        AuditEntry.ints(rows),
        rs.getLong("total_rows"),
        rs.getString("detail"),
        rs.getString("prev_hash"),
        rs.getString("hash"),
        rs.getString("key_id"),
        rs.getString("signature"),
        rs.getInt("hash_format"),
        rs.getObject("outbox_id", java.util.UUID.class),
        AuditEntry.malformed(
            subjects,
            rows,
            rs.getString("kind"),
            rs.getString("action"),
            rs.getString("policy"),
            rs.getString("stage")));
  }
}
