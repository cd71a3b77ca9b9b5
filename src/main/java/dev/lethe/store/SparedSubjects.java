package dev.lethe.store;

import java.util.Set;

/**
 * The subject keys whose rows must not be touched in this window: under a legal hold that covers
 * the policy, or under a restriction of processing. A row held for both counts as held by a hold.
 */
public record SparedSubjects(Set<String> held, Set<String> restricted) {

  public static final SparedSubjects NONE = new SparedSubjects(Set.of(), Set.of());
}
