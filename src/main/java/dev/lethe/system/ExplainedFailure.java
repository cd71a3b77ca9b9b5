package dev.lethe.system;

/**
 * A failure whose message already says, in operators' words, what went wrong and what to do; a
 * report shows it as it is instead of digging for a root cause.
 */
public interface ExplainedFailure {}
