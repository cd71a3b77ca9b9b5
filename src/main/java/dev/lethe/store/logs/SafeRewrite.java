package dev.lethe.store.logs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.zip.GZIPOutputStream;

/**
 * Replaces a log file with new contents so that a crash at any moment leaves either the old file or
 * the new one, never a mix: the new contents go to a file beside it (same directory, so the rename
 * cannot cross file systems), gzip-compressed if the old one was, with the old one's owner and
 * permissions; flushed to disk; then renamed over the old one in one step, and the directory
 * flushed. Leftovers of a crash (".lethe-*.tmp" files) are removed by the next rewrite of the
 * folder.
 */
public final class SafeRewrite {

  /** A step of the rewrite, for tests that stop it half-way as a crash would. */
  public interface Crash {
    Crash NEVER = step -> {};

    void at(String step) throws IOException;
  }

  static final String PREFIX = ".lethe-";

  private SafeRewrite() {}

  /** Whether a file name is gzip-compressed by its name, as logrotate names them. */
  public static boolean compressed(Path file) {
    return file.getFileName().toString().endsWith(".gz");
  }

  /** The file changed since it was read: nothing was written, and it is taken again. */
  public static final class ChangedMeanwhile extends IOException {
    ChangedMeanwhile(Path file) {
      super(
          file
              + " changed while Lethe worked on it (a writer appended to it, or logrotate moved"
              + " it): nothing was written, and it is taken again (a purge at once, a request at"
              + " its next run)");
    }
  }

  /**
   * Replaces the file read as {@code content.read()} with {@code content}. Just before the rename
   * the file must still be as it was read (size, time, inode), else nothing changes ({@link
   * ChangedMeanwhile}). Bytes a writer appends to the old file in the moment between that check and
   * the rename are copied to the end of the new one, so no line is lost.
   */
  public static void replace(Path file, LogContent content, Crash crash) throws IOException {
    replace(file, content, crash, null);
  }

