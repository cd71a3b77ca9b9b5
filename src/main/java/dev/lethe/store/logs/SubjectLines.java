package dev.lethe.store.logs;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which lines of a log store are a subject's: those whose subject fields (every policy's on the
 * store: a client's address, a user) hold its key. Whose a line is cannot be told where it cannot
 * be read, or a subject field holds a list; such a line is known by the keys it mentions.
 */
final class SubjectLines {

  private final LineFormat format;
  private final List<String> subjectFields;

  SubjectLines(LineFormat format, List<String> subjectFields) {
    this.format = format;
    this.subjectFields = subjectFields;
  }

  /** A line's text without the carriage return a Windows writer ends it with. */
  static String body(String text) {
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** The line's fields, where the store's format reads it. */
  Optional<LogLine> fields(String body) {
    return format.fields(body);
  }

  /** Whether a line (one whose subject cannot be told) mentions one of the keys. */
  boolean mentions(String body, Mentions keys) {
    return keys.any(body, format.escapes());
  }

  boolean isSubjects(LogLine line, Set<String> keys) {
    for (var field : subjectFields) {
      var key = line.key(field);
      if (key != null && keys.contains(key)) {
        return true;
      }
    }
    return false;
  }

  /** Whether whose the line is cannot be told: unreadable, or a subject field holds a list. */
  boolean unknown(Optional<LogLine> line) {
    return line.isEmpty() || subjectFields.stream().anyMatch(line.get()::unreadable);
  }

  /** Whether a subject field names a held subject other than the one asked about. */
  boolean heldOther(LogLine line, Set<String> held, Set<String> keys) {
    if (held.isEmpty()) {
      return false;
    }
    for (var field : subjectFields) {
      var key = line.key(field);
      if (key != null && held.contains(key) && !keys.contains(key)) {
        return true;
      }
    }
    return false;
  }
}
