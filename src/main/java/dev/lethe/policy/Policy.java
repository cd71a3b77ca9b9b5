package dev.lethe.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One data category in one table: from which moment its rows age, under which legal basis, and what
 * happens to them as they do, in stages (pseudonymised after 30 days, deleted after 7 years).
 * Parsed from one file in {@code retention-policies/}; {@code lines} keeps the line of each field
 * for errors found later against the store's catalog.
 *
 * @param marker the column a pseudonymise stage sets on the rows it transformed (null: the policy
 *     only deletes)
 * @param onErasure what an erasure request does to the subject's rows
 * @param contact the column holding the address a consent withdrawal suppresses (null: none)
 * @param auditsSubjects whether the audit trail records, per window, the subjects whose rows
 *     changed (the default), or only how many rows ({@code audit: counts})
 * @param logs what a policy on a directory of log files says of lines that do not parse and of the
 *     file still being written
 */
public record Policy(
    String name,
    String description,
    String category,
    LegalBasis legalBasis,
    String store,
    String table,
    List<String> key,
    String subject,
    PolicyClock clock,
    List<Stage> stages,
    String marker,
    List<Condition> where,
    boolean allowCascade,
    Erasure onErasure,
    String contact,
    boolean auditsSubjects,
    LogOptions logs,
    Path file,
    Map<String, Integer> lines) {

  /**
   * For a store of log files: whether a line that does not parse is removed ({@code unparsable:
   * remove}) or kept (the default), and whether the file still being written may be rewritten
   * ({@code rewrite-active: true}; by default it is left to its writer).
   */
  public record LogOptions(boolean removeUnparsable, boolean rewriteActive) {

    public static final LogOptions DEFAULT = new LogOptions(false, false);
  }

  /** What happens to a row whose stage has come. */
  public enum Action {
    DELETE,
    PSEUDONYMISE;

    public String yamlName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public int lineOf(String field) {
    return lines.getOrDefault(field, 1);
  }

  public Optional<Stage> deleteStage() {
    return stages.stream().filter(s -> s.action() == Action.DELETE).findFirst();
  }

  public Optional<Stage> pseudonymiseStage() {
    return stages.stream().filter(s -> s.action() == Action.PSEUDONYMISE).findFirst();
  }

  /**
   * The steps of a run, in the order they run: the delete stage first, so that no row is
   * transformed just before it goes; then the pseudonymise stage, which takes the rows whose
   * pseudonymise time has come and that were kept (by a hold, a reference, or because their delete
   * time has not come).
   */
  public List<PolicyStep> steps() {
    var steps = new ArrayList<PolicyStep>();
    deleteStage().ifPresent(s -> steps.add(new PolicyStep(this, s)));
    pseudonymiseStage().ifPresent(s -> steps.add(new PolicyStep(this, s)));
    return List.copyOf(steps);
  }

  /**
   * Every stage that transforms columns: the pseudonymise stage, and what an erasure does to rows
   * it keeps. Their transforms are checked alike.
   */
  public List<Stage> transformingStages() {
    var all = new ArrayList<Stage>();
    pseudonymiseStage().ifPresent(all::add);
    onErasure.transform().ifPresent(all::add);
    return List.copyOf(all);
  }

  /** Whether a stage turns {@code column} into tokens. */
  public boolean tokenises(String column) {
    return pseudonymiseStage()
        .map(s -> s.transforms().get(column) instanceof dev.lethe.transform.Transform.Hmac)
        .orElse(false);
  }
}
