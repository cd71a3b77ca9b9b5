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
}
