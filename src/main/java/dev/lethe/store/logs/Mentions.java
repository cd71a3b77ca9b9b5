package dev.lethe.store.logs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a line mentions a key: the key, its escapes read, stands in the line between separators
 * (white space, quotes, brackets and the punctuation that separates fields, {@code , : ; = & ? < >
 * |}) or at its ends. What a line whose subject cannot be told (it cannot be read, or its subject
 * field is a list or an object) is known by: a hold's key in it keeps it, and an erasure or export
 * says it is there rather than pass over it in silence (each found by an outside attack). A line
 * whose subjects can be read is known by them alone: "42" held would keep every line of 42 bytes.
 * Keys without a separator are looked up word by word; the few with one (an IPv6 address, "alice
 * smith") are searched for.
 */
final class Mentions {

  private static final String SEPARATORS = "\"'{}[](),:;=&?<>|";

  private final List<Set<String>> keys;

  /** Per key set, the keys holding a separator by their first word ("2001" for 2001:db8::5). */
  private final List<Map<String, List<String>>> phrases;

  /** Per key set, the keys that begin with a separator ("::1"): searched for in every line. */
  private final List<List<String>> leading;

  /** The key sets, in the order {@link #which} tells them apart. */
  @SafeVarargs
  Mentions(Set<String>... keys) {
    this.keys = List.of(keys);
    this.phrases = new ArrayList<>();
    this.leading = new ArrayList<>();
    for (var set : keys) {
      var byFirstWord = new HashMap<String, List<String>>();
      var first = new ArrayList<String>();
      for (var key : set) {
        int cut = firstSeparator(key);
        if (cut < 0) {
          continue;
        }
        if (cut == 0) {
          first.add(key);
        } else {
          byFirstWord.computeIfAbsent(key.substring(0, cut), w -> new ArrayList<>()).add(key);
        }
      }
      phrases.add(byFirstWord);
      leading.add(first);
    }
  }

  /** Whether there is no key to look for. */
  boolean none() {
    return keys.stream().allMatch(Set::isEmpty);
  }

  /** The first of the key sets that the line mentions a key of: its index, or -1. */
  int which(String line, LogLine.Escapes escapes) {
    if (none()) {
      return -1;
    }
    var text = read(line, escapes);
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      if (i < text.length() && !separator(text.charAt(i))) {
        if (start < 0) {
          start = i;
        }
        continue;
      }
      if (start >= 0) {
        var word = text.substring(start, i);
        for (int k = 0; k < keys.size(); k++) {
          if (keys.get(k).contains(word)) {
            return k;
          }
          for (var phrase : phrases.get(k).getOrDefault(word, List.of())) {
            if (standsAt(text, start, phrase)) {
              return k;
            }
          }
        }
        start = -1;
      }
    }
    for (int k = 0; k < leading.size(); k++) {
      for (var phrase : leading.get(k)) {
        for (int at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
          if (standsAt(text, at, phrase)) {
            return k;
          }
        }
      }
    }
    return -1;
  }

  /** Whether the line mentions a key of any set. */
  boolean any(String line, LogLine.Escapes escapes) {
    return which(line, escapes) >= 0;
  }

  /** Whether {@code phrase} is at {@code at}, with a separator or an end on either side. */
  private static boolean standsAt(String text, int at, String phrase) {
    int end = at + phrase.length();
    return text.startsWith(phrase, at)
        && (at == 0 || separator(text.charAt(at - 1)))
        && (end == text.length() || separator(text.charAt(end)));
  }

  private static int firstSeparator(String key) {
    for (int i = 0; i < key.length(); i++) {
      if (separator(key.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean separator(char c) {
    return c <= ' ' || SEPARATORS.indexOf(c) >= 0;
  }

  private static String read(String line, LogLine.Escapes escapes) {
    return switch (escapes) {
      case APACHE -> LogContent.decoded(LogLine.Escapes.apache(line));
      case JSON -> LogLine.Escapes.json(LogContent.decoded(line));
      case NONE -> LogContent.decoded(line);
    };
  }
}
