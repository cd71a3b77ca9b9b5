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
   * Every subject held on the policy's rows now, whoever asks: a line of a log names a subject in
   * each policy's subject field (a client's address, a user), and an erasure of one must not take a
   * line another's hold keeps. Empty where the caller does not say.
   */
  default Set<String> heldSubjects() {
    return Set.of();
  }
}