  /**
   * As above, for the change whose outbox record is {@code recordId} (null: none): the new contents
   * are written under a name that holds the record's id, so that while they are there, the record's
   * change is known not to have happened, whatever became of the file since (a file removed or
   * moved out of the store after a crash made a change that never happened count as made: found by
   * an outside attack).
   */
  static void replace(Path file, LogContent content, Crash crash, java.util.UUID recordId)
      throws IOException {
    var folder = file.toAbsolutePath().getParent();
    removeLeftovers(folder);
    var next =
        recordId == null
            ? Files.createTempFile(folder, PREFIX + file.getFileName(), ".tmp")
            : reserve(file, recordId);
    try {
      try (OutputStream raw = Files.newOutputStream(next, StandardOpenOption.WRITE);
          OutputStream body = compressed(file) ? new GZIPOutputStream(raw, 1 << 16) : raw;
          var out = new java.io.BufferedOutputStream(body, 1 << 16)) {
        content.writeTo(out);
      }
      crash.at("written");
      copyOwnerAndPermissions(file, next);
      try (var channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      crash.at("flushed");
      try (var old = FileChannel.open(file, StandardOpenOption.READ)) {
        // the last look before the rename: unchanged, and no writer has opened it since
        if (!content.read().matches(file) || heldByAWriter(file)) {
          throw new ChangedMeanwhile(file);
        }
        try {
          Files.move(
              next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException("the file system of " + folder + " cannot rename atomically", e);
        }
        crash.at("renamed");
        copyAppended(old, content.read().size(), file);
      }
      flushDirectory(folder);
    } finally {
      Files.deleteIfExists(next);
    }
  }

  /**
   * Why a rewrite of {@code file} failed, in words that name the file and what to do: a rewrite
   * writes the new contents beside the file and renames them over it, so a folder Lethe may not
   * write in fails on a temporary name the operator never saw.
   */
  public static String describe(Path file, IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException denied) {
      var folder = file.toAbsolutePath().getParent();
      return "Lethe's user may not write "
          + (denied.getFile() == null ? file.toString() : denied.getFile())
          + " while rewriting "
          + file
          + ": a rewrite writes the new contents beside the file and renames them over it, so it"
          + " needs write and search permission on "
          + folder
          + " and read permission on the file. Fix: give Lethe's user (or a group of it) w and x"
          + " on "
          + folder
          + " (for instance chgrp lethe and chmod g+wx), then run the same job and date again";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /**
   * Removes a file whose every line went, if it is still as it was read, for the change recorded as
   * {@code recordId}: as a replacement by empty contents (so that its reserved file tells the
   * change did not happen until the rename), then the empty file removed. Bytes a writer appended
   * in the moment before the rename stay, in the file.
   */
  static void remove(Path file, LogContent read, java.util.UUID recordId) throws IOException {
    if (recordId == null) {
      remove(file, read.read());
      return;
    }
    replace(file, read.with(java.util.List.of()), Crash.NEVER, recordId);
    // a compressed file holds a gzip stream of nothing; a plain one, what a writer appended
    if (compressed(file) || Files.size(file) == 0) {
      Files.deleteIfExists(file);
      flushDirectory(file.toAbsolutePath().getParent());
    }
  }

  /** Removes a file whose every line went, if it is still as it was read. */
  public static void remove(Path file, LogContent.Snapshot read) throws IOException {
    try (var old = FileChannel.open(file, StandardOpenOption.READ)) {
      if (!read.matches(file) || heldByAWriter(file)) {
        throw new ChangedMeanwhile(file);
      }
      Files.deleteIfExists(file);
      copyAppended(old, read.size(), file);
    }
    flushDirectory(file.toAbsolutePath().getParent());
  }

  /** Whether another process is known to hold the file open for writing. */
  private static boolean heldByAWriter(Path file) {
    return OpenWriters.of(file).map(OpenWriters.Writer::known).orElse(false);
  }

  /**
   * What a writer appended to the old file after Lethe last looked at it, now at {@code file}'s
   * end. A compressed file is not appended to by writers.
   */
  private static void copyAppended(FileChannel old, long readSize, Path file) throws IOException {
    long size = old.size();
    if (size <= readSize || compressed(file)) {
      return;
    }
    try (var to =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      long at = readSize;
      while (at < size) {
        at += old.transferTo(at, size - at, to);
      }
      to.force(true);
    }
  }

  private static void copyOwnerAndPermissions(Path from, Path to) throws IOException {
    Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
    var owner = Files.getFileAttributeView(from, PosixFileAttributeView.class).readAttributes();
    try {
      var view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
      view.setOwner(owner.owner());
      view.setGroup(owner.group());
    } catch (java.nio.file.FileSystemException e) {
      // only root may give a file away: a process that is not keeps its own ownership
    }
  }

  private static void flushDirectory(Path folder) {
    try (var channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // not every file system lets a directory be opened; the rename is done either way
    }
  }

  /**
   * Makes the (empty) file the new contents of {@code file} will be written to by the change to be
   * recorded as {@code id}, before its record is written: from the record on, the change is known
   * not to have happened while this file is there (a change killed between its record and its new
   * contents, its file then rotated away, counted as made). Where it is there already, it is kept.
   */
  static Path reserve(Path file, java.util.UUID id) throws IOException {
    var next =
        file.toAbsolutePath().getParent().resolve(pending(file.getFileName().toString(), id));
    try {
      Files.createFile(next);
    } catch (java.nio.file.FileAlreadyExistsException reservedBefore) {
      Files.write(next, new byte[0]); // emptied: the contents are written anew
    }
    return next;
  }

  /** The name of the new contents of {@code file} that the change recorded as {@code id} writes. */
  static String pending(String file, java.util.UUID id) {
    return PREFIX + file + "." + id + ".tmp";
  }

  /** The record whose change wrote a file of new contents, where its name holds one. */
  static java.util.Optional<java.util.UUID> recordOf(String name) {
    var m = PENDING.matcher(name);
    return m.matches()
        ? java.util.Optional.of(java.util.UUID.fromString(m.group(1)))
        : java.util.Optional.empty();
  }

  private static final java.util.regex.Pattern PENDING =
      java.util.regex.Pattern.compile(
          java.util.regex.Pattern.quote(PREFIX)
              + ".*\\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.tmp");

  /**
   * Removes what crashed rewrites left, except the new contents of a change whose record is still
   * in the outbox: they tell its recovery that the change never happened (once the recovery has
   * dropped the record, the next rewrite removes them).
   */
  private static void removeLeftovers(Path folder) throws IOException {
    var outbox = folder.resolve(PREFIX + "outbox");
    try (var files = Files.list(folder)) {
      for (var f : files.toList()) {
        var name = f.getFileName().toString();
        if (name.startsWith(PREFIX) && name.endsWith(".tmp")) {
          var record = recordOf(name);
          if (record.isPresent() && Files.exists(outbox.resolve(record.get() + ".json"))) {
            continue;
          }
          Files.deleteIfExists(f);
        }
      }
    }
  }
}
