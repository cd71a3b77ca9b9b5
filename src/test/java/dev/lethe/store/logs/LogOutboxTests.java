package dev.lethe.store.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.store.Outbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log folder's outbox after a process died between a record and its change: a record stands only
 * where its change happened. Found by an outside attack: a line appended to the file afterwards, or
 * the record of another store on the same folder, made a change that never happened count as made,
 * and the trail recorded its lines twice.
 */
class LogOutboxTests {

  @TempDir Path folder;

  private LogStore access;
  private LogStore errors;

  @BeforeEach
  void twoStoresOnOneFolder() throws IOException {
    access = new LogStore("weblogs", folder, "access.log*", Optional.of("access.log"), format());
    errors = new LogStore("errlogs", folder, "error.log*", Optional.of("error.log"), format());
    Files.writeString(folder.resolve("access.log"), line("alice") + line("bob"));
    Files.writeString(folder.resolve("error.log.1"), line("carol") + line("dave"));
  }

  private static LineFormat format() {
    return LineFormat.combined();
  }

  private static String line(String user) {
    return "1.2.3.4 - "
        + user
        + " [18/May/2015:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"\n";
  }

  private List<String> lines(String file) throws IOException {
    return LogFiles.read(folder.resolve(file)).lines();
  }

  private static Outbox.Entry entry() {
    return new Outbox.Entry(UUID.randomUUID(), "a record".getBytes(StandardCharsets.UTF_8));
  }

  private void append(String file, String text) throws IOException {
    Files.writeString(folder.resolve(file), text, StandardOpenOption.APPEND);
  }

  private List<String> recordsLeft() throws IOException {
    try (var files = Files.list(folder.resolve(".lethe-outbox"))) {
      return files.map(f -> f.getFileName().toString()).toList();
    }
  }

  @Test
  void aChangeThatNeverHappenedIsDroppedThoughAWriterAppendedToItsFileSince() throws IOException {
    access.outbox().write(entry(), lines("access.log")); // the process dies here
    append("access.log", line("erin"));

    assertThat(access.outbox().pending()).isEmpty();
    assertThat(recordsLeft()).isEmpty();
  }

  @Test
  void aChangeThatHappenedStandsThoughAWriterAppendedToItsFileSince() throws IOException {
    var record = entry();
    access.outbox().write(record, lines("access.log"));
    Files.writeString(folder.resolve("access.log"), line("bob")); // the change: alice's line went
    append("access.log", line("alice"));

    assertThat(access.outbox().pending()).extracting(Outbox.Entry::id).containsExactly(record.id());
  }

  @Test
  void eachStoreOnAFolderTakesItsOwnRecordsOnly() throws IOException {
    var neverMade = entry();
    errors.outbox().write(neverMade, lines("error.log.1")); // the process dies here
    var made = entry();
    access.outbox().write(made, lines("access.log"));
    Files.writeString(folder.resolve("access.log"), line("bob"));

    // the other store's record is neither taken nor dropped by this one
    assertThat(access.outbox().pending()).extracting(Outbox.Entry::id).containsExactly(made.id());
    assertThat(recordsLeft()).hasSize(2);
    // its own store finds its contents still there: the change never happened
    assertThat(errors.outbox().pending()).isEmpty();
    assertThat(recordsLeft()).containsExactly(made.id() + ".json");
  }

  @Test
  void aChangeThatNeverHappenedIsDroppedAfterItsFileWasRotatedAndCompressed() throws IOException {
    access.outbox().write(entry(), lines("access.log")); // the process dies here
    append("access.log", line("erin"));
    // logrotate: the file renamed and compressed, a new one begun
    var text = Files.readAllBytes(folder.resolve("access.log"));
    try (var out =
        new java.util.zip.GZIPOutputStream(
            Files.newOutputStream(folder.resolve("access.log.1.gz")))) {
      out.write(text);
    }
    Files.delete(folder.resolve("access.log"));
    Files.writeString(folder.resolve("access.log"), line("frank"));

    assertThat(access.outbox().pending()).isEmpty();
  }

  /**
   * Files in the outbox that are not Lethe's records are left alone, and a pipe is never opened: a
   * file whose name was not a record id stopped every run and every request of every store, and a
   * pipe hung the run (found by an outside attack). Junk under a record's name is returned as it
   * is, for its seal to refuse it, and the trail to say so.
   */
  @Test
  void filesThatAreNotRecordsNeitherStopNorHangTheRecovery() throws Exception {
    var made = entry();
    access.outbox().write(made, lines("access.log"));
    Files.writeString(folder.resolve("access.log"), line("bob"));
    var outbox = folder.resolve(".lethe-outbox");
    Files.writeString(outbox.resolve("notes.json"), "{}");
    assertThat(
            new ProcessBuilder("mkfifo", outbox.resolve("aaaa.json").toString()).start().waitFor())
        .isZero();
    var junk = UUID.randomUUID();
    Files.writeString(outbox.resolve(junk + ".json"), "not a record");

    var pending =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> access.outbox().pending())
            .get(20, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(pending).extracting(Outbox.Entry::id).containsExactlyInAnyOrder(made.id(), junk);
    assertThat(pending)
        .filteredOn(e -> e.id().equals(junk))
        .singleElement()
        .satisfies(
            e ->
                assertThat(new String(e.payload(), StandardCharsets.UTF_8))
                    .isEqualTo("not a record"));
    assertThat(recordsLeft()).contains("notes.json", "aaaa.json");
  }

