package dev.lethe.subject;

import dev.lethe.hold.Hold;
import dev.lethe.hold.HoldsInForce;
import dev.lethe.hold.SubjectFlags;
import dev.lethe.policy.Policy;
import dev.lethe.store.HoldCheck;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How a request's change under one policy looks at the legal holds on its subject: the policies
 * held on the subject now; every key held on the policy's rows; and just before the change commits,
 * read after taking the subject's gate (shared), the key's own holds and those placed since the
 * change first looked on another case of it. A hold being placed takes the gate exclusively (in
 * lower case), so none lands between that last look and the change's commit, and one placed while
 * the change waited is seen.
 */
final class RequestHoldCheck implements HoldCheck {

  private final String subject;
  private final Policy policy;
  private final RetentionScope scope;
  private final HoldsInForce holds;
  private final SubjectFlags flags;
  private final StoreRegistry stores;
  private final JdbcClient control;
  private final org.springframework.transaction.support.TransactionTemplate gate;

  /** The holds on any case of the key when the change first looked (null: not yet). */
  private Set<Long> seenAnyCase;

  RequestHoldCheck(
      String subject,
      Policy policy,
      RetentionScope scope,
      HoldsInForce holds,
      SubjectFlags flags,
      StoreRegistry stores,
      JdbcClient control,
      org.springframework.transaction.support.TransactionTemplate gate) {
    this.subject = subject;
    this.policy = policy;
    this.scope = scope;
    this.holds = holds;
    this.flags = flags;
    this.stores = stores;
    this.control = control;
    this.gate = gate;
  }

  @Override
  public Set<String> heldPolicies() {
    lookedAtEveryCase();
    return casesOf(holds.activeOn(subject), scope).keySet();
  }

  @Override
  public Set<String> heldSubjects() {
    lookedAtEveryCase();
    return flags
        .sparedFor(policy, stores.sameRows(policy, scope.allPolicies()), scope.allPolicies())
        .held();
  }

  private void lookedAtEveryCase() {
    if (seenAnyCase == null) {
      seenAnyCase = new HashSet<>();
      holds.activeOnAnyCase(subject).forEach(h -> seenAnyCase.add(h.id()));
    }
  }

  /**
   * The key's own holds, and those placed since the change first looked on another case of it: the
   * change kept out what the holds it saw keep (as another key's), but not what one placed while it
   * worked keeps (an erasure of ALICE under a citext column, and a hold on alice placed meanwhile).
   */
  @Override
  public Set<String> heldBeforeCommit() {
    dev.lethe.hold.SubjectGate.pass(control, subject);
    var seen = seenAnyCase == null ? Set.<Long>of() : seenAnyCase;
    var held = new TreeSet<>(heldPolicies());
    var placedMeanwhile =
        holds.activeOnAnyCase(subject).stream().filter(h -> !seen.contains(h.id())).toList();
    held.addAll(casesOf(placedMeanwhile, scope).keySet());
    return held;
  }

  /**
   * A part of a change that commits in parts, in a transaction of the control database of its own:
   * the subject's gate lasts the part, so a hold placed meanwhile waits for this part only.
   */
  @Override
  public <T> T partBeforeCommit(java.util.function.Function<Set<String>, T> part) {
    return gate.execute(status -> part.apply(heldBeforeCommit()));
  }

  /** The case references of the holds that cover each policy. */
  static Map<String, Set<String>> casesOf(List<Hold> active, RetentionScope scope) {
    var cases = new HashMap<String, Set<String>>();
    for (var policy : scope.allPolicies()) {
      for (Hold hold : active) {
        if (hold.covers(policy)) {
          cases.computeIfAbsent(policy.name(), n -> new TreeSet<>()).add(hold.caseReference());
        }
      }
    }
    return cases;
  }
}
