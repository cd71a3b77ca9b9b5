package dev.lethe.store.logs;

import dev.lethe.store.Outbox;
import dev.lethe.store.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A log directory's outbox: {@code .lethe-outbox/ID.json}, one file per window's record, written
 * and flushed before the window's file is renamed over or removed, and naming the checksum of the
 * contents it replaces. A file cannot be rolled back with its record, so a record found later
 * stands only where its change happened: no file in the directory holds those contents any more.
 */
final class LogOutbox implements Outbox {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final LogStore store;

  LogOutbox(LogStore store) {
    this.store = store;
  }

  private Path folder() {
    return store.directory().resolve(SafeRewrite.PREFIX + "outbox");
  }

  @Override
  public void prepare() {
    try {
      Files.createDirectories(folder());
    } catch (IOException e) {
      throw new StoreException(
          "store '"
              + store.name()
              + "': cannot create "
              + folder()
              + " ("
              + e.getClass().getSimpleName()
              + "). Fix: let Lethe's user write in "
              + store.directory(),
          e);
    }
  }

  /**
   * Writes a window's record before its change: the contents it replaces are named by their
   * checksum ({@link PassState#checksum}).
   */
  void write(Entry entry, String replaces) throws IOException {
    prepare();
    var record = new LinkedHashMap<String, String>();
    record.put("replaces", replaces);
    record.put("payload", Base64.getEncoder().encodeToString(entry.payload()));
    var file = folder().resolve(entry.id() + ".json");
    var next = Files.createTempFile(folder(), SafeRewrite.PREFIX, ".tmp");
    try {
      Files.writeString(next, JSON.writeValueAsString(record));
      try (var channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      try (var dir = FileChannel.open(folder(), StandardOpenOption.READ)) {
        dir.force(true);
      } catch (IOException e) {
        // not every file system lets a directory be opened; the record is written either way
      }
    } finally {
      Files.deleteIfExists(next);
    }
  }

  /** Forgets a record whose change did not happen (the file changed under the rewrite). */
  void dropped(UUID id) throws IOException {
    Files.deleteIfExists(folder().resolve(id + ".json"));
  }

  @Override
  public List<Entry> pending() {
    if (!Files.isDirectory(folder())) {
      return List.of();
    }
    try {
      var records = new LinkedHashMap<UUID, Map<String, String>>();
      try (var files = Files.list(folder())) {
        for (var f : files.sorted().toList()) {
          var name = f.getFileName().toString();
          if (name.endsWith(".json")) {
            records.put(
                UUID.fromString(name.substring(0, name.length() - ".json".length())),
                JSON.readValue(Files.readString(f), new TypeReference<Map<String, String>>() {}));
          } else if (name.endsWith(".tmp")) {
            Files.deleteIfExists(f);
          }
        }
      }
      if (records.isEmpty()) {
        return List.of();
      }
      var present = contentsNow();
      var entries = new ArrayList<Entry>();
      for (var record : records.entrySet()) {
        if (present.contains(record.getValue().get("replaces"))) {
          // the contents it replaces are still there: the change never happened
          dropped(record.getKey());
        } else {
          entries.add(
              new Entry(
                  record.getKey(), Base64.getDecoder().decode(record.getValue().get("payload"))));
        }
      }
      return entries;
    } catch (IOException | RuntimeException e) {
      throw new StoreException(
          "store '" + store.name() + "': reading " + folder() + " failed: " + e.getMessage(),
          e instanceof IOException ? e : null);
    }
  }

  /** The checksums of the contents of every file of the store now. */
  private Set<String> contentsNow() throws IOException {
    var checksums = new HashSet<String>();
    for (var file : store.files().list()) {
      try {
        checksums.add(PassState.checksum(LogFiles.read(file).lines()));
      } catch (java.nio.file.NoSuchFileException e) {
        // rotated away while looked at
      }
    }
    return checksums;
  }

  @Override
  public void taken(Collection<UUID> ids) {
    try {
      for (var id : ids) {
        Files.deleteIfExists(folder().resolve(id + ".json"));
      }
    } catch (IOException e) {
      throw new StoreException(
          "store '" + store.name() + "': clearing " + folder() + " failed: " + e.getMessage(), e);
    }
  }
}
