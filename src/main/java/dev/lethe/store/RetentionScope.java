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
 * run's tokens (empty when no key is configured), and the rows a stage has made tokens of their
 * subjects, as the control database remembers them.
 */
public record RetentionScope(
    ZonedDateTime now,
    List<Policy> allPolicies,
    List<PolicyStep> earlierInJob,
    Optional<Tokens> tokens,
    java.util.Set<String> tokenisedRows) {

  public RetentionScope(
      ZonedDateTime now,
      List<Policy> allPolicies,
      List<PolicyStep> earlierInJob,
      Optional<Tokens> tokens) {
    this(now, allPolicies, earlierInJob, tokens, java.util.Set.of());
  }

  /**
   * Whether rows with these identities may hold tokens of their subjects: a policy turns their
   * subject column into tokens now, or one did before ({@code tokenisedRows}, kept by the control
   * database).
   */
  public boolean mayHoldTokens(java.util.Set<String> rowsIdentity) {
    return rowsIdentity.stream().anyMatch(tokenisedRows::contains);
  }
}
