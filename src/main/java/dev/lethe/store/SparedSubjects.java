package dev.lethe.store;

import java.util.Set;

/**
 * The subject keys whose rows must not be touched: under a legal hold that covers the policy, or
 * under a restriction of processing. A row held for both counts as held by a hold. {@code version}
 * is the version of the flags they were read at, so that a run can tell they changed.
 */
public record SparedSubjects(long version, Set<String> held, Set<String> restricted) {}
