package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** An entry's subjects are kept in the order of their tokens, each with its own rows. */
class AuditEntryTests {

  @Test
  void subjectsAreSortedAsSignedNumbersAndKeepTheirRows() {
    var random = new Random(42);
    for (int size : new int[] {0, 1, 2, 255, 256, 10_000}) {
      var subjects = new long[size];
      var rows = new int[size];
      for (int i = 0; i < size; i++) {
        // the extremes and equal prefixes too
        subjects[i] =
            switch (i % 7) {
              case 0 -> Long.MIN_VALUE;
              case 1 -> Long.MAX_VALUE;
              case 2 -> -1;
              case 3 -> 0;
              default -> random.nextLong();
            };
        rows[i] = random.nextInt(1000);
      }
      var expected = new long[size][];
      for (int i = 0; i < size; i++) {
        expected[i] = new long[] {subjects[i], rows[i], i};
      }
      // stable: equal subjects keep their order
      Arrays.sort(expected, Comparator.comparingLong((long[] e) -> e[0]));

      AuditEntry.sortBySubject(subjects, rows);

      for (int i = 0; i < size; i++) {
        assertThat(subjects[i]).as("subject %d of %d", i, size).isEqualTo(expected[i][0]);
        assertThat(rows[i]).as("rows %d of %d", i, size).isEqualTo((int) expected[i][1]);
      }
    }
  }
}
