package dev.lethe.store.logs;

import java.util.Set;

/**
 * Whether a line its format cannot read (longer than the format reads, not in the format, a JSON
 * object naming a member twice) mentions a key: one of the line's words, its escapes read, is the
 * key. Such a line's subject cannot be told, so a hold's key in it keeps it where the policy would
 * remove unreadable lines, and an erasure or export says it is there rather than pass over it in
 * silence (found by an outside attack). A word ends at white space, quotes, brackets and the
 * punctuation that separates fields ({@code , : ; = & ? < > |}): a key holding one of those is not
 * found this way.
 */
final class Mentions {

  private static final String SEPARATORS = "\"'{}[](),:;=&?<>|";

  private Mentions() {}

  /** The first of the key sets that the line mentions a key of: its index, or -1. */
  @SafeVarargs
  static int which(String line, LogLine.Escapes escapes, Set<String>... keys) {
    boolean any = false;
    for (var set : keys) {
      any |= !set.isEmpty();
    }
    if (!any) {
      return -1;
    }
    var text = read(line, escapes);
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean separator =
          i == text.length() || text.charAt(i) <= ' ' || SEPARATORS.indexOf(text.charAt(i)) >= 0;
      if (!separator) {
        if (start < 0) {
          start = i;
        }
        continue;
      }
      if (start >= 0) {
        var word = text.substring(start, i);
        for (int k = 0; k < keys.length; k++) {
          if (keys[k].contains(word)) {
            return k;
          }
        }
        start = -1;
      }
    }
    return -1;
  }

  private static String read(String line, LogLine.Escapes escapes) {
    return switch (escapes) {
      case APACHE -> LogContent.decoded(LogLine.Escapes.apache(line));
      case JSON -> LogLine.Escapes.json(LogContent.decoded(line));
      case NONE -> LogContent.decoded(line);
    };
  }
}
