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
    // a key with a control character is refused, also where trimming would find 13's
    assertThatThrownBy(() -> restrictions.lift("13\u001b", "dpo"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("control or invisible characters");
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

  @org.springframework.beans.factory.annotation.Autowired ObjectionService objections;

  @Test
  void twoPlacingOneObjectionAtOnceRecordItOnce() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      var start = new java.util.concurrent.CountDownLatch(1);
      var placed =
          new java.util.ArrayList<java.util.concurrent.Future<ObjectionService.Placement>>();
      for (int i = 0; i < 8; i++) {
        placed.add(
            pool.submit(
                () -> {
                  start.await();
                  return objections.place("910601", "analytics", "dpo");
                }));
      }
      start.countDown();
      var told = new java.util.ArrayList<ObjectionService.Placement>();
      for (var each : placed) {
        told.add(each.get()); // none fails
      }
      // only the one whose placing was recorded is told so; the others that it was in force
      assertThat(told).filteredOn(ObjectionService.Placement::now).hasSize(1);
      assertThat(told)
          .filteredOn(p -> !p.now())
          .hasSize(7)
          .allSatisfy(
              p ->
                  assertThat(p.words())
                      .contains("is in force already, placed by dpo")
                      .contains("nothing was recorded"));
      assertThat(told)
          .extracting(p -> p.objection().id())
          .containsOnly(told.get(0).objection().id());
    } finally {
      pool.shutdownNow();
    }
    assertThat(objections.list(false)).filteredOn(o -> o.subject().equals("910601")).hasSize(1);
    assertThat(audit.about(audit.prefixes("910601")))
        .filteredOn(e -> e.kind().equals("objection") && e.action().equals("placed"))
        .extracting(e -> e.detail())
        .containsExactly("to analytics, by dpo");
  }

  @Test
  void freeTextWithLineBreaksEscapesOrMarksAndOverlongKeysAreRefused() {
    for (var forged :
        java.util.List.of(
            "LIT-1\n18:00:00.000 INFO  Forged", "LIT\u001b[31m", "LIT\u202e1", "LIT\u0000")) {
      assertThatThrownBy(() -> holds.place("910602", null, null, forged, "reason", "dpo"))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("--case holds a control or invisible character");
      assertThatThrownBy(() -> holds.place("910602", null, null, "LIT-1", forged, "dpo"))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("--reason holds");
      assertThatThrownBy(() -> restrictions.place("910602", forged, "dpo"))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("--grounds holds");
    }
    assertThatThrownBy(() -> holds.place("9".repeat(201), null, null, "LIT-1", "r", "dpo"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("longer than 200 characters");
    assertThatThrownBy(() -> holds.place("a\u0000b", null, null, "LIT-1", "r", "dpo"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("it holds control or invisible characters");
    assertThatThrownBy(() -> holds.place("910602", null, null, "LIT-1", "r".repeat(2001), "dpo"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--reason is longer than 2000 characters");
    assertThat(holds.list(true)).noneMatch(h -> h.subject().equals("910602"));
  }

  @org.springframework.beans.factory.annotation.Autowired dev.lethe.audit.AuditTrail audit;
}
