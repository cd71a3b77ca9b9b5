package dev.lethe.policy;

import java.util.Optional;

/**
 * What an erasure request does to a subject's rows under one policy. {@code DELETE} (the default)
 * deletes them; rows that rows kept elsewhere still reference cannot go, and get {@code transform}
 * where it is given. {@code PSEUDONYMISE} keeps the rows (a legal obligation, such as invoices) and
 * removes the person from them with {@code transform}.
 *
 * @param transform a pseudonymise stage of its own, due at once (empty: none)
 * @param line where {@code on-erasure} is written (0: not written)
 */
public record Erasure(Policy.Action action, Optional<Stage> transform, int line) {

  public static final Erasure DELETE = new Erasure(Policy.Action.DELETE, Optional.empty(), 0);

  /** Whether erasure keeps the rows it covers. */
  public boolean keepsRows() {
    return action == Policy.Action.PSEUDONYMISE;
  }
}
