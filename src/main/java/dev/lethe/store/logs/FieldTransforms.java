package dev.lethe.store.logs;

import dev.lethe.transform.Tokens;
import dev.lethe.transform.Values;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Rewrites fields of a log line in place: every other character of the line stays as it was.
 *
 * <p>{@code ip-prefix} cuts every IP address in the field (the whole field, as in the client's, or
 * inside text, as in a referrer's URL) to its network; {@code hmac} replaces the field with its
 * token; {@code null} with "-", the logs' own word for nothing. A field of "-" is left alone.
 */
public final class FieldTransforms {

  /** What happens to one field. */
  public enum Kind {
    IP_PREFIX,
    HMAC,
    NULL
  }

  /**
   * IPv4 addresses inside text (a port may follow), and IPv6 literals of three groups or more; what
   * is not an address ({@link Values#ipPrefix} says) is left as it is.
   */
  private static final Pattern IP_IN_TEXT =
      Pattern.compile(
          "(?<![\\w.])\\d{1,3}(?:\\.\\d{1,3}){3}(?![\\w.])"
              + "|(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\\w:.])");

  /** One field's transform; the prefix lengths are those of {@code ip-prefix}. */
  public record Field(Kind kind, int v4Bits, int v6Bits) {

    public static Field of(Kind kind) {
      return new Field(kind, 24, 48);
    }
  }

  private final Map<String, Field> byField;
  private final String subjectField;

  /**
   * @param subjectField the field that holds the subject: its token is of the key (without the
   *     blanks around it), as in every other store, so that holds and erasures find it
   */
  public FieldTransforms(Map<String, Field> byField, String subjectField) {
    this.byField = Map.copyOf(byField);
    this.subjectField = subjectField;
  }

  /** Transforms of lines without a subject field. */
  public FieldTransforms(Map<String, Field> byField) {
    this(byField, null);
  }

  /** Whether a transform gives a different value when applied again (a token of a token). */
  public boolean repeatable() {
    return byField.values().stream().noneMatch(f -> f.kind() == Kind.HMAC);
  }

  /** The line with its fields transformed; the rest unchanged. */
  public String apply(LogLine line, Tokens tokens) {
    var spans = new ArrayList<Map.Entry<String, LogLine.Span>>();
    byField
        .keySet()
        .forEach(
            f -> {
              var span = line.fields().get(f);
              if (span != null && span.start() >= 0) {
                spans.add(Map.entry(f, span));
              }
            });
    // from the end, so that earlier places stay where they were
    spans.sort(
        Comparator.comparingInt((Map.Entry<String, LogLine.Span> e) -> e.getValue().start())
            .reversed());
    var text = new StringBuilder(line.text());
    for (var entry : spans) {
      var span = entry.getValue();
      var old = text.substring(span.start(), span.end());
      if (old.equals("-") || old.isEmpty()) {
        continue;
      }
      var name = entry.getKey();
      text.replace(span.start(), span.end(), value(byField.get(name), name, old, line, tokens));
    }
    return text.toString();
  }

  private String value(Field field, String name, String old, LogLine line, Tokens tokens) {
    int v4Bits = field.v4Bits();
    int v6Bits = field.v6Bits();
    return switch (field.kind()) {
      // UTF-8 text, its escapes read, is made the token every other store makes of it (the
      // subject's of its key); other bytes (Latin-1, a damaged value, half a character) the token
      // of the bytes, so that no two such values share one
      case HMAC -> {
        var text = name.equals(subjectField) ? line.key(name) : line.wellFormedText(name);
        yield text != null
            ? tokens.text(text)
            : tokens.textOfBytes(LogContent.bytes(line.bytes(name)));
      }
      case NULL -> "-";
      case IP_PREFIX -> {
        var whole = Values.ipPrefix(old, v4Bits, v6Bits);
        if (whole != null) {
          yield whole;
        }
        var m = IP_IN_TEXT.matcher(old);
        var out = new StringBuilder();
        while (m.find()) {
          var cut = Values.ipPrefix(m.group(), v4Bits, v6Bits);
          m.appendReplacement(
              out, java.util.regex.Matcher.quoteReplacement(cut == null ? m.group() : cut));
        }
        m.appendTail(out);
        yield out.toString();
      }
    };
  }
}
