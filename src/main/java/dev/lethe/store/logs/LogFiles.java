package dev.lethe.store.logs;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files of one log directory that a name pattern takes ({@code access.log*}: the file being
 * written and its rotations, compressed or not), in name order. The file being written is known by
 * its name ({@code access.log}), never by its time: Lethe's own rewrites give a rotation a new
 * modification time.
 */
public final class LogFiles {

  private static final java.util.regex.Pattern ROTATION =
      java.util.regex.Pattern.compile("\\.(\\d{1,6})(?:\\.gz)?$");

  private final Path directory;
  private final String pattern;
  private final Optional<String> active;

  /**
   * @param active the name of the file being written (empty: none is)
   */
  public LogFiles(Path directory, String pattern, Optional<String> active) {
    this.directory = directory;
    this.pattern = pattern;
    this.active = active;
  }

  /** The files of {@code access.log*}, the one being written being {@code access.log}. */
  public LogFiles(Path directory, String pattern) {
    this(directory, pattern, activeOf(pattern));
  }

  /**
   * The file being written, by default: the pattern without its last {@code *}, where nothing else
   * in it is a wildcard ({@code access.log*}: {@code access.log}). Empty where it cannot be told.
   */
  public static Optional<String> activeOf(String pattern) {
    if (!pattern.endsWith("*")) {
      return Optional.empty();
    }
    var name = pattern.substring(0, pattern.length() - 1);
    if (name.isEmpty() || name.chars().anyMatch(c -> "*?[]{}\\/".indexOf(c) >= 0)) {
      return Optional.empty();
    }
    return Optional.of(name);
  }

  String pattern() {
    return pattern;
  }

  /**
   * The files, by name; partial rewrites of Lethe's and links are left out (a link is reported by
   * the store's checks, never rewritten through).
   */
  public List<Path> list() throws IOException {
    var matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    var files = new ArrayList<Path>();
    try (var stream = Files.list(directory)) {
      for (var f : stream.toList()) {
        var name = f.getFileName();
        if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            && matcher.matches(name)
            && !name.toString().startsWith(SafeRewrite.PREFIX)) {
          files.add(f);
        }
      }
    }
    files.sort(oldestFirst);
    return files;
  }

  /**
   * Rotations as logrotate numbers them, oldest first ({@code access.log.3.gz}, {@code .2.gz},
   * {@code .1}), then other names in their order (dated rotations: oldest first too), the file
   * being written last. Only names decide: an order by time would change with every rewrite.
   */
  private final java.util.Comparator<Path> oldestFirst =
      java.util.Comparator.comparingInt((Path f) -> isActive(f) ? 1 : 0)
          .thenComparingLong(f -> -rotation(f.getFileName().toString()))
          .thenComparing(f -> f.getFileName().toString());

  /** The number logrotate gave a rotation ({@code access.log.2.gz}: 2); 0 for other names. */
  private static long rotation(String name) {
    var m = ROTATION.matcher(name);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /**
   * Links the pattern takes: never rewritten (a rewrite would replace the link by a copy and leave
   * its target as it was), so the store's checks name them.
   */
  public List<Path> links() throws IOException {
    var matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    try (var stream = Files.list(directory)) {
      return stream
          .filter(f -> Files.isSymbolicLink(f) && matcher.matches(f.getFileName()))
          .sorted()
          .toList();
    }
  }

  /**
   * The links the pattern takes that point to a regular file other than one of {@link #list()}'s: a
   * link to a file of the store's own ({@code access.log.latest} to {@code access.log.1}) is done
   * as that file; one to nothing, or to what is not a regular file (a device, a pipe, a folder),
   * holds no lines and is not read.
   */
  public List<Path> linksOutside() throws IOException {
    var own = new java.util.HashSet<Path>();
    for (var f : list()) {
      own.add(f.toRealPath());
    }
    var outside = new ArrayList<Path>();
    for (var link : links()) {
      Path target;
      try {
        target = link.toRealPath();
      } catch (IOException dangling) {
        continue;
      }
      if (!own.contains(target) && Files.isRegularFile(target)) {
        outside.add(link);
      }
    }
    return outside;
  }

  /**
   * How many other names (hard links) the file has: a rewrite renames new contents over this name
   * and leaves the old contents under the others, so a file with any is never rewritten. 0 where
   * the file system does not say.
   */
  public static long otherNames(Path file) throws IOException {
    try {
      var links = Files.getAttribute(file, "unix:nlink", java.nio.file.LinkOption.NOFOLLOW_LINKS);
      return links instanceof Number n ? Math.max(0, n.longValue() - 1) : 0;
    } catch (UnsupportedOperationException | IllegalArgumentException notSaid) {
      return 0;
    } catch (java.nio.file.NoSuchFileException gone) {
      return 0;
    }
  }

  /** The name of the file being written, as configured or told from the pattern. */
  public Optional<String> activeName() {
    return active;
  }

  /** The file being written, where one is named and it exists. */
  public Optional<Path> active() {
    return active.map(directory::resolve).filter(Files::exists);
  }

  /** Whether {@code file} is the one being written. */
  public boolean isActive(Path file) {
    return active.isPresent() && file.getFileName().toString().equals(active.get());
  }

  /** The file's contents, byte for byte ({@link LogContent}). */
  public static LogContent read(Path file) throws IOException {
    return LogContent.read(file);
  }
}
