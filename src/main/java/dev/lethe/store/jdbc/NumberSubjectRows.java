package dev.lethe.store.jdbc;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Rows per subject where the subject column holds whole numbers: counted under the numbers
 * themselves, in two plain arrays (open addressing), and seen as subject keys in text, as the
 * column's {@code ::text} writes them (Java writes a long the same way), only when the audit entry
 * is made. A window of 100,000 deleted rows counted its subjects as text in a hash map of objects;
 * reading and hashing those strings was a tenth of the window's time.
 */
final class NumberSubjectRows extends AbstractMap<String, Long> {

  private long[] keys;
  private long[] rows;
  private boolean[] used;
  private int size;

  NumberSubjectRows(int expected) {
    // room for twice what is expected (a window's rows), up to a million slots; it grows past that
    int room = Math.max(16, Math.min(expected, 1 << 19));
    allocate(Integer.highestOneBit(room * 2 - 1) * 2);
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    rows = new long[capacity];
    used = new boolean[capacity];
  }

  /** One more row of {@code subject}. */
  void add(long subject) {
    add(subject, 1);
  }

  private void add(long subject, long n) {
    int mask = keys.length - 1;
    int at = slot(subject) & mask;
    while (used[at]) {
      if (keys[at] == subject) {
        rows[at] += n;
        return;
      }
      at = (at + 1) & mask;
    }
    used[at] = true;
    keys[at] = subject;
    rows[at] = n;
    if (++size > keys.length * 3 / 5) {
      grow();
    }
  }

  private void grow() {
    var oldKeys = keys;
    var oldRows = rows;
    var oldUsed = used;
    allocate(keys.length * 2);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldUsed[i]) {
        add(oldKeys[i], oldRows[i]);
      }
    }
  }

  /** Subjects in a row are often near each other: mixed, so that they spread over the slots. */
  private static int slot(long subject) {
    long h = subject * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Long get(Object key) {
    if (!(key instanceof String text)) {
      return null;
    }
    long subject;
    try {
      subject = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return null;
    }
    if (!Long.toString(subject).equals(text)) {
      return null; // "+5" or "05" is not how the column writes 5
    }
    int mask = keys.length - 1;
    for (int at = slot(subject) & mask; used[at]; at = (at + 1) & mask) {
      if (keys[at] == subject) {
        return rows[at];
      }
    }
    return null;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public Set<Map.Entry<String, Long>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<String, Long>> iterator() {
        return new Iterator<>() {
          private int at = advance(0);

          private int advance(int from) {
            int i = from;
            while (i < used.length && !used[i]) {
              i++;
            }
            return i;
          }

          @Override
          public boolean hasNext() {
            return at < used.length;
          }

          @Override
          public Map.Entry<String, Long> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            var entry = new SimpleImmutableEntry<>(Long.toString(keys[at]), rows[at]);
            at = advance(at + 1);
            return entry;
          }
        };
      }
    };
  }
}
