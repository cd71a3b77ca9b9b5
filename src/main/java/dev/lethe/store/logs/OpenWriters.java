package dev.lethe.store.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which other process holds a file open for writing, read from Linux's {@code /proc}. A file a
 * writer holds open cannot be replaced without losing what it writes next (it goes on writing to
 * the replaced file), nor rewritten in place without racing it, so Lethe leaves such a file and
 * says who holds it.
 */
final class OpenWriters {

  /** Who writes to a file: a process, or a reason Lethe cannot tell. */
  record Writer(String who, boolean known) {}

  private static final Path PROC = Path.of("/proc");

  private OpenWriters() {}

  /**
   * The first other process holding {@code file} open for writing; {@code known = false} where some
   * process's files could not be read (another user's, without root), empty where none does.
   */
  static Optional<Writer> of(Path file) {
    Object key;
    try {
      key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return Optional.empty();
    }
    if (key == null || !Files.isDirectory(PROC.resolve("self/fd"))) {
      return Optional.of(new Writer("(no /proc to tell by)", false));
    }
    long self = ProcessHandle.current().pid();
    Optional<Writer> unknown = Optional.empty();
    try (var processes = Files.list(PROC)) {
      for (var process : processes.toList()) {
        var pid = process.getFileName().toString();
        if (!pid.chars().allMatch(Character::isDigit) || Long.parseLong(pid) == self) {
          continue;
        }
        try (var fds = Files.list(process.resolve("fd"))) {
          for (var fd : fds.toList()) {
            if (sameFile(fd, key) && writes(process, fd.getFileName().toString())) {
              return Optional.of(new Writer("process " + pid + " (" + name(process) + ")", true));
            }
          }
        } catch (java.nio.file.AccessDeniedException e) {
          unknown = Optional.of(new Writer("processes of other users", false));
        } catch (IOException e) {
          // the process ended while it was looked at
        }
      }
    } catch (IOException e) {
      return Optional.of(new Writer("(/proc cannot be read)", false));
    }
    return unknown;
  }

  private static boolean sameFile(Path fd, Object key) {
    try {
      return key.equals(
          Files.readAttributes(fd, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the descriptor was opened for writing: its flags, in octal, end in 1 or 2. */
  private static boolean writes(Path process, String fd) {
    try {
      for (var line : Files.readAllLines(process.resolve("fdinfo").resolve(fd))) {
        if (line.startsWith("flags:")) {
          int flags = Integer.parseInt(line.substring("flags:".length()).trim(), 8);
          return (flags & 3) != 0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return true; // cannot tell: take it as a writer, the safe side
    }
    return true;
  }

  private static String name(Path process) {
    try {
      return Files.readString(process.resolve("comm")).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
