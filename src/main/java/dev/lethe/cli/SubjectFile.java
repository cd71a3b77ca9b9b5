package dev.lethe.cli;

import dev.lethe.system.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A file of subject keys, one per line, as compliance exports them from a case system: blank lines
 * and lines starting with {@code #} are skipped, a byte order mark is ignored, and a key given
 * twice counts once. Anything that cannot be a key is refused with its line, before anything is
 * done.
 */
record SubjectFile(List<Line> lines, int repeated) {

  /** A key and the line it is on, for an error that names it. */
  record Line(int number, String key) {}

  /** Longer than any key a store holds: a line this long is not a key. */
  private static final int LONGEST_KEY = 1000;

  List<String> keys() {
    return lines.stream().map(Line::key).toList();
  }

  /** 64 MiB: two and a half million keys of 25 characters, more than one case holds at once. */
  static final int MAX_BYTES = 64 * 1024 * 1024;

  static SubjectFile read(Path file) {
    byte[] bytes;
    try {
      if (Files.isDirectory(file)) {
        throw new BadInputException(
            file + " is a folder. Fix: give a file with one subject key per line");
      }
      // a subject file of a million keys is some tens of MB; /dev/zero or a wrong file is not read
      // into memory whole
      try (var in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
      if (bytes.length > MAX_BYTES) {
        throw new BadInputException(
            file
                + " is larger than "
                + MAX_BYTES / (1024 * 1024)
                + " MiB. Fix: give one subject key per line; split a larger list into files of"
                + " fewer keys and place them one after another");
      }
    } catch (IOException e) {
      throw new BadInputException(
          "cannot read "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + "). Fix: give a readable file with one subject key per line");
    }
    var seen = new LinkedHashSet<String>();
    var lines = new ArrayList<Line>();
    int repeated = 0;
    int number = 0;
    int start = 0;
    // split on the byte 0x0A, which is never inside a longer UTF-8 character, so that a byte that
    // is not UTF-8 is reported with its line
    while (start <= bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      number++;
      var key = blanksOff(decode(file, number, bytes, start, end));
      start = end + 1;
      if (number == 1 && key.startsWith("\uFEFF")) {
        key = blanksOff(key.substring(1));
      }
      if (key.isEmpty() || key.startsWith("#")) {
        continue;
      }
      // the rule --subject, the console and the API apply (control characters included): a key with
      // a no-break space at an
      // end, or an invisible mark in it, was held as it was and held no one (outside attack)
      try {
        dev.lethe.system.PlainText.checkKey(key, "the key", LONGEST_KEY);
      } catch (BadInputException notAKey) {
        throw new BadInputException(
            file + ", line " + number + ": " + notAKey.getMessage() + "; no hold was placed");
      }
      if (key.length() > LONGEST_KEY) {
        throw new BadInputException(
            file
                + ", line "
                + number
                + ": "
                + key.length()
                + " characters is not a subject key; no hold was placed. Fix: one key per line");
      }
      if (seen.add(key)) {
        lines.add(new Line(number, key));
      } else {
        repeated++;
      }
    }
    if (lines.isEmpty()) {
      throw new BadInputException(
          file + " holds no subject key. Fix: give one subject key per line");
    }
    return new SubjectFile(List.copyOf(lines), repeated);
  }

  /** A line as UTF-8, or an error naming it. */
  private static String decode(Path file, int number, byte[] bytes, int from, int to) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, to - from))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadInputException(
          file
              + ", line "
              + number
              + ": not UTF-8; no hold was placed. Fix: save the file as UTF-8, one key per line");
    }
  }

  /**
   * The line without the spaces, tabs and carriage return around it, and nothing else: String.strip
   * also took control characters Java counts as blanks (U+001C to U+001F, U+2028) and the key was
   * held without them, where a line holding one is refused (found by an outside attack).
   */
  private static String blanksOff(String line) {
    int from = 0;
    int to = line.length();
    while (from < to && " \t\r".indexOf(line.charAt(from)) >= 0) {
      from++;
    }
    while (to > from && " \t\r".indexOf(line.charAt(to - 1)) >= 0) {
      to--;
    }
    return line.substring(from, to);
  }
}
