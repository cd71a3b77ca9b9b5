package dev.lethe.store;

import dev.lethe.policy.Policy;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * What a store needs to know about the run around one policy: "now", every policy that exists (a
 * policy that keeps rows longer protects them from one that would delete them sooner), and the
 * policies of this job that run before this one (a dry-run counts as gone what they would take).
 */
public record RetentionScope(
    ZonedDateTime now, List<Policy> allPolicies, List<Policy> earlierInJob) {}
