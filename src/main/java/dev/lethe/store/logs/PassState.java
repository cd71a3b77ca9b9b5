package dev.lethe.store.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.codec.digest.DigestUtils;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Lethe transformed in a log directory, kept beside the logs ({@code .lethe-state.json}): per
 * policy and file contents (their SHA-256, whatever the file is called after rotation or
 * compression), the cutoff the pass applied, how many lines it saw, and the subjects it spared (the
 * first 8 bytes of their tokens). Written before the file is renamed: a crash in between leaves the
 * old contents, whose own entry still holds.
 */
public final class PassState {

  static final String FILE = SafeRewrite.PREFIX + "state.json";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** One pass's record of the contents it left. */
  public record Entry(Instant cutoff, int lines, Set<Long> spared) {}

  private final Path directory;

  public PassState(Path directory) {
    this.directory = directory;
  }

  /** The checksum that names a file's contents: of its lines, each ended by a newline. */
  public static String checksum(List<String> lines) {
    var digest = DigestUtils.getSha256Digest();
    for (var line : lines) {
      add(digest, line);
    }
    return org.apache.commons.codec.binary.Hex.encodeHexString(digest.digest());
  }

  /**
   * The checksums of the first {@code n} lines of {@code lines} for each {@code n} of {@code
   * counts} that they have, in one reading: {@code checksum(lines.subList(0, n))} each.
   */
  static Set<String> checksumsOfFirst(List<String> lines, java.util.SortedSet<Integer> counts) {
    var digest = DigestUtils.getSha256Digest();
    var sums = new java.util.HashSet<String>();
    int at = 0;
    for (int n : counts) {
      if (n > lines.size()) {
        break;
      }
      for (; at < n; at++) {
        add(digest, lines.get(at));
      }
      try {
        var upToHere = (java.security.MessageDigest) digest.clone();
        sums.add(org.apache.commons.codec.binary.Hex.encodeHexString(upToHere.digest()));
      } catch (CloneNotSupportedException e) {
        sums.add(checksum(lines.subList(0, n)));
      }
    }
    return sums;
  }

  private static void add(java.security.MessageDigest digest, String line) {
    // the line's bytes (for text read as UTF-8 before, the same for every ASCII line)
    digest.update(LogContent.bytes(line));
    digest.update((byte) '\n');
  }

  /**
   * The entry of these contents; else, for a file that grew since (the one being written), the
   * entry of its first lines, which then covers only those.
   */
  public Optional<Entry> of(String key, List<String> lines) throws IOException {
    return of(read(), key, lines);
  }

  private static Optional<Entry> of(
      Map<String, Map<String, Entry>> all, String policy, List<String> lines) {
    var entries = all.getOrDefault(policy, Map.of());
    var exact = entries.get(checksum(lines));
    if (exact != null) {
      return Optional.of(exact);
    }
    for (var e : entries.entrySet()) {
      int n = e.getValue().lines();
      if (n < lines.size() && e.getKey().equals(checksum(lines.subList(0, n)))) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  /** Records the contents a pass leaves; replaces the state file in one rename. */
  public void record(String policy, List<String> lines, Entry entry) throws IOException {
    record(Map.of(policy, entry), lines);
  }

  /**
   * What every policy recorded of {@code before} carried over to the contents a pass of another
   * leaves ({@code after}, its lines from {@code origins} in order): a line an earlier pass made a
   * token stays known as one, whatever a delete or another transform did to its file since.
   */
  public Map<String, Entry> carriedOver(List<String> before, int[] origins) throws IOException {
    return carriedOver(entriesOf(before), origins);
  }

  /** Every policy's entry of these contents. */
  public Map<String, Entry> entriesOf(List<String> lines) throws IOException {
    var all = read();
    var entries = new HashMap<String, Entry>();
    for (var policy : all.keySet()) {
      of(all, policy, lines).ifPresent(e -> entries.put(policy, e));
    }
    return entries;
  }

  /** Entries of some contents, for the contents a pass leaves of them ({@code origins}). */
  public static Map<String, Entry> carriedOver(Map<String, Entry> entries, int[] origins) {
    var carried = new HashMap<String, Entry>();
    entries.forEach(
        (policy, entry) -> {
          int n = 0;
          while (n < origins.length && origins[n] < entry.lines()) {
            n++;
          }
          carried.put(policy, new Entry(entry.cutoff(), n, entry.spared()));
        });
    return carried;
  }

  /** Records entries of several policies for one contents, in one rename of the state file. */
  public void record(Map<String, Entry> entries, List<String> lines) throws IOException {
    if (entries.isEmpty()) {
      return;
    }
    var all = read();
    var checksum = checksum(lines);
    entries.forEach(
        (policy, entry) -> all.computeIfAbsent(policy, p -> new HashMap<>()).put(checksum, entry));
    var next = Files.createTempFile(directory, SafeRewrite.PREFIX + "state", ".tmp");
    try {
      Files.writeString(next, JSON.writeValueAsString(all));
      try (var channel =
          java.nio.channels.FileChannel.open(next, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(
          next,
          directory.resolve(FILE),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(next);
    }
  }

  private Map<String, Map<String, Entry>> read() throws IOException {
    var file = directory.resolve(FILE);
    if (!Files.exists(file)) {
      return new HashMap<>();
    }
    Map<String, Map<String, Entry>> all =
        JSON.readValue(
            Files.readString(file), new TypeReference<Map<String, Map<String, Entry>>>() {});
    var copy = new HashMap<String, Map<String, Entry>>();
    all.forEach((k, v) -> copy.put(k, new HashMap<>(v)));
    return copy;
  }
}
