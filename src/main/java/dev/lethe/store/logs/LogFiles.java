package dev.lethe.store.logs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The files of one log directory that a name pattern takes ({@code access.log*}: the file being
 * written and its rotations, compressed or not), oldest first; the newest is taken to be the one
 * still being written.
 */
public final class LogFiles {

  private final Path directory;
  private final String pattern;

  public LogFiles(Path directory, String pattern) {
    this.directory = directory;
    this.pattern = pattern;
  }

  String pattern() {
    return pattern;
  }

  /** The files, the least recently modified first; partial rewrites of Lethe's are left out. */
  public List<Path> list() throws IOException {
    var matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    var files = new ArrayList<Path>();
    try (var stream = Files.list(directory)) {
      for (var f : stream.toList()) {
        var name = f.getFileName();
        if (Files.isRegularFile(f)
            && matcher.matches(name)
            && !name.toString().startsWith(SafeRewrite.PREFIX)) {
          files.add(f);
        }
      }
    }
    files.sort(Comparator.comparing(LogFiles::modified).thenComparing(Path::toString));
    return files;
  }

  /** The file being written: the one modified last (none when the folder is empty). */
  public java.util.Optional<Path> active() throws IOException {
    var files = list();
    return files.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(files.get(files.size() - 1));
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** The file's lines, decompressed where it is gzip-compressed. */
  public static List<String> read(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = SafeRewrite.compressed(file) ? new GZIPInputStream(raw, 1 << 16) : raw;
        var reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      var lines = new ArrayList<String>();
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
      return lines;
    }
  }
}
