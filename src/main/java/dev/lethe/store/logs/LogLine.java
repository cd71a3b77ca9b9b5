package dev.lethe.store.logs;

import java.time.Instant;
import java.util.Map;

/**
 * One parsed line: its text (one character per byte, {@link LogContent}), when it happened, where
 * each field's value is in the text, so that a field can be rewritten and the rest of the line
 * stays byte for byte as it was, and how its format escapes what a field holds.
 */
public record LogLine(String text, Instant time, Map<String, Span> fields, Escapes escapes) {

  /** Where a field's value is: characters {@code start} (inclusive) to {@code end} (exclusive). */
  public record Span(int start, int end) {

    /** A member whose value is a list or an object (JSON): no place of a value to read. */
    static final Span UNREADABLE = new Span(-1, -1);
  }

  /** Whether the field is there, and holds a list or an object rather than a value. */
  public boolean unreadable(String field) {
    var span = fields.get(field);
    return span != null && span.start() < 0;
  }

  /** A line whose fields hold their values as written, without escapes. */
  public LogLine(String text, Instant time, Map<String, Span> fields) {
    this(text, time, fields, Escapes.NONE);
  }

  /**
   * The field's value as written, read as UTF-8, escapes and all ({@code null}: the line has no
   * such field).
   */
  public String value(String field) {
    var raw = raw(field);
    return raw == null ? null : LogContent.decoded(raw);
  }

  /**
   * The field's value as a subject key, as holds, requests and the other stores take one: its
   * escapes read ("j\xc3\xb3zef" in Apache's log, "j&#92;u00f3zef" in JSON are józef), as UTF-8,
   * without the blanks around it (" x1" is x1). A key compared as written missed such lines: an
   * erasure left them and a hold did not spare them ({@code null}: the line has no such field).
   */
  public String key(String field) {
    var text = wellFormedText(field);
    return text == null ? null : text.trim();
  }

  /** The field's value as its format means it: escapes read, as UTF-8. */
  public String text(String field) {
    var bytes = bytes(field);
    if (bytes == null) {
      return null;
    }
    var decoded = LogContent.decoded(bytes);
    return escapes == Escapes.JSON ? Escapes.json(decoded) : decoded;
  }

  /**
   * The field's text where it is text: {@code null} where its bytes are not UTF-8 or its escapes
   * make half a character (a lone surrogate). Such a value is no key: decoded, each bad byte or
   * half became one replacement character, and different people's values one key (found by an
   * outside attack); its token is made of its bytes.
   */
  public String wellFormedText(String field) {
    var bytes = bytes(field);
    if (bytes == null || !LogContent.isUtf8(bytes)) {
      return null;
    }
    var text = text(field);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return null;
      }
    }
    return text;
  }

  /**
   * The field's bytes as its format means them, one character per byte: Apache's escapes of bytes
   * read, others as written (JSON's escapes are of characters, read by {@link #text}).
   */
  String bytes(String field) {
    var raw = raw(field);
    if (raw == null) {
      return null;
    }
    return escapes == Escapes.APACHE ? Escapes.apache(raw) : raw;
  }

  /** The field's bytes as written, one character per byte ({@link LogContent}). */
  public String raw(String field) {
    var span = fields.get(field);
    return span == null || span.start() < 0 ? null : text.substring(span.start(), span.end());
  }

  /** How a format writes what its fields hold. */
  public enum Escapes {
    /** As it is (a regular expression's groups). */
    NONE,
    /**
     * Apache's ({@code ap_escape_logitem}): a byte as {@code \xhh}, and {@code \" \\ \b \n \r \t
     * \v}: a user "józef" is logged as {@code j\xc3\xb3zef}.
     */
    APACHE,
    /** JSON's string escapes: {@code \" \\ \/ \b \f \n \r \t}, and u with four hex digits. */
    JSON;

    /** Apache's escapes read, on text of one character per byte; what is not one stays. */
    static String apache(String raw) {
      return read(raw, 'x', 2, APACHE);
    }

    /** JSON's escapes read; what is not one stays. */
    static String json(String text) {
      return read(text, 'u', 4, JSON);
    }

    /**
     * Reads a format's escapes: {@code marker} followed by {@code digits} hex digits is the one
     * character of that number (a byte for Apache, a UTF-16 unit for JSON), a backslash before one
     * of {@link #control}'s characters that character; anything else stays as it is.
     */
    private static String read(String text, char marker, int digits, Escapes format) {
      if (text.indexOf('\\') < 0) {
        return text;
      }
      var out = new StringBuilder(text.length());
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c != '\\' || i + 1 >= text.length()) {
          out.append(c);
          continue;
        }
        char next = text.charAt(i + 1);
        if (next == marker && i + 1 + digits < text.length() && hex(text, i + 2, digits) >= 0) {
          out.append((char) hex(text, i + 2, digits));
          i += 1 + digits;
          continue;
        }
        char read = format.control(next);
        if (read != 0) {
          out.append(read);
          i++;
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }

    /** The character a backslash before {@code escaped} stands for in this format; 0: none. */
    private char control(char escaped) {
      return switch (escaped) {
        case '"' -> '"';
        case '\\' -> '\\';
        case 'b' -> '\b';
        case 'n' -> '\n';
        case 'r' -> '\r';
        case 't' -> '\t';
        case 'v' -> this == APACHE ? '\u000B' : 0;
        case 'f' -> this == JSON ? '\f' : 0;
        case '/' -> this == JSON ? '/' : 0;
        default -> 0;
      };
    }

    /** The value of {@code digits} hex digits at {@code from}; -1 where one is not a hex digit. */
    private static int hex(String text, int from, int digits) {
      int value = 0;
      for (int i = from; i < from + digits; i++) {
        int d = Character.digit(text.charAt(i), 16);
        if (d < 0) {
          return -1;
        }
        value = value * 16 + d;
      }
      return value;
    }
  }
}
