package dev.lethe.store;

import java.util.Set;

/**
 * The policies under a legal hold on a subject now. A request asks it before it changes a table,
 * and again just before the change commits: the caller keeps a new hold on the subject from being
 * placed between that last look and the commit, so a hold placed while the change waited for an
 * application's locks is honoured.
 */
public interface HoldCheck {

  /** The policies held on the subject now. */
  Set<String> heldPolicies();

  /**
   * The same, just before the change commits: from this look until the commit, no new hold on the
   * subject can be placed.
   */
  Set<String> heldBeforeCommit();

  /**
   * One part of a change that commits in parts (a log store's files, each renamed on its own): its
   * last look ({@link #heldBeforeCommit}, given to it) and its commit in one stretch that keeps new
   * holds on the subject out, and no longer, so that a hold placed while one part was made is seen
   * by the next. Where the caller keeps them out for the whole change, the look and the part.
   */
  default <T> T partBeforeCommit(java.util.function.Function<Set<String>, T> part) {
    return part.apply(heldBeforeCommit());
  }

  /**
   * Every subject held on the policy's rows now, whoever asks: a line of a log names a subject in
   * each policy's subject field (a client's address, a user), and an erasure of one must not take a
   * line another's hold keeps. Empty where the caller does not say.
   */
  default Set<String> heldSubjects() {
    return Set.of();
  }
}
