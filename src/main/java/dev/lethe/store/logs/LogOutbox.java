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
 * and flushed before the window's file is renamed over or removed, naming its store and the
 * contents it replaces (their checksum and how many lines). A file cannot be rolled back with its
 * record, so a record found later stands only where its change happened: the new contents its
 * rewrite wrote (under a name holding the record's id, {@link SafeRewrite}) are no longer there
 * unrenamed, and no file of its store begins with the replaced contents any more. Begins with, not
 * holds: a writer appending to a file whose change never happened made it hold other contents, and
 * the change was taken as made (found by an outside attack: recorded twice, the second time by the
 * run that then made it). Stores on one folder (one per file pattern) share the folder's outbox,
 * and each takes only its own records: another store's were taken as made, as their contents are in
 * files this store does not read.
 */
final class LogOutbox implements Outbox {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LogOutbox.class);

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

  /** Writes a window's record before its change, which replaces the file's {@code lines}. */
  void write(Entry entry, List<String> lines) throws IOException {
    prepare();
    var record = new LinkedHashMap<String, String>();
    record.put("store", store.name());
    record.put("replaces", PassState.checksum(lines));
    record.put("lines", Integer.toString(lines.size()));
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
    // no other process commits a file meanwhile: its record and rename are one to this look
    try (var lock = FolderLock.of(store.directory())) {
      var records = new LinkedHashMap<UUID, Map<String, String>>();
      var entries = new ArrayList<Entry>();
      try (var files = Files.list(folder())) {
        for (var f : files.sorted().toList()) {
          var name = f.getFileName().toString();
          if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // a link, a pipe, a folder: never opened (a pipe would hang the run)
            LOG.warn("store {}: {} is not a regular file: left alone", store.name(), f);
            continue;
          }
          if (name.endsWith(".json")) {
            var id = recordId(name);
            if (id.isEmpty()) {
              // Lethe names its records by their id: another's file, which blocked every run
              LOG.warn("store {}: {} is not a record of Lethe's: left alone", store.name(), f);
              continue;
            }
            Map<String, String> record;
            try {
              record =
                  JSON.readValue(Files.readString(f), new TypeReference<Map<String, String>>() {});
              Base64.getDecoder().decode(record.getOrDefault("payload", ""));
            } catch (RuntimeException | IOException unreadable) {
              // refused by its seal as any other record that is not Lethe's, and recorded so
              entries.add(new Entry(id.get(), Files.readAllBytes(f)));
              continue;
            }
            // a record of another store on this folder is that store's to take (a record written
            // before records named their store is taken by whichever store looks first)
            var of = record.get("store");
            if (of == null || of.equals(store.name())) {
              records.put(id.get(), record);
            }
          } else if (name.endsWith(".tmp")) {
            // a record half written when its process died: records are written under the
            // folder's lock, which this look holds, so none is being written now
            Files.deleteIfExists(f);
          }
        }
      }
      if (records.isEmpty()) {
        return entries;
      }
      var counts = new java.util.TreeSet<Integer>();
      for (var record : records.values()) {
        counts.add(linesOf(record));
      }
      var present = contentsNow(counts);
      var notRenamed = newContentsNotRenamed();
      for (var record : records.entrySet()) {
        if (notRenamed.contains(record.getKey())) {
          // its new contents were never renamed over the file: the change never happened,
          // whatever became of the file since (removed, moved out of the store); the next
          // rewrite in the folder removes them
          dropped(record.getKey());
        } else if (present.contains(record.getValue().get("replaces"))) {
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

  /** The records whose rewrite wrote new contents and never renamed them over the file. */
  private Set<UUID> newContentsNotRenamed() throws IOException {
    var written = new HashSet<UUID>();
    try (var files = Files.list(store.directory())) {
      for (var f : files.toList()) {
        SafeRewrite.recordOf(f.getFileName().toString()).ifPresent(written::add);
      }
    }
    return written;
  }

  /** The id a record's file name gives, if it is one. */
  private static java.util.Optional<UUID> recordId(String name) {
    try {
      return java.util.Optional.of(
          UUID.fromString(name.substring(0, name.length() - ".json".length())));
    } catch (IllegalArgumentException notAnId) {
      return java.util.Optional.empty();
    }
  }

  /**
   * How many lines a record's change replaces; a record written before it said so, all of a file's
   * lines (-1).
   */
  private static int linesOf(Map<String, String> record) {
    var lines = record.get("lines");
    return lines == null ? -1 : Integer.parseInt(lines);
  }

  /**
   * The checksums of the contents of every file of the store now, whole and of their first lines
   * for each count of {@code counts}.
   */
  private Set<String> contentsNow(java.util.SortedSet<Integer> counts) throws IOException {
    var checksums = new HashSet<String>();
    var firsts = counts.tailSet(0);
    for (var file : store.files().list()) {
      try {
        var lines = LogFiles.read(file).lines();
        if (counts.contains(-1)) {
          checksums.add(PassState.checksum(lines));
        }
        checksums.addAll(PassState.checksumsOfFirst(lines, firsts));
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
