package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a request entry's detail names its request and splits its rows. */
class RequestEntriesTests {

  @Test
  void aChangesWordsSplitItsRowsWhereTheyAddUpToTheEntrys() {
    assertThat(RequestEntries.rows("deleted", 5, "request 12: deleted 3, pseudonymised 2"))
        .isEqualTo(new RequestEntries.Rows(3, 2, 0));
    assertThat(RequestEntries.rows("pseudonymised", 4, "request 12: pseudonymised 4"))
        .isEqualTo(new RequestEntries.Rows(0, 4, 0));
    // a recovered entry, and one of a request no longer on record, keep the change's words first
    var recovered =
        "request 12: deleted 3, pseudonymised 2; recovered by run 40 from store 'app': run 39,"
            + " which made the change, ended before recording it";
    assertThat(RequestEntries.rows("deleted", 5, recovered))
        .isEqualTo(new RequestEntries.Rows(3, 2, 0));
    assertThat(RequestEntries.request(recovered)).contains(12L);
    assertThat(RequestEntries.request("request 7: deleted 1; request 7 is no longer on record"))
        .contains(7L);
    // words after the change's own ("deleted 9" in a store's name) are not its rows
    assertThat(RequestEntries.rows("deleted", 3, "request 1: deleted 3; from store 'deleted 9'"))
        .isEqualTo(new RequestEntries.Rows(3, 0, 0));
  }

  @Test
  void wordsThatDoNotAddUpLeaveTheRowsUnderTheEntrysAction() {
    assertThat(RequestEntries.rows("deleted", 5, "request 12: deleted 4"))
        .isEqualTo(new RequestEntries.Rows(5, 0, 0));
    assertThat(RequestEntries.rows("pseudonymised", 5, null))
        .isEqualTo(new RequestEntries.Rows(0, 5, 0));
    assertThat(RequestEntries.rows("exported", 8, "request 3: exported 8 rows"))
        .isEqualTo(new RequestEntries.Rows(0, 0, 8));
    assertThat(RequestEntries.rows("deleted", 1, "request 1: deleted 99999999999999999999"))
        .isEqualTo(new RequestEntries.Rows(1, 0, 0));
    assertThat(RequestEntries.request("recovered by run 4")).isEmpty();
    assertThat(RequestEntries.request(null)).isEmpty();
  }
}
