package dev.lethe.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rows counted under whole-number subjects are the rows a map of their text would count: every
 * subject once, under the text PostgreSQL's {@code ::text} gives the number, however many there are
 * and however they collide.
 */
class NumberSubjectRowsTests {

  @Test
  void countsAsAMapOfTheNumbersTextWould() {
    var random = new Random(11);
    // fewer expected than come (it grows), the extremes, and runs of neighbours
    var counted = new NumberSubjectRows(10);
    var expected = new HashMap<String, Long>();
    for (int i = 0; i < 300_000; i++) {
      long subject =
          switch (i % 5) {
            case 0 -> Long.MIN_VALUE + random.nextInt(3);
            case 1 -> Long.MAX_VALUE - random.nextInt(3);
            case 2 -> i / 5;
            case 3 -> -random.nextInt(1000);
            default -> random.nextLong();
          };
      counted.add(subject);
      expected.merge(Long.toString(subject), 1L, Long::sum);
    }

    assertThat(counted).hasSize(expected.size());
    assertThat(new HashMap<>(counted)).isEqualTo(expected);
    assertThat(counted.get("0")).isEqualTo(expected.get("0"));
    assertThat(counted.get(Long.toString(Long.MIN_VALUE)))
        .isEqualTo(expected.get(Long.toString(Long.MIN_VALUE)));
  }

  @Test
  void onlyTheColumnsOwnSpellingOfANumberIsASubjectKey() {
    var counted = new NumberSubjectRows(100_000);
    counted.add(5);
    counted.add(5);

    assertThat(counted.get("5")).isEqualTo(2L);
    assertThat(counted.get("05")).isNull();
    assertThat(counted.get("+5")).isNull();
    assertThat(counted.get(" 5")).isNull();
    assertThat(counted.get("6")).isNull();
    assertThat(counted.get(5L)).isNull();
    assertThat(counted.containsKey("5")).isTrue();
    assertThat(new NumberSubjectRows(Integer.MAX_VALUE)).isEmpty();
  }
}
