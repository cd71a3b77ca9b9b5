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
    for (int size : new int[] {0, 1, 2, 255, 256, 10_000, 100_000}) {
      var subjects = new long[size];
      var rows = new int[size];
      for (int i = 0; i < size; i++) {
        // the extremes and equal prefixes too, and many that share their top 16 bits (one
        // crowded bucket of the first pass)
        subjects[i] =
            switch (i % 7) {
              case 0 -> Long.MIN_VALUE;
              case 1 -> Long.MAX_VALUE;
              case 2 -> -1;
              case 3 -> 0;
              case 4 -> 0x8001_0000_0000_0000L | (random.nextLong() & 0xFFFF_FFFF_FFFFL);
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

  @Test
  void bytesMovedFromSubjectsToRowsChangeTheHashAndTheShapeTellsOnAnOldEntry() {
    // three subjects, the second's token starting with a line break: format 1 joined subjects and
    // rows with one, so cutting the subjects there and moving the rest into the row counts kept
    // the format-1 hash (an attacker then unnamed every subject after the cut)
    long[] subjects = {0x0102030405060708L, 0x0A11121314151617L, 0x2021222324252627L};
    int[] rows = {5, 6, 7};
    var at = java.time.Instant.parse("2026-12-06T00:00:00Z");
    var draft =
        new AuditEntry.Draft("purge", "deleted", 4L, "ev", "delete", subjects, rows, 18, null);
    var packedSubjects = AuditEntry.pack(subjects);
    var packedRows = AuditEntry.pack(rows);
    var cutSubjects = java.util.Arrays.copyOf(packedSubjects, 8);
    var movedRows = new java.io.ByteArrayOutputStream();
    movedRows.write(packedSubjects, 9, packedSubjects.length - 9);
    movedRows.write('\n');
    movedRows.write(packedRows, 0, packedRows.length);
    var moved = movedRows.toByteArray();
    var forged =
        new AuditEntry.Draft(
            "purge",
            "deleted",
            4L,
            "ev",
            "delete",
            AuditEntry.longs(cutSubjects),
            AuditEntry.ints(moved),
            18,
            null);

    assertThat(AuditEntry.hashOf(1, at, forged, "p"))
        .isEqualTo(AuditEntry.hashOf(1, at, draft, "p"));
    assertThat(AuditEntry.malformed(cutSubjects, moved, "purge", "deleted", "ev", "delete"))
        .contains("do not pair up");
    assertThat(AuditEntry.hashOf(1, at, forged, null, "p"))
        .isNotEqualTo(AuditEntry.hashOf(1, at, draft, null, "p"));
    assertThat(AuditEntry.malformed(packedSubjects, packedRows, "purge", "deleted", "ev", "delete"))
        .isNull();
    // format 2 tells a missing field from an empty one, and hashes the outbox id
    var noPolicy =
        new AuditEntry.Draft("purge", "deleted", 4L, null, "delete", subjects, rows, 18, null);
    var emptyPolicy =
        new AuditEntry.Draft("purge", "deleted", 4L, "", "delete", subjects, rows, 18, null);
    assertThat(AuditEntry.hashOf(1, at, noPolicy, "p"))
        .isEqualTo(AuditEntry.hashOf(1, at, emptyPolicy, "p"));
    assertThat(AuditEntry.hashOf(1, at, noPolicy, null, "p"))
        .isNotEqualTo(AuditEntry.hashOf(1, at, emptyPolicy, null, "p"));
    assertThat(AuditEntry.hashOf(1, at, draft, java.util.UUID.randomUUID(), "p"))
        .isNotEqualTo(AuditEntry.hashOf(1, at, draft, null, "p"));
  }
}
