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

  /**
   * The line's fields with their places, and when it happened; empty when the line is not in this
   * format or its time cannot be read.
   */
  default Optional<LogLine> parse(String line) {
    return fields(line).filter(l -> l.time() != null);
  }

  /**
   * The line's fields with their places, its time where it can be read ({@code null} where not):
   * what a subject's lines are found by, so that an erasure or export does not pass over a line of
   * the subject whose time is missing or written otherwise (found by an outside attack). Empty when
   * the line is not in this format.
   */
  Optional<LogLine> fields(String line);

  /** How the format escapes what its fields hold. */
  LogLine.Escapes escapes();

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
   * The longest line read as a line of its format: a longer one is unparsable (kept or removed as
   * the policy says, and reported by file and line), so that no line, however long a stranger made
   * it, costs more than this to look at.
   */
  int MAX_LINE = 1024 * 1024;

  /**
   * Apache's combined or common format: {@code ip ident user [time] "request" status bytes} and,
   * combined, {@code "referrer" "agent"}. Quoted fields may hold escaped quotes. Read by a scanner
   * that looks at each character once: a regular expression's backtracking recursed once per
   * character of a quoted field, and a referrer of 2,000 characters overflowed the stack.
   */
  record Apache(boolean combined, List<String> fields) implements LineFormat {

    static final Apache COMMON_FORMAT = new Apache(false, COMBINED.subList(0, 7));
    static final Apache COMBINED_FORMAT = new Apache(true, COMBINED);
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    @Override
    public LogLine.Escapes escapes() {
      return LogLine.Escapes.APACHE;
    }

    @Override
    public Optional<LogLine> fields(String line) {
      if (line.length() > MAX_LINE) {
        return Optional.empty();
      }
      var scanner = new Scanner(line);
      var spans = new LinkedHashMap<String, LogLine.Span>();
      try {
        spans.put("ip", scanner.word());
        scanner.space();
        spans.put("ident", scanner.word());
        scanner.space();
        spans.put("user", scanner.word());
        scanner.space();
        spans.put("time", scanner.bracketed());
        scanner.space();
        spans.put("request", scanner.quoted());
        scanner.space();
        spans.put("status", scanner.status());
        scanner.space();
        spans.put("bytes", scanner.word());
        if (combined) {
          scanner.space();
          spans.put("referrer", scanner.quoted());
          scanner.space();
          spans.put("agent", scanner.quoted());
        }
        scanner.end();
      } catch (Scanner.NoMatch e) {
        return Optional.empty();
      }
      var time = spans.get("time");
      Instant at;
      try {
        at = OffsetDateTime.parse(line.substring(time.start(), time.end()), TIME).toInstant();
      } catch (DateTimeParseException e) {
        at = null;
      }
      return Optional.of(new LogLine(line, at, spans, LogLine.Escapes.APACHE));
    }

    @Override
    public String timeField() {
      return "time";
    }

    /** Reads a line from left to right, each character once. */
    private static final class Scanner {

      /** The line is not in the format; thrown without a stack trace, as it is common. */
      static final class NoMatch extends Exception {
        static final NoMatch INSTANCE = new NoMatch();

        private NoMatch() {
          super(null, null, false, false);
        }
      }

      private final String line;
      private int at;

      Scanner(String line) {
        this.line = line;
      }

      /** One or more characters that are not white space (as regex's \\S). */
      LogLine.Span word() throws NoMatch {
        int start = at;
        while (at < line.length() && !white(line.charAt(at))) {
          at++;
        }
        if (at == start) {
          throw NoMatch.INSTANCE;
        }
        return new LogLine.Span(start, at);
      }

      void space() throws NoMatch {
        if (at >= line.length() || line.charAt(at) != ' ') {
          throw NoMatch.INSTANCE;
        }
        at++;
      }

      /** [text without ']'], the span inside the brackets. */
      LogLine.Span bracketed() throws NoMatch {
        if (at >= line.length() || line.charAt(at) != '[') {
          throw NoMatch.INSTANCE;
        }
        int close = line.indexOf(']', at + 1);
        if (close <= at + 1) {
          throw NoMatch.INSTANCE;
        }
        var span = new LogLine.Span(at + 1, close);
        at = close + 1;
        return span;
      }

      /** "text", where a backslash escapes the character after it; the span inside the quotes. */
      LogLine.Span quoted() throws NoMatch {
        if (at >= line.length() || line.charAt(at) != '"') {
          throw NoMatch.INSTANCE;
        }
        int start = ++at;
        while (at < line.length()) {
          char c = line.charAt(at);
          if (c == '\\') {
            at += 2;
          } else if (c == '"') {
            var span = new LogLine.Span(start, at);
            at++;
            return span;
          } else {
            at++;
          }
        }
        throw NoMatch.INSTANCE;
      }

      /** Three digits. */
      LogLine.Span status() throws NoMatch {
        int start = at;
        while (at < line.length() && at - start < 3 && Character.isDigit(line.charAt(at))) {
          at++;
        }
        if (at - start != 3) {
          throw NoMatch.INSTANCE;
        }
        return new LogLine.Span(start, at);
      }

      void end() throws NoMatch {
        if (at != line.length()) {
          throw NoMatch.INSTANCE;
        }
      }

      private static boolean white(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
      }
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
    public LogLine.Escapes escapes() {
      return LogLine.Escapes.NONE;
    }

    @Override
    public Optional<LogLine> fields(String line) {
      if (line.length() > MAX_LINE) {
        return Optional.empty();
      }
      var m = pattern.matcher(line);
      try {
        if (!m.matches()) {
          return Optional.empty();
        }
      } catch (StackOverflowError deep) {
        // an operator's pattern that backtracks once per character: this line is unparsable, the
        // run goes on (the report names it)
        return Optional.empty();
      }
      var spans = new LinkedHashMap<String, LogLine.Span>();
      for (var name : fields) {
        if (m.start(name) >= 0) {
          spans.put(name, new LogLine.Span(m.start(name), m.end(name)));
        }
      }
      var time = spans.containsKey(timeField) ? times.parse(m.group(timeField)) : null;
      return Optional.of(new LogLine(line, time, spans));
    }
  }

  /**
   * One JSON object per line; the fields are its top-level members whose values are strings or
   * numbers (a string's place excludes its quotes).
   */
  record JsonLines(List<String> fields, String timeField, Times times) implements LineFormat {

    /** Control characters written raw inside a string are read as they are, not refused. */
    private static final JsonFactory JSON =
        JsonFactory.builder()
            .enable(tools.jackson.core.json.JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .build();

    @Override
    public LogLine.Escapes escapes() {
      return LogLine.Escapes.JSON;
    }

    @Override
    public Optional<LogLine> fields(String line) {
      if (line.length() > MAX_LINE) {
        return Optional.empty();
      }
      var spans = new LinkedHashMap<String, LogLine.Span>();
      try (var parser = JSON.createParser(ObjectReadContext.empty(), line)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          return Optional.empty();
        }
        String name = null;
        JsonToken token;
        var names = new java.util.HashSet<String>();
        while ((token = parser.nextToken()) != null) {
          if (token == JsonToken.PROPERTY_NAME
              && parser.streamReadContext().getParent() != null
              && parser.streamReadContext().getParent().inRoot()) {
            name = parser.currentName();
            if (!names.add(name)) {
              // a member named twice: which one is the line's? Neither is trusted (the last one
              // judged it, and a line of alice's held went as mallory's: an outside attack)
              return Optional.empty();
            }
          } else if (name != null
              && (token == JsonToken.VALUE_STRING || token.isNumeric())
              && parser.streamReadContext().getParent() != null
              && parser.streamReadContext().getParent().inRoot()) {
            int start = (int) parser.currentTokenLocation().getCharOffset();
            var text = parser.getString();
            var span =
                token == JsonToken.VALUE_STRING
                    // the value between its quotes, as written (escapes included)
                    ? new LogLine.Span(start + 1, closingQuote(line, start))
                    : new LogLine.Span(start, start + text.length());
            spans.put(name, span);
            name = null;
          } else if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            if (name != null) {
              // a member whose value is a list or an object: its subject cannot be told, and is
              // not taken to be none (["heldu"] went with a hold on heldu: an outside attack)
              spans.put(name, LogLine.Span.UNREADABLE);
            }
            parser.skipChildren();
            name = null;
          }
        }
      } catch (tools.jackson.core.JacksonException e) {
        return Optional.empty();
      }
      var time =
          spans.containsKey(timeField) ? times.parse(unescaped(line, spans.get(timeField))) : null;
      return Optional.of(new LogLine(line, time, spans, LogLine.Escapes.JSON));
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
