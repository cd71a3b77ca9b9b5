package dev.lethe.store.logs;

import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.store.HeldBack;
import dev.lethe.store.PlanCounts;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.RetentionTarget;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.StoreException;
import dev.lethe.store.WindowOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One policy stage's work on a directory of log files: each file is a window, its name the position
 * a restart goes on after. The file still being written is left out unless the policy says {@code
 * rewrite-active: true}. Every window counts what it held back as it goes.
 */
final class LogTarget implements RetentionTarget {

  private static final Logger LOG = LoggerFactory.getLogger(LogTarget.class);

  private final LogStore store;
  private final PolicyStep step;
  private final RetentionScope scope;
  private final FilePass.Rules rules;
  private final List<Path> files;
  private final PassState state;

  LogTarget(LogStore store, PolicyStep step, RetentionScope scope) {
    this.store = store;
    this.step = step;
    this.scope = scope;
    this.rules = rules(store, step, scope);
    this.files = files();
    this.state = new PassState(store.directory());
  }

  /** What one stage does to the lines: its cutoff, as of the run's now, and its transforms. */
  private static FilePass.Rules rules(LogStore store, PolicyStep step, RetentionScope scope) {
    var cutoff = step.stage().after().cutoff(scope.now()).toInstant();
    boolean deletes = step.action() == Policy.Action.DELETE;
    return new FilePass.Rules(
        store.format(),
        step.policy().subject(),
        deletes ? Optional.of(cutoff) : Optional.empty(),
        deletes ? Optional.empty() : Optional.of(cutoff),
        LogStore.transforms(step.stage().transforms()),
        step.policy().logs().removeUnparsable());
  }

  private List<Path> files() {
    try {
      var all = new ArrayList<>(store.files().list());
      var active = store.files().active();
      if (active.isPresent() && !step.policy().logs().rewriteActive()) {
        all.remove(active.get());
      }
      return all;
    } catch (IOException e) {
      throw new StoreException(
          "store '" + store.name() + "': cannot list " + store.directory() + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public long totalRows() {
    long lines = 0;
    for (var file : files) {
      lines += read(file).size();
    }
    return lines;
  }

  @Override
  public Survey survey(SparedSubjects spared) {
    return new Survey(
        files.isEmpty()
            ? Optional.empty()
            : Optional.of(List.of(files.get(files.size() - 1).getFileName().toString())),
        HeldBack.NONE);
  }

  @Override
  public WindowOutcome purgeNextWindow(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      SparedSubjects spared,
      WindowCheck beforeCommit) {
    int index = after.map(a -> indexOf(a.get(0)) + 1).orElse(0);
    if (index >= files.size()) {
      return new WindowOutcome(List.of(), true, 0, 0, 0, 0, 0, 0, java.util.Map.of());
    }
    var file = files.get(index);
    var name = List.of(file.getFileName().toString());
    boolean isLast = index == files.size() - 1;
    if (!Files.exists(file)) {
      // removed whole by a run that stopped before it could say so
      return new WindowOutcome(name, isLast, 0, 0, 0, 0, 0, 0, java.util.Map.of());
    }
    try {
      var lines = LogFiles.read(file);
      var before =
          once() ? state.of(step.policy().name(), lines) : Optional.<PassState.Entry>empty();
      var pass = FilePass.compute(file, lines, rules, spared, scope.tokens(), before);
      var outcome =
          new WindowOutcome(
              name,
              isLast,
              pass.due(),
              pass.deleted() + pass.pseudonymised(),
              pass.heldByHolds(),
              pass.heldByRequests(),
              pass.heldByRestrictions(),
              0,
              pass.changedBySubject(),
              pass.unparsable().stream().map(n -> name.get(0) + ":" + n).toList());
      beforeCommit.check(outcome);
      if (once() && pass.changes()) {
        var keep = new HashSet<>(pass.sparedDue());
        state.record(
            step.policy().name(),
            pass.kept(),
            new PassState.Entry(
                rules.pseudonymiseBefore().orElseThrow(), pass.kept().size(), keep));
      }
      FilePass.apply(pass, SafeRewrite.Crash.NEVER);
      if (!pass.unparsable().isEmpty()) {
        LOG.warn(
            "store {}, policy {}: {} line(s) of {} do not parse ({}): lines {}",
            store.name(),
            step.policy().name(),
            pass.unparsable().size(),
            name.get(0),
            step.policy().logs().removeUnparsable() ? "removed" : "kept",
            pass.unparsable().size() > 20
                ? pass.unparsable().subList(0, 20) + " and more"
                : pass.unparsable());
      }
      return outcome;
    } catch (IOException e) {
      throw new StoreException(
          step.action().yamlName() + " of " + file + " failed: " + e.getMessage(), e);
    }
  }

  /** Whether a pass must know what an earlier one transformed (a token of a token breaks joins). */
  private boolean once() {
    return once(step, rules);
  }

  private int indexOf(String fileName) {
    for (int i = 0; i < files.size(); i++) {
      if (files.get(i).getFileName().toString().equals(fileName)) {
        return i;
      }
    }
    // the file is gone (rotated away since): go on from the first one not yet done by name
    return -1;
  }

  /**
   * What the run would do: each file's pass worked out and not applied, after the passes of the
   * job's earlier steps on this store (the delete stage before the pseudonymise stage), so that the
   * figures are what the run then does.
   */
  @Override
  public PlanCounts plan(Function<String, SparedSubjects> sparedFor) {
    var spared = sparedFor.apply(step.policy().name());
    var earlier =
        scope.earlierInJob().stream().filter(e -> e.policy().store().equals(store.name())).toList();
    long total = 0, due = 0, change = 0, holds = 0, requests = 0, restrictions = 0;
    for (var file : files) {
      var lines = read(file);
      try {
        for (var e : earlier) {
          var before =
              once(e, rules(store, e, scope))
                  ? state.of(e.policy().name(), lines)
                  : Optional.<PassState.Entry>empty();
          lines =
              FilePass.compute(
                      file,
                      lines,
                      rules(store, e, scope),
                      sparedFor.apply(e.policy().name()),
                      scope.tokens(),
                      before)
                  .kept();
        }
        var before =
            once() ? state.of(step.policy().name(), lines) : Optional.<PassState.Entry>empty();
        var pass = FilePass.compute(file, lines, rules, spared, scope.tokens(), before);
        total += pass.lines();
        due += pass.due();
        change += pass.deleted() + pass.pseudonymised();
        holds += pass.heldByHolds();
        requests += pass.heldByRequests();
        restrictions += pass.heldByRestrictions();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new PlanCounts(total, due, change, holds, requests, restrictions, 0);
  }

  private static boolean once(PolicyStep step, FilePass.Rules rules) {
    return step.action() == Policy.Action.PSEUDONYMISE && !rules.transforms().repeatable();
  }

  private List<String> read(Path file) {
    try {
      return LogFiles.read(file);
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean countsAsItGoes() {
    return true;
  }

  @Override
  public HeldBack heldBack(SparedSubjects sparedDuringRun) {
    return HeldBack.NONE;
  }
}
