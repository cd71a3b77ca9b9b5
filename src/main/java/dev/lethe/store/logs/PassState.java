package dev.lethe.store.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
      digest.update((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return org.apache.commons.codec.binary.Hex.encodeHexString(digest.digest());
  }

  /**
   * The entry of these contents; else, for a file that grew since (the one being written), the
   * entry of its first lines, which then covers only those.
   */
  public Optional<Entry> of(String policy, List<String> lines) throws IOException {
    var entries = read().getOrDefault(policy, Map.of());
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
    var all = read();
    all.computeIfAbsent(policy, p -> new HashMap<>()).put(checksum(lines), entry);
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
