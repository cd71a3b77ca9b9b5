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
    try {
      channel =
          FileChannel.open(
              folder.resolve(SafeRewrite.PREFIX + "lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE);
      return new FolderLock(threads, channel, channel.lock());
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      threads.unlock();
      throw e;
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
