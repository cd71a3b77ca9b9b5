package dev.lethe.store.logs;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * How the lines of a log are written: Apache's (and Nginx's) combined or common log format, JSON
 * lines with named fields, or a regular expression with named groups. Each names its fields like
 * columns, among them the one that says when the line happened.
 */
public sealed interface LineFormat {

  /** The line's fields with their places; empty when the line is not in this format. */
  Optional<LogLine> parse(String line);

  /** The fields a line of this format can have, for checking a policy. */
  List<String> fields();

  /** The field that says when the line happened. */
  String timeField();

  /** The combined log format's fields; the common format has the first seven. */
  List<String> COMBINED =
      List.of("ip", "ident", "user", "time", "request", "status", "bytes", "referrer", "agent");

  static LineFormat combined() {
    return Apache.COMBINED_FORMAT;
  }

  static LineFormat common() {
    return Apache.COMMON_FORMAT;
  }

  /**
   * Apache's combined or common format: {@code ip ident user [time] "request" status bytes} and,
   * combined, {@code "referrer" "agent"}. Quoted fields may hold escaped quotes.
   */
  record Apache(Pattern pattern, List<String> fields) implements LineFormat {

    private static final String QUOTED = "\"((?:[^\"\\\\]|\\\\.)*)\"";
    private static final String COMMON =
        "(\\S+) (\\S+) (\\S+) \\[([^\\]]+)\\] " + QUOTED + " (\\d{3}) (\\S+)";
    static final Apache COMMON_FORMAT =
        new Apache(Pattern.compile("^" + COMMON + "$"), COMBINED.subList(0, 7));
    static final Apache COMBINED_FORMAT =
        new Apache(Pattern.compile("^" + COMMON + " " + QUOTED + " " + QUOTED + "$"), COMBINED);
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    @Override
    public Optional<LogLine> parse(String line) {
      Matcher m = pattern.matcher(line);
      if (!m.matches()) {
        return Optional.empty();
      }
      var spans = new LinkedHashMap<String, LogLine.Span>();
      for (int i = 0; i < fields.size(); i++) {
        spans.put(fields.get(i), new LogLine.Span(m.start(i + 1), m.end(i + 1)));
      }
      try {
        var time = OffsetDateTime.parse(m.group(4), TIME).toInstant();
        return Optional.of(new LogLine(line, time, spans));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }

    @Override
    public String timeField() {
      return "time";
    }
  }

  /**
   * A regular expression whose named groups are the fields; {@code timeFormat} reads the time field
   * (empty: ISO-8601 with an offset, or without one in the store's zone).
   */
  record Regex(Pattern pattern, List<String> fields, String timeField, Times times)
      implements LineFormat {

    private static final Pattern GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    /** The format of a pattern; its named groups, in order, are the fields. */
    public static Regex of(String regex, String timeField, Times times) {
      var pattern = Pattern.compile(regex);
      var names = new java.util.ArrayList<String>();
      var m = GROUP.matcher(regex);
      while (m.find()) {
        names.add(m.group(1));
      }
      return new Regex(pattern, List.copyOf(names), timeField, times);
    }

    @Override
    public Optional<LogLine> parse(String line) {
      var m = pattern.matcher(line);
      if (!m.matches()) {
        return Optional.empty();
      }
      var spans = new LinkedHashMap<String, LogLine.Span>();
      for (var name : fields) {
        if (m.start(name) >= 0) {
          spans.put(name, new LogLine.Span(m.start(name), m.end(name)));
        }
      }
      var time = spans.containsKey(timeField) ? times.parse(m.group(timeField)) : null;
      return time == null ? Optional.empty() : Optional.of(new LogLine(line, time, spans));
    }
  }

  /**
   * One JSON object per line; the fields are its top-level members whose values are strings or
   * numbers (a string's place excludes its quotes).
   */
  record JsonLines(List<String> fields, String timeField, Times times) implements LineFormat {

    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public Optional<LogLine> parse(String line) {
      var spans = new LinkedHashMap<String, LogLine.Span>();
      try (var parser = JSON.createParser(ObjectReadContext.empty(), line)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          return Optional.empty();
        }
        String name = null;
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
          if (token == JsonToken.PROPERTY_NAME
              && parser.streamReadContext().getParent() != null
              && parser.streamReadContext().getParent().inRoot()) {
            name = parser.currentName();
          } else if (name != null
              && (token == JsonToken.VALUE_STRING || token.isNumeric())
              && parser.streamReadContext().getParent() != null
              && parser.streamReadContext().getParent().inRoot()) {
            int start = (int) parser.currentTokenLocation().getCharOffset();
            var text = parser.getString();
            if (token == JsonToken.VALUE_STRING) {
              // the value between its quotes, as written (escapes included)
              int end = closingQuote(line, start);
              spans.put(name, new LogLine.Span(start + 1, end));
            } else {
              spans.put(name, new LogLine.Span(start, start + text.length()));
            }
            name = null;
          } else if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            parser.skipChildren();
            name = null;
          }
        }
      } catch (tools.jackson.core.JacksonException e) {
        return Optional.empty();
      }
      var time =
          spans.containsKey(timeField) ? times.parse(unescaped(line, spans.get(timeField))) : null;
      return time == null ? Optional.empty() : Optional.of(new LogLine(line, time, spans));
    }

    private static int closingQuote(String line, int open) {
      for (int i = open + 1; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          return i;
        }
      }
      return line.length();
    }

    private static String unescaped(String line, LogLine.Span span) {
      return line.substring(span.start(), span.end()).replace("\\\"", "\"");
    }
  }

  /**
   * Reads a time: with a pattern, else ISO-8601. A time with an offset is that moment; one without
   * is a time of day in {@code zone} (the store's {@code time-zone}, else {@code lethe.time-zone}),
   * as a database's zone-less timestamp is read.
   */
  record Times(Optional<String> pattern, java.time.ZoneId zone) {

    /** Times without an offset in UTC: for tests and formats whose times always carry one. */
    Times(Optional<String> pattern) {
      this(pattern, ZoneOffset.UTC);
    }

    Instant parse(String text) {
      try {
        if (pattern.isEmpty()) {
          try {
            return OffsetDateTime.parse(text).toInstant();
          } catch (DateTimeParseException e) {
            return java.time.LocalDateTime.parse(text).atZone(zone).toInstant();
          }
        }
        var formatter = DateTimeFormatter.ofPattern(pattern.get(), Locale.ROOT);
        var parsed = formatter.parseBest(text, OffsetDateTime::from, java.time.LocalDateTime::from);
        return parsed instanceof OffsetDateTime odt
            ? odt.toInstant()
            : ((java.time.LocalDateTime) parsed).atZone(zone).toInstant();
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }
}
