package dev.lethe.store;

import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import java.util.List;
import java.util.function.Function;

/**
 * Where two policies with a delete stage cover one table, keeping wins: a row goes only when every
 * policy covering it lets it go. That is what most people mean, but not always, so validate says
 * so.
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
        var tb = table.apply(b);
        if (table.apply(a).identity().equals(tb.identity())
            && a.deleteStage().isPresent()
            && b.deleteStage().isPresent()) {
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
                  + tb.displayName()
                  + "; where both apply, keeping wins:"
                  + " a row goes only when every policy covering it lets it go",
              "narrow one with 'where' if they are meant for different rows");
        }
      }
    }
  }

  /** A policy's table: what makes two names one table, and how a reader knows it. */
  public record Table(String identity, String displayName) {}
}
