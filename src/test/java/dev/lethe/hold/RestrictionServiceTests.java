package dev.lethe.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.support.LetheTests;
import dev.lethe.system.BadInputException;
import org.junit.jupiter.api.Test;

class RestrictionServiceTests extends LetheTests {

  @Test
  void aSubjectHasOneActiveRestrictionUntilItIsLifted() {
    var placed = restrictions.place("13", "accuracy contested", "dpo");

    assertThatThrownBy(() -> restrictions.place("13", "again", "dpo"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("already restricted");
    var lifted = restrictions.lift("13", "dpo");

    assertThat(lifted.id()).isEqualTo(placed.id());
    assertThat(lifted.active()).isFalse();
    assertThat(restrictions.list(false)).isEmpty();
    assertThat(restrictions.list(true)).extracting(Restriction::subject).containsExactly("13");
    assertThat(restrictions.place("13", "objection pending", "dpo").active()).isTrue();
  }

  @Test
  void liftingAnUnrestrictedSubjectIsBadInput() {
    assertThatThrownBy(() -> restrictions.lift("404", "dpo"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no active restriction");
  }

  @Test
  void holdsNeedACaseAndAReasonAndAreNarrowedOnce() {
    assertThatThrownBy(() -> holds.place("1", null, null, " ", "why", "dpo"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--case");
    assertThatThrownBy(() -> holds.place("1", "payments", "payment-data", "C-1", "why", "dpo"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> holds.release(999_999, "why", "dpo"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no hold with id 999999");
  }
}
