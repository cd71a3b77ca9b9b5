package dev.lethe.subject;

import dev.lethe.policy.Policy;
import dev.lethe.store.SubjectData;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An erasure's outcome under one policy in the words a data-protection officer quotes: deleted,
 * pseudonymised, kept and by whom, held under which case, still referenced, left and why; never
 * less than the table still holds of the subject.
 */
final class OutcomeWords {

  private OutcomeWords() {}

  static SubjectRequest.Outcome of(
      Policy policy,
      SubjectData.ErasureOutcome outcome,
      Map<String, Set<String>> casesByPolicy,
      Long runId) {
    if (outcome.heldBy() != null) {
      var cases = new TreeSet<String>();
      for (var held : outcome.heldBy().split(", ")) {
        cases.addAll(casesByPolicy.getOrDefault(held, Set.of()));
      }
      var refs = String.join(", ", cases);
      return new SubjectRequest.Outcome(
          policy.name(),
          policy.store(),
          false,
          (outcome.deleted() > 0 ? "deleted " + outcome.deleted() + ", then " : "")
              + "held: "
              + refs,
          outcome.deleted(),
          0,
          0,
          0,
          0,
          refs,
          runId);
    }
    String text;
    // "no data held" only where nothing was left either (lines left in a file being written, or
    // under another subject's hold, were said to be no data)
    if (outcome.deleted()
            + outcome.pseudonymised()
            + outcome.referenced()
            + outcome.kept()
            + outcome.left()
        == 0) {
      text = "no data held";
    } else {
      var parts = new ArrayList<String>();
      if (outcome.deleted() > 0) {
        parts.add("deleted " + outcome.deleted());
      }
      if (outcome.pseudonymised() > 0) {
        parts.add("pseudonymised " + outcome.pseudonymised());
      }
      if (outcome.referenced() > 0) {
        parts.add(
            outcome.referenced()
                + " still referenced by rows kept elsewhere (give the policy"
                + " on-erasure.if-referenced)");
      }
      if (outcome.left() > 0) {
        parts.add(
            outcome.left() + " left " + outcome.leftBecause() + "; tried again at the next run");
      }
      if (outcome.kept() > 0) {
        parts.add("kept " + outcome.kept() + ", still kept under " + outcome.keptBy());
      }
      text = String.join(", ", parts);
    }
    // what the words above do not account for of the rows still there: never less than there is
    long told =
        Math.max(outcome.kept(), outcome.pseudonymised()) + outcome.referenced() + outcome.left();
    if (outcome.remaining() > told) {
      var more =
          (outcome.remaining() - told)
              + " more of the subject's rows remain in the table, outside what this request"
              + " removes (pseudonymised earlier by a stage, or kept for another purpose)";
      text = text.equals("no data held") ? more : text + ", " + more;
    }
    return new SubjectRequest.Outcome(
        policy.name(),
        policy.store(),
        outcome.complete(),
        text,
        outcome.deleted(),
        outcome.pseudonymised(),
        0,
        outcome.referenced(),
        outcome.kept(),
        null,
        runId);
  }
}
