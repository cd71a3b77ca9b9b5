package dev.lethe.store.logs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One change at a time in a log folder, across processes and threads: a file's commit (its outbox
 * record, the state file, its new contents, the last look at the file and the rename) and a
 * recovery's look at the outbox each hold it. Without it, a run's recovery dropped a record another
 * process was committing (whose change then happened unrecorded), two processes' rewrites of one
 * file both passed their last look (the later rename undid the other's change, which stayed
 * recorded), and two stores on one folder lost each other's state (found by an outside attack).
 * Reading and working out a file's new contents happen outside it: the last look tells a file
 * changed since.
 *
 * <p>A lock on {@code .lethe-lock} in the folder for other processes (an advisory lock of the
 * operating system, let go when the process ends however it ends), and a lock per folder for the
 * threads of this one, which the operating system's lock does not tell apart.
 */
final class FolderLock implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FolderLock.class);

  private static final ConcurrentHashMap<Path, ReentrantLock> IN_THIS_PROCESS =
      new ConcurrentHashMap<>();

  private final ReentrantLock threads;
  private final FileChannel channel;
  private final FileLock lock;

  private FolderLock(ReentrantLock threads, FileChannel channel, FileLock lock) {
    this.threads = threads;
    this.channel = channel;
    this.lock = lock;
  }

  /** Waits for the folder, then holds it until closed; a thread already holding it holds it on. */
  static FolderLock of(Path directory) throws IOException {
    var folder = directory.toRealPath();
    var threads = IN_THIS_PROCESS.computeIfAbsent(folder, f -> new ReentrantLock());
    threads.lock();
    if (threads.getHoldCount() > 1) {
      return new FolderLock(threads, null, null);
    }
    FileChannel channel = null;
    var file = folder.resolve(SafeRewrite.PREFIX + "lock");
    try {
      // never through a link (a link planted there made Lethe create a file where it pointed),
      // and never a pipe (opening one waits for a reader, for ever)
      if (java.nio.file.Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          && !java.nio.file.Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(
            file
                + " is not a regular file (a link, a pipe, a folder): Lethe keeps the folder's lock"
                + " there. Fix: remove it; Lethe makes it again");
      }
      channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
      var lock = channel.tryLock();
      if (lock == null) {
        // said, so that a wait on a stopped process is not taken for something else
        LOG.warn(
            "waiting for the lock on {}: another Lethe process ({}) commits a file in the folder",
            file,
            holder(file));
        lock = channel.lock();
      }
      // who holds it, for a process that waits
      channel.truncate(0);
      channel.write(
          java.nio.ByteBuffer.wrap(
              ("pid " + ProcessHandle.current().pid() + "\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
          0);
      return new FolderLock(threads, channel, lock);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      threads.unlock();
      throw e;
    }
  }

  /** What the lock file says of its holder. */
  private static String holder(Path file) {
    try {
      var said = java.nio.file.Files.readString(file).strip();
      return said.isEmpty() ? "which did not say its pid" : said;
    } catch (IOException | RuntimeException e) {
      return "which cannot be told";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock != null) {
        lock.release();
        channel.close();
      }
    } finally {
      threads.unlock();
    }
  }
}
