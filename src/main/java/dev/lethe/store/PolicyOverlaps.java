package dev.lethe.store;

import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import java.util.List;
import java.util.function.Function;

/**
 * Where two policies with a delete stage cover one table, keeping wins: a row goes only when every
 * policy covering it lets it go. That is what most people mean, but not always, so validate says
 * so; and for every pair of policies on one table, what a withdrawal of consent and an erasure will
 * and will not remove there.
 */
public final class PolicyOverlaps {

  private PolicyOverlaps() {}

  /**
   * Warns of each pair of delete policies on one table.
   *
   * @param table the table of a policy: an identity that two names of one table share, and the name
   *     a reader knows it by
   */
  public static void report(
      List<Policy> policies, Function<Policy, Table> table, Problems problems) {
    for (int i = 0; i < policies.size(); i++) {
      for (int j = i + 1; j < policies.size(); j++) {
        var a = policies.get(i);
        var b = policies.get(j);
        var ta = table.apply(a);
        var tb = table.apply(b);
        if (!ta.sharesRowsWith(tb)) {
          continue;
        }
        // a policy on a partition and one on its table (found by an outside attack) cover the
        // partition's rows both: said as such
        var shared =
            ta.identity().equals(tb.identity())
                ? tb.displayName()
                : ta.displayName()
                    + " and "
                    + tb.displayName()
                    + " (the one holds rows of the other)";
        problems.warn(
            b.file(),
            b.lineOf("table"),
            "table",
            "policies '"
                + a.name()
                + "' and '"
                + b.name()
                + "' share "
                + shared
                + ". "
                + requests(a, b),
            null);
        if (!a.subject().equalsIgnoreCase(b.subject())) {
          // holds, restrictions and requests are matched in each policy's own subject column: a
          // hold on a subject under one would not keep the rows from the other (a hold on a user
          // did not spare the user's log lines from a policy by client address: an outside
          // attack; on a table the same, with a sender's and a recipient's column)
          problems.error(
              b.file(),
              b.lineOf("subject"),
              "subject",
              "policies '"
                  + a.name()
                  + "' and '"
                  + b.name()
                  + "' share "
                  + shared
                  + " with different subject columns ('"
                  + a.subject()
                  + "', '"
                  + b.subject()
                  + "'): a hold, restriction or request on a subject under one would not keep the"
                  + " rows from the other, which looks for the subject in its own column",
              "give both policies the same subject column (the person whose data the rows are)");
        }
        // one marker shared: a row one made a token is marked for both (the worked example's
        // invoices and invoice-names); two markers would let each make its own token
        boolean oneMarker = a.marker() != null && a.marker().equals(b.marker());
        for (var column : oneMarker ? java.util.Set.<String>of() : tokenised(a)) {
          if (tokenised(b).contains(column)) {
            problems.error(
                b.file(),
                b.lineOf("transform"),
                "transform",
                "policies '"
                    + a.name()
                    + "' and '"
                    + b.name()
                    + "' both make tokens (hmac) of "
                    + tb.displayName()
                    + "."
                    + column
                    + ": a row the one made a token would get a token of that token from the"
                    + " other, which joins nothing",
                "let one policy make the token, or let both share one marker column");
          }
        }
        if (a.deleteStage().isPresent() && b.deleteStage().isPresent()) {
          problems.warn(
              b.file(),
              b.lineOf("table"),
              "table",
              "policies '"
                  + a.name()
                  + "' ("
                  + a.file().getFileName()
                  + ") and '"
                  + b.name()
                  + "' both cover "
                  + shared
                  + "; where both apply, keeping wins:"
                  + " a row goes only when every policy covering it lets it go",
              "narrow one with 'where' if they are meant for different rows");
        }
      }
    }
  }

  /**
   * What a withdrawal of consent and an erasure will and will not remove where two policies share a
   * table (decided by {@link RequestKeepers}).
   */
  static String requests(Policy a, Policy b) {
    var text = new StringBuilder();
    for (var pair : List.of(List.of(a, b), List.of(b, a))) {
      var ended = pair.get(0);
      var other = pair.get(1);
      if (ended.legalBasis() != dev.lethe.policy.LegalBasis.CONSENT) {
        continue;
      }
      if (RequestKeepers.ends(other, ended.category())) {
        if (pair.get(0) == a) {
          // both end with the same consent: one sentence says it for the pair
          text.append("A withdrawal of consent for '")
              .append(ended.category())
              .append("' removes a subject's rows under both. ");
        }
        continue;
      }
      text.append("A withdrawal of consent for '").append(ended.category()).append("' ");
      if (other.deleteStage().isEmpty()) {
        text.append("removes a subject's rows under '")
            .append(ended.name())
            .append("': '")
            .append(other.name())
            .append("' never deletes, so it keeps none of them. ");
      } else {
        text.append("removes a subject's rows under '")
            .append(ended.name())
            .append("' but not those '")
            .append(other.name())
            .append("' (")
            .append(other.legalBasis().yamlName())
            .append(") still keeps: the rows it covers whose ")
            .append(retention(other))
            .append(" has not run; they stay as they are. ");
      }
    }
    var keepers = RequestKeepers.forErasure(List.of(a, b));
    if (keepers.basis().isEmpty()) {
      text.append("An erasure removes a subject's rows under both.");
    } else {
      text.append("An erasure removes a subject's rows except those that");
      var first = true;
      for (var keeper : List.of(a, b)) {
        if (!keepers.keeps(keeper)) {
          continue;
        }
        text.append(first ? " " : ", or that ")
            .append("'")
            .append(keeper.name())
            .append("' (")
            .append(keeper.legalBasis().yamlName())
            .append(") has not let go")
            .append(
                keeper.deleteStage().isPresent()
                    ? " (before its " + retention(keeper) + " has run)"
                    : " (it never deletes)")
            .append(
                keeper.onErasure().keepsRows()
                    ? ", which stay pseudonymised as its on-erasure says"
                    : ", which stay as they are");
        first = false;
      }
      text.append(".");
    }
    return text.toString();
  }

  /** The columns a policy's pseudonymise stage or erasure makes tokens of. */
  public static java.util.Set<String> tokenised(Policy policy) {
    var columns = new java.util.TreeSet<String>();
    for (var stage : policy.transformingStages()) {
      stage
          .transforms()
          .forEach(
              (column, transform) -> {
                if (transform instanceof dev.lethe.transform.Transform.Hmac) {
                  columns.add(column);
                }
              });
    }
    return columns;
  }

  private static String retention(Policy policy) {
    return policy.deleteStage().orElseThrow().after().text() + " from " + policy.clock().describe();
  }

  /**
   * A policy's table: what makes two names one table, how a reader knows it, and the tables that
   * hold rows of it or whose rows it holds (partitions and their partitioned tables, inheritance).
   */
  public record Table(String identity, String displayName, java.util.Set<String> lineage) {

    public Table(String identity, String displayName) {
      this(identity, displayName, java.util.Set.of());
    }

    /** Whether a row can be one of both tables'. */
    boolean sharesRowsWith(Table other) {
      return identity.equals(other.identity) || lineage.contains(other.identity);
    }
  }
}
