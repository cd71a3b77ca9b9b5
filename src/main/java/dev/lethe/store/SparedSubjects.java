package dev.lethe.store;

import java.util.HashSet;
import java.util.Set;

/**
 * The subject keys whose rows must not be touched: under a legal hold that covers the policy, with
 * an open access or export request (the data they asked to see must still be there when it is
 * exported), or under a restriction of processing. A row spared for several reasons counts under
 * the first of these. {@code version} is the version of the flags they were read at, so that a run
 * can tell they changed.
 */
public record SparedSubjects(
    long version, Set<String> held, Set<String> requested, Set<String> restricted) {

  /** Every spared subject, whatever the reason. */
  public Set<String> all() {
    var all = new HashSet<String>(held);
    all.addAll(requested);
    all.addAll(restricted);
    return all;
  }
}
