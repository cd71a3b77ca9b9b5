package dev.lethe.store.logs;

import java.time.Instant;
import java.util.Map;

/**
 * One parsed line: its text (one character per byte, {@link LogContent}), when it happened, and
 * where each field's value is in the text, so that a field can be rewritten and the rest of the
 * line stays byte for byte as it was.
 */
public record LogLine(String text, Instant time, Map<String, Span> fields) {

  /** Where a field's value is: characters {@code start} (inclusive) to {@code end} (exclusive). */
  public record Span(int start, int end) {}

  /**
   * The field's value as written, read as UTF-8: what a subject key is compared with ({@code null}:
   * the line has no such field).
   */
  public String value(String field) {
    var raw = raw(field);
    return raw == null ? null : LogContent.decoded(raw);
  }

  /** The field's bytes as written, one character per byte ({@link LogContent}). */
  public String raw(String field) {
    var span = fields.get(field);
    return span == null ? null : text.substring(span.start(), span.end());
  }
}
