package dev.lethe.audit;

import dev.lethe.transform.Tokens;

/**
 * Subjects' prefixes one caller keeps between its entries, where the same subjects come again and
 * again (each whole partition of a table holds most of its subjects): under one key only, so a key
 * changed meanwhile starts it afresh; bounded, so it never holds more than a window's worth.
 */
public final class KnownPrefixes {
  private static final int MOST = 200_000;
  private final java.util.concurrent.ConcurrentHashMap<String, Long> prefixes =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Tokens under;

  Long get(Tokens tokens, String subject) {
    if (under != tokens) {
      synchronized (this) {
        if (under != tokens) {
          prefixes.clear();
          under = tokens;
        }
      }
    }
    var known = prefixes.get(subject);
    if (known == null) {
      known = AuditTrail.prefix(tokens, subject);
      if (prefixes.size() < MOST) {
        prefixes.put(subject, known);
      }
    }
    return known;
  }
}
