package dev.lethe.store.logs;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A log file's contents, byte for byte: lines are split at {@code \n} only, and each is held as
 * ISO-8859-1 text, one character per byte, so that whatever a line holds (Latin-1, invalid UTF-8, a
 * NUL, a carriage return inside a field or before the {@code \n}) is written back as it was. Only
 * the fields a transform rewrites change. Field values are read as UTF-8 where they are compared or
 * made tokens ({@link #decoded}), as in every other store.
 *
 * @param endsWithNewline whether the last line was ended by {@code \n} (a file being written may
 *     end in the middle of one)
 * @param read the file as it was when read: a rewrite checks that it is still so
 */
public record LogContent(List<String> lines, boolean endsWithNewline, Snapshot read) {

  /** What tells that a file changed: its size, modification time and inode. */
  public record Snapshot(long size, FileTime modified, Object fileKey) {

    static Snapshot of(Path file) throws IOException {
      var attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new Snapshot(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
    }

    /** Whether {@code file} is still this file, as it was. */
    boolean matches(Path file) throws IOException {
      return equals(of(file));
    }
  }

  /** Text of bytes, one character per byte. */
  public static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** The bytes of text made by {@link #text}. */
  public static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Whether a value's bytes are UTF-8 text. */
  public static boolean isUtf8(String text) {
    if (isAscii(text)) {
      return true;
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes(text)));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** A value's text as UTF-8 (what a subject key or a token is computed over). */
  public static String decoded(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return new String(bytes(text), StandardCharsets.UTF_8);
      }
    }
    return text;
  }

  /** New contents in place of these: the same line ending at the end. */
  public LogContent with(List<String> newLines) {
    return new LogContent(newLines, endsWithNewline, read);
  }

  /**
   * Reads a file, decompressed where its name ends in {@code .gz}. A file that changes while it is
   * read (a writer appending) is read again, a few times, then refused.
   */
  public static LogContent read(Path file) throws IOException {
    for (int attempt = 0; attempt < 5; attempt++) {
      var before = Snapshot.of(file);
      var content = readOnce(file, before);
      if (before.matches(file)) {
        return content;
      }
    }
    throw new KeepsChanging(file);
  }

  /** A file that changed every time it was read, whole, as a rewrite must read it. */
  public static final class KeepsChanging extends IOException {
    KeepsChanging(Path file) {
      super(file + " changed every time it was read: a writer keeps appending to it");
    }
  }

  /**
   * Reads a file only to look at its lines (an export, a count), never to rewrite it: a file a
   * writer keeps appending to is read as far as it was written when the read began, up to its last
   * whole line. Reading it whole, as a rewrite must, failed every export and erasure of the store
   * on a busy server (found by an outside attack). Read again where it did not only grow meanwhile
   * (rotated, truncated).
   */
  public static LogContent readAsWritten(Path file) throws IOException {
    if (SafeRewrite.compressed(file)) {
      return read(file); // no writer appends to a compressed rotation
    }
    for (int attempt = 0; attempt < 5; attempt++) {
      var before = Snapshot.of(file);
      var content = readOnce(file, before, before.size());
      var after = Snapshot.of(file);
      if (java.util.Objects.equals(after.fileKey(), before.fileKey())
          && after.size() >= before.size()) {
        if (after.size() > before.size() && !content.endsWithNewline && !content.lines.isEmpty()) {
          // a line its writer had not ended when the read began: not a line yet
          return new LogContent(
              content.lines.subList(0, content.lines.size() - 1), true, content.read);
        }
        return content;
      }
    }
    throw new IOException(file + " was replaced or cut every time it was read");
  }

  private static LogContent readOnce(Path file, Snapshot snapshot) throws IOException {
    return readOnce(file, snapshot, Long.MAX_VALUE);
  }

  /** The file's lines in its first {@code upTo} bytes. */
  private static LogContent readOnce(Path file, Snapshot snapshot, long upTo) throws IOException {
    try (InputStream raw = limited(Files.newInputStream(file), upTo);
        InputStream in =
            new BufferedInputStream(
                SafeRewrite.compressed(file) ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16)) {
      var lines = new ArrayList<String>();
      var line = new ByteArrayOutputStream(256);
      int b;
      boolean open = false;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          lines.add(text(line.toByteArray()));
          line.reset();
          open = false;
        } else {
          line.write(b);
          open = true;
        }
      }
      if (open) {
        lines.add(text(line.toByteArray()));
      }
      return new LogContent(lines, !open && !lines.isEmpty(), snapshot);
    }
  }

  private static InputStream limited(InputStream in, long upTo) {
    return upTo == Long.MAX_VALUE
        ? in
        : new java.io.FilterInputStream(in) {
          private long left = upTo;

          @Override
          public int read() throws IOException {
            if (left <= 0) {
              return -1;
            }
            int b = super.read();
            if (b != -1) {
              left--;
            }
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
              return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
              left -= n;
            }
            return n;
          }
        };
  }

  /** Writes the lines, each but an unended last one followed by {@code \n}. */
  void writeTo(OutputStream out) throws IOException {
    for (int i = 0; i < lines.size(); i++) {
      out.write(bytes(lines.get(i)));
      if (i < lines.size() - 1 || endsWithNewline) {
        out.write('\n');
      }
    }
  }
}
