package dev.lethe.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signed checkpoints of the trail, as a transparency log's signed tree heads: how many entries the
 * trail had and the hash of the last, signed, written outside the control database (the reports
 * folder's {@code checkpoints/}, and every further folder the operator names). Whoever can rewrite
 * the database can cut the trail's tail or remove a run's entries; a checkpoint written before
 * tells, and {@code audit verify} names it.
 */
public class Checkpoints {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * One checkpoint as written, and where it was found. Format 2 also says from which entry on every
   * entry was signed ({@code signedFrom}, 0: none yet) and which checkpoint came before it ({@code
   * previous}, its entries; 0: none), and signs those and the time it was written too.
   */
  public record Checkpoint(
      long entries,
      String hash,
      Instant written,
      String keyId,
      String signature,
      Path file,
      int format,
      long signedFrom,
      long previous) {

    String signed() {
      return format == 1
          ? entries + "\n" + hash
          : String.join(
              "\n",
              "lethe-checkpoint-2",
              Long.toString(entries),
              hash,
              written.toString(),
              Long.toString(signedFrom),
              Long.toString(previous));
    }
  }

  private final JdbcTemplate jdbc;
  private final AuditKeys keys;
  private final Clock clock;
  private final List<Path> folders;

  /**
   * @param folders where checkpoints are written and looked for: the reports folder's {@code
   *     checkpoints/} first
   */
  public Checkpoints(JdbcTemplate jdbc, AuditKeys keys, Clock clock, List<Path> folders) {
    this.jdbc = jdbc;
    this.keys = keys;
    this.clock = clock;
    this.folders = List.copyOf(folders);
  }

  /** The trail's head now: entries and the last hash (empty: no entry yet). */
  public Optional<Map.Entry<Long, String>> head() {
    return jdbc
        .query(
            "SELECT seq, hash FROM lethe.audit_entry ORDER BY seq DESC LIMIT 1",
            (rs, n) -> Map.entry(rs.getLong(1), rs.getString(2)))
        .stream()
        .findFirst();
  }

  /**
   * Writes a checkpoint of the trail as it is now (committed), into every folder; nothing where the
   * trail is empty or the checkpoint exists. Returns the files written.
   */
  public List<Path> write() {
    var head = head();
    if (head.isEmpty()) {
      return List.of();
    }
    long entries = head.get().getKey();
    var hash = head.get().getValue();
    var signedFrom =
        jdbc.queryForObject(
            "SELECT coalesce(min(seq), 0) FROM lethe.audit_entry WHERE signature IS NOT NULL"
                + " AND seq > coalesce((SELECT max(seq) FROM lethe.audit_entry"
                + " WHERE signature IS NULL), 0)",
            Long.class);
    var previous =
        all(new ArrayList<>()).stream()
            .mapToLong(Checkpoint::entries)
            .filter(e -> e < entries)
            .max()
            .orElse(0);
    var checkpoint =
        new Checkpoint(
            entries,
            hash,
            clock.instant(),
            keys.keyId(),
            null,
            null,
            2,
            signedFrom == null ? 0 : signedFrom,
            previous);
    var map = new LinkedHashMap<String, Object>();
    map.put("format", 2);
    map.put("entries", entries);
    map.put("hash", hash);
    map.put("written", checkpoint.written().toString());
    map.put("signedFrom", checkpoint.signedFrom());
    map.put("previous", previous);
    map.put("keyId", keys.keyId());
    map.put("signature", keys.sign(AuditKeys.CHECKPOINT, checkpoint.signed()));
    var text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(map);
    var written = new ArrayList<Path>();
    for (var folder : folders) {
      var file = folder.resolve(String.format("checkpoint-%012d.json", entries));
      try {
        Files.createDirectories(folder);
        if (!Files.exists(file)) {
          var next = Files.createTempFile(folder, ".checkpoint-", ".tmp");
          Files.writeString(next, text);
          Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          written.add(file);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(
            "cannot write the trail's checkpoint into " + folder + ": " + e.getMessage(), e);
      }
    }
    return written;
  }

  /**
   * Every checkpoint found, the newest (most entries) last; a file that does not read as one is
   * named in {@code unreadable}.
   */
  public List<Checkpoint> all(List<String> unreadable) {
    var found = new ArrayList<Checkpoint>();
    for (var folder : folders) {
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (var files = Files.list(folder)) {
        for (var file : files.sorted().toList()) {
          var name = file.getFileName().toString();
          if (name.startsWith("checkpoint-") && name.endsWith(".json")) {
            read(file).ifPresentOrElse(found::add, () -> unreadable.add(file.toString()));
          }
        }
      } catch (IOException e) {
        unreadable.add(folder + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    found.sort(java.util.Comparator.comparingLong(Checkpoint::entries));
    return found;
  }

  /** A checkpoint file; empty where it is not one. */
  public static Optional<Checkpoint> read(Path file) {
    try {
      Map<String, Object> map =
          JSON.readValue(Files.readString(file), new TypeReference<Map<String, Object>>() {});
      var format = map.get("format");
      return Optional.of(
          new Checkpoint(
              ((Number) map.get("entries")).longValue(),
              (String) map.get("hash"),
              Instant.parse((String) map.get("written")),
              (String) map.get("keyId"),
              (String) map.get("signature"),
              file,
              format == null ? 1 : ((Number) format).intValue(),
              format == null ? 0 : ((Number) map.get("signedFrom")).longValue(),
              format == null ? 0 : ((Number) map.get("previous")).longValue()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether the checkpoint was signed by a key of the trail's. */
  public AuditKeys.Verdict verify(Checkpoint checkpoint) {
    if (checkpoint.keyId() == null || checkpoint.signature() == null) {
      return AuditKeys.Verdict.BAD;
    }
    return keys.verify(
        checkpoint.keyId(), AuditKeys.CHECKPOINT, checkpoint.signed(), checkpoint.signature());
  }
}
