package dev.lethe.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.support.LetheTests;
import dev.lethe.system.BadInputException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two people changing one record at once (docs/decisions/0004): the second read the record while
 * the first's change was not yet committed, so what it read is stale. Its change must fail, saying
 * so, with nothing recorded in its name: the record's version tells it.
 */
class ConcurrentEditsTests extends LetheTests {

  @Autowired PlatformTransactionManager transactions;
  @Autowired ObjectionService objections;
  @Autowired dev.lethe.audit.AuditTrail audit;

  @Test
  void aReleaseThatReadTheHoldBeforeAnotherReleaseCommittedFailsAndRecordsNothing()
      throws Exception {
    var hold = holds.place("910501", null, null, "LIT-910501", "pending claim", "dpo");

    var second =
        whileAnotherChangeIsOpen(
            () -> holds.release(hold.id(), "case closed", "anna"),
            () -> holds.release(hold.id(), "claim settled", "bert"));

    assertThatThrownBy(second::get)
        .cause()
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("hold " + hold.id() + " was released meanwhile by someone else");
    var released = holds.find(hold.id());
    assertThat(released.releasedBy()).isEqualTo("anna");
    assertThat(released.releaseReason()).isEqualTo("case closed");
    assertThat(entries("hold", "released", "hold " + hold.id() + ",%"))
        .as("bert's entry rolled back with his release")
        .isEqualTo(1);
  }

  @Test
  void aLiftThatReadTheRestrictionBeforeAnotherLiftCommittedFails() throws Exception {
    var restriction = restrictions.place("910502", "accuracy contested", "dpo");

    var second =
        whileAnotherChangeIsOpen(
            () -> restrictions.lift("910502", "anna"), () -> restrictions.lift("910502", "bert"));

    assertThatThrownBy(second::get)
        .cause()
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("was lifted meanwhile by someone else");
    assertThat(restrictions.list(true))
        .filteredOn(r -> r.id() == restriction.id())
        .singleElement()
        .satisfies(r -> assertThat(r.liftedBy()).isEqualTo("anna"));
    assertThat(entries("restriction", "lifted", "restriction " + restriction.id() + ",%"))
        .isEqualTo(1);
  }

  @Test
  void aLiftThatReadTheObjectionBeforeAnotherLiftCommittedFailsAndRecordsNothing()
      throws Exception {
    objections.place("910503", "analytics", "dpo");

    var second =
        whileAnotherChangeIsOpen(
            () -> objections.lift("910503", "analytics", "anna-910503"),
            () -> objections.lift("910503", "analytics", "bert-910503"));

    assertThatThrownBy(second::get)
        .cause()
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("the objection to analytics was lifted meanwhile");
    assertThat(entries("objection", "lifted", "to analytics, by anna-910503")).isEqualTo(1);
    assertThat(entries("objection", "lifted", "to analytics, by bert-910503"))
        .as("bert's lift changed nothing and recorded nothing")
        .isZero();
  }

  /**
   * Runs {@code first} in a transaction left open until {@code second}, started meanwhile, has read
   * the record and waits on the first (for its row or the trail's lock); then commits the first.
   */
  private java.util.concurrent.Future<?> whileAnotherChangeIsOpen(Runnable first, Runnable second)
      throws Exception {
    var firstChanged = new CountDownLatch(1);
    var commitFirst = new CountDownLatch(1);
    var pool = Executors.newFixedThreadPool(2);
    try {
      var firstDone =
          pool.submit(
              () ->
                  new TransactionTemplate(transactions)
                      .execute(
                          status -> {
                            first.run();
                            firstChanged.countDown();
                            await(commitFirst);
                            return null;
                          }));
      assertThat(firstChanged.await(30, TimeUnit.SECONDS)).isTrue();
      var secondDone = pool.submit(second);
      awaitSomeoneWaitingForALock();
      commitFirst.countDown();
      firstDone.get(30, TimeUnit.SECONDS);
      try {
        secondDone.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException expected) {
        // the caller looks at it
      }
      return secondDone;
    } finally {
      commitFirst.countDown();
      pool.shutdownNow();
    }
  }

  /** Until a session of the control database waits for a lock another holds. */
  private void awaitSomeoneWaitingForALock() {
    org.awaitility.Awaitility.await("the second change waits on the first")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                control
                        .sql(
                            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                                + " WHERE NOT l.granted AND a.datname = current_database()")
                        .query(Long.class)
                        .single()
                    > 0);
  }

  private long entries(String kind, String action, String detailLike) {
    return control
        .sql(
            "SELECT count(*) FROM lethe.audit_entry WHERE kind = ? AND action = ?"
                + " AND detail LIKE ?")
        .params(kind, action, detailLike)
        .query(Long.class)
        .single();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
