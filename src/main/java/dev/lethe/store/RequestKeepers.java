package dev.lethe.store;

import dev.lethe.policy.LegalBasis;
import dev.lethe.policy.Policy;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which policies keep a subject's rows against one request, and how far, decided before any row is
 * touched (docs/decisions/0014).
 *
 * <ul>
 *   <li>A <b>withdrawal of consent</b> ends one purpose: the consent policies of that category.
 *       Every other policy keeps what it keeps in a purge: the rows it covers whose delete stage
 *       has not come (a policy that never deletes keeps nothing, as in a purge).
 *   <li>An <b>erasure</b> yields only to the law: a policy whose legal basis is a legal obligation,
 *       or that says {@code on-erasure: pseudonymise}, keeps every row of the subject on its table
 *       that it has not let go itself (covered and past its delete stage). Its {@code where} cannot
 *       tell which of the person's rows the law still needs, so the request keeps on the safe side
 *       and says what it kept.
 * </ul>
 *
 * @param basis the keeping policies by name, with the legal basis a reader is told
 * @param unlessReleased whether a keeper keeps all but what it let go (erasure), or only what it
 *     covers and still retains (withdrawal)
 */
public record RequestKeepers(Map<String, LegalBasis> basis, boolean unlessReleased) {

  public static RequestKeepers forErasure(Collection<Policy> policies) {
    var keepers = new TreeMap<String, LegalBasis>();
    for (var p : policies) {
      if (p.legalBasis() == LegalBasis.LEGAL_OBLIGATION || p.onErasure().keepsRows()) {
        keepers.put(p.name(), p.legalBasis());
      }
    }
    return new RequestKeepers(Map.copyOf(keepers), true);
  }

  /** The policies a withdrawal for {@code purpose} ends: consent-based, of that category. */
  public static boolean ends(Policy policy, String purpose) {
    return policy.legalBasis() == LegalBasis.CONSENT && policy.category().equals(purpose);
  }

  public static RequestKeepers forWithdrawal(Collection<Policy> policies, String purpose) {
    var keepers = new TreeMap<String, LegalBasis>();
    for (var p : policies) {
      if (!ends(p, purpose)) {
        keepers.put(p.name(), p.legalBasis());
      }
    }
    return new RequestKeepers(Map.copyOf(keepers), false);
  }

  /**
   * Whether the request reaches every row of the subject on a table with these policies, or only
   * the rows the policies it ends cover: an erasure reaches all the person's rows; a withdrawal of
   * consent reaches the rows of its purpose, that is all rows where every policy on the table is of
   * that purpose, and otherwise the rows its policies' {@code where} covers (a row of another
   * purpose, or of none, is not the withdrawal's).
   */
  public boolean reachesAll(java.util.List<Policy> onTable) {
    return unlessReleased || onTable.stream().noneMatch(this::keeps);
  }

  public boolean keeps(Policy policy) {
    return basis.containsKey(policy.name());
  }

  /** How a reader is told why a policy kept rows: {@code invoices (legal-obligation)}. */
  public String describe(String policy) {
    var b = basis.get(policy);
    return b == null ? policy : policy + " (" + b.yamlName() + ")";
  }
}