  /**
   * A process killed while it wrote a file's new contents, the file then removed or moved out of
   * the store before the next run: the change never happened, as the new contents never renamed
   * over it show (found by an outside attack: it counted as made, and the trail said every line was
   * pseudonymised). Another store's rewrite in the folder meanwhile leaves those contents.
   */
  @Test
  void aChangeKilledBeforeItsRenameIsDroppedThoughItsFileLeftTheStoreSince() throws IOException {
    var killed = entry();
    // the new contents' file, reserved before the record, as the killed rewrite left it
    SafeRewrite.reserve(folder.resolve("access.log"), killed.id());
    access.outbox().write(killed, lines("access.log"));
    // another store's rewrite in the folder removes what crashes left, not these
    SafeRewrite.replace(
        folder.resolve("error.log.1"),
        LogFiles.read(folder.resolve("error.log.1")).with(List.of(line("dave").strip())),
        SafeRewrite.Crash.NEVER);
    assertThat(folder.resolve(SafeRewrite.pending("access.log", killed.id()))).exists();
    // the file moved into the other store's pattern
    Files.move(folder.resolve("access.log"), folder.resolve("error.log.2"));

    assertThat(access.outbox().pending()).isEmpty();
    assertThat(recordsLeft()).isEmpty();
  }

  /**
   * A recovery waits for a file's commit in hand (its record, then its rename), in another process
   * or thread, and then takes the record as made: it dropped the record of a change under way,
   * whose change then happened unrecorded (found by an outside attack).
   */
  @Test
  void aRecoveryWaitsForAChangeInHandAndTakesItsRecordOnceMade() throws Exception {
    var record = entry();
    java.util.concurrent.CompletableFuture<List<Outbox.Entry>> pending;
    try (var commit = FolderLock.of(folder)) {
      SafeRewrite.reserve(folder.resolve("access.log"), record.id());
      access.outbox().write(record, lines("access.log"));
      pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> access.outbox().pending());
      Thread.sleep(300); // the recovery must not look while the change is in hand
      assertThat(pending).isNotDone();
      SafeRewrite.replace(
          folder.resolve("access.log"),
          LogFiles.read(folder.resolve("access.log")).with(List.of(line("bob").strip())),
          SafeRewrite.Crash.NEVER,
          record.id());
    }

    assertThat(pending.get(20, java.util.concurrent.TimeUnit.SECONDS))
        .extracting(Outbox.Entry::id)
        .containsExactly(record.id());
  }

  /** A file whose every line goes is removed as its record says, and a crash before is told. */
  @Test
  void aRemovalKilledBeforeItsRenameIsDroppedThoughItsFileLeftTheStoreSince() throws IOException {
    var removed = entry();
    SafeRewrite.reserve(folder.resolve("error.log.1"), removed.id());
    errors.outbox().write(removed, lines("error.log.1"));
    SafeRewrite.remove(
        folder.resolve("error.log.1"), LogFiles.read(folder.resolve("error.log.1")), removed.id());
    assertThat(folder.resolve("error.log.1")).doesNotExist();
    assertThat(errors.outbox().pending())
        .extracting(Outbox.Entry::id)
        .containsExactly(removed.id());

    var killed = entry();
    Files.writeString(folder.resolve("error.log.2"), line("erin"));
    SafeRewrite.reserve(folder.resolve("error.log.2"), killed.id());
    errors.outbox().write(killed, lines("error.log.2")); // the process dies here
    Files.delete(folder.resolve("error.log.2")); // logrotate's turn
    assertThat(errors.outbox().pending())
        .extracting(Outbox.Entry::id)
        .containsExactly(removed.id());
  }

  /**
   * The folder's lock file is never opened through a link (a link planted there made Lethe create a
   * file where it pointed) nor as a pipe (the run hung for ever): refused, naming it (found by an
   * outside attack).
   */
  @Test
  void aLockFileThatIsALinkOrAPipeIsRefusedNamingIt(@TempDir Path elsewhere) throws Exception {
    access.outbox().write(entry(), lines("access.log")); // a record for the recovery to look at
    var lock = folder.resolve(".lethe-lock");
    var planted = elsewhere.resolve("planted");
    Files.createSymbolicLink(lock, planted);

    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> access.outbox().pending()))
        .hasMessageContaining(".lethe-lock is not a regular file");
    assertThat(planted).doesNotExist();

    Files.delete(lock);
    assertThat(new ProcessBuilder("mkfifo", lock.toString()).start().waitFor()).isZero();
    var pending =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> org.assertj.core.api.Assertions.catchThrowable(() -> access.outbox().pending()));
    assertThat(pending.get(20, java.util.concurrent.TimeUnit.SECONDS))
        .hasMessageContaining(".lethe-lock is not a regular file");
  }
}
