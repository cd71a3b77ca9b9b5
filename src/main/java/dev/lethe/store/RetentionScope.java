package dev.lethe.store;

import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.transform.Tokens;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * What a store needs to know about the run around one step: "now", every policy that exists (a
 * policy that keeps rows longer protects them from one that would delete them sooner), the steps of
 * this job that run before this one (a dry-run counts as gone what they would delete), and the
 * run's tokens (empty when no key is configured).
 */
public record RetentionScope(
    ZonedDateTime now,
    List<Policy> allPolicies,
    List<PolicyStep> earlierInJob,
    Optional<Tokens> tokens) {}
