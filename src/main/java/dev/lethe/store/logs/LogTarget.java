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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One policy stage's work on a directory of log files: each file is a window. The files are listed
 * when the step starts, as the steps before it left them, and again at every window (logrotate may
 * run meanwhile); the position a restart goes on after is the set of file names done. The file
 * still being written is left out unless the policy says {@code rewrite-active: true}, and a file
 * another process holds open for writing is never rewritten: it is left, named, and the step fails
 * after the other files, so that its due lines are not kept in silence. Every window counts what it
 * held back as it goes.
 */
final class LogTarget implements RetentionTarget {

  private static final Logger LOG = LoggerFactory.getLogger(LogTarget.class);

  private final LogStore store;
  private final PolicyStep step;
  private final RetentionScope scope;
  private final FilePass.Rules rules;
  private final PassState state;

  /** Files left this run, with why. */
  private final LeftFiles left = new LeftFiles();

  /** How often each file changed under a rewrite this run. */
  private final java.util.Map<String, Integer> changedMeanwhile = new java.util.HashMap<>();

  LogTarget(LogStore store, PolicyStep step, RetentionScope scope) {
    this.store = store;
    this.step = step;
    this.scope = scope;
    this.rules = rules(store, step, scope);
    this.state = new PassState(store.directory());
  }

  /** What one stage does to the lines: its cutoff, as of the run's now, and its transforms. */
  private static FilePass.Rules rules(LogStore store, PolicyStep step, RetentionScope scope) {
    var cutoff = step.stage().after().cutoff(scope.now()).toInstant();
    boolean deletes = step.action() == Policy.Action.DELETE;
    // every policy on the store covers every line: keeping wins, so a line goes only once the
    // longest retention of them all has passed, as on a table (a policy of 60 days took lines one
    // of 90 still kept: found by an outside attack)
    for (var other : scope.allPolicies()) {
      if (other.store().equals(store.name()) && deletes && other.deleteStage().isPresent()) {
        var theirs = other.deleteStage().get().after().cutoff(scope.now()).toInstant();
        if (theirs.isBefore(cutoff)) {
          cutoff = theirs;
        }
      }
    }
    return new FilePass.Rules(
        store.format(),
        step.policy().subject(),
        store.subjectFields(step.policy(), scope.allPolicies()),
        deletes ? Optional.of(cutoff) : Optional.empty(),
        deletes ? Optional.empty() : Optional.of(cutoff),
        LogStore.transforms(step.stage().transforms(), step.policy().subject()),
        step.policy().logs().removeUnparsable());
  }

  /** The files this step works on, as they are now. */
  private List<Path> files() {
    try {
      var all = new ArrayList<Path>();
      for (var file : store.files().list()) {
        if (!store.files().isActive(file) || step.policy().logs().rewriteActive()) {
          all.add(file);
        }
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
    for (var file : files()) {
      try {
        lines += readOrGone(file).map(c -> c.lines().size()).orElse(0);
      } catch (IOException damaged) {
        // its lines count nowhere: the guards' share is of what can be read (the stricter way);
        // the window that comes to it names it
      }
    }
    return lines;
  }

  @Override
  public Survey survey(SparedSubjects spared) {
    var files = files();
    return new Survey(
        files.isEmpty()
            ? Optional.empty()
            : Optional.of(List.of(files.get(files.size() - 1).getFileName().toString())),
        HeldBack.NONE);
  }

  /**
   * The next file not done yet (by name, whatever order the files are in now), or the step's end:
   * it fails there, after every other file, if a file had to be left to its writer.
   */
  @Override
  public WindowOutcome purgeNextWindow(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      SparedSubjects spared,
      WindowCheck beforeCommit) {
    var done = new java.util.TreeSet<String>(after.orElse(List.of()));
    var file =
        files().stream()
            .filter(f -> !done.contains(f.getFileName().toString()))
            .filter(f -> !left.contains(f.getFileName().toString()))
            .findFirst();
    if (file.isEmpty()) {
      linksWithDueLines(spared).forEach(left::link);
      var failure =
          left.failure(store.name(), step.name(), n -> store.files().isActive(Path.of(n)));
      if (failure.isPresent()) {
        throw failure.get();
      }
      return new WindowOutcome(List.copyOf(done), true, 0, 0, 0, 0, 0, 0, java.util.Map.of());
    }
    var name = file.get().getFileName().toString();
    done.add(name);
    var position = List.copyOf(done);
    Optional<LogContent> content;
    try {
      content = readOrGone(file.get());
    } catch (IOException damaged) {
      // a damaged file (a truncated gzip rotation) blocks only itself: the others are done, and
      // the step fails at its end naming it
      left.unreadable(name, damaged);
      LOG.warn("store {}: {} cannot be read; the other files go on", store.name(), file.get());
      return new WindowOutcome(position, false, 0, 0, 0, 0, 0, 0, java.util.Map.of());
    }
    if (content.isEmpty()) {
      // removed since it was listed (a run that stopped before it could say so, or logrotate)
      return new WindowOutcome(position, false, 0, 0, 0, 0, 0, 0, java.util.Map.of());
    }
    try {
      var lines = content.get().lines();
      var before = once() ? recorded(lines) : Optional.<PassState.Entry>empty();
      var pass = FilePass.compute(file.get(), lines, rules, spared, scope.tokens(), before);
      if (pass.changes() || (pass.kept().isEmpty() && pass.lines() > 0)) {
        var writer = OpenWriters.of(file.get());
        if (writer.isPresent() && (writer.get().known() || store.files().isActive(file.get()))) {
          left.toItsWriter(
              name,
              writer.get().known()
                  ? "held open for writing by " + writer.get().who()
                  : "Lethe cannot tell whether " + writer.get().who() + " write to it");
          done.remove(name);
          return new WindowOutcome(List.copyOf(done), false, 0, 0, 0, 0, 0, 0, java.util.Map.of());
        }
        var others = LogFiles.otherNames(file.get());
        if (others > 0) {
          left.otherNames(name, others);
          done.remove(name);
          return new WindowOutcome(List.copyOf(done), false, 0, 0, 0, 0, 0, 0, java.util.Map.of());
        }
      }
      var outcome =
          new WindowOutcome(
              position,
              false,
              pass.due(),
              pass.deleted() + pass.pseudonymised(),
              pass.heldByHolds(),
              pass.heldByRequests(),
              pass.heldByRestrictions(),
              0,
              pass.changedBySubject(),
              pass.unparsable().stream().map(n -> name + ":" + n).toList());
      // the window's audit record, beside the logs, before the change it records
      var entry = beforeCommit.check(outcome);
      // before anything is written: the rewrite that follows is local and quick
      beforeCommit.lastLook();
      // the file's commit, one at a time in the folder (FolderLock): no other process's
      // recovery looks at the outbox, and no other rewrite renames, between its record and its
      // rename
      try (var folder = FolderLock.of(store.directory())) {
        return commit(file.get(), name, content.get(), lines, pass, outcome, entry, done);
      }
    } catch (IOException e) {
      throw new StoreException(
          step.action().yamlName()
              + " of "
              + file.get()
              + " failed: "
              + SafeRewrite.describe(file.get(), e),
          e);
    }
  }

  /**
   * The links to files outside the store whose lines this step would change, with why each is left.
   * Lethe never rewrites through a link or over it (a rewrite would replace the link with a copy
   * and leave its target as it was), so the step leaves them and fails naming them, as for a
   * damaged file: a purge that passed over them kept their due lines in silence (found by an
   * outside attack).
   */
  private java.util.Map<String, String> linksWithDueLines(SparedSubjects spared) {
    var found = new java.util.TreeMap<String, String>();
    try {
      for (var link : store.files().linksOutside()) {
        var name = link.getFileName().toString();
        List<String> lines;
        try {
          lines = LogContent.readAsWritten(link).lines();
        } catch (java.nio.file.NoSuchFileException gone) {
          continue;
        } catch (IOException e) {
          found.put(name, "a link to a file that cannot be read (" + e.getMessage() + ")");
          continue;
        }
        var before = once() ? recorded(lines) : Optional.<PassState.Entry>empty();
        var pass = FilePass.compute(link, lines, rules, spared, scope.tokens(), before);
        long change = pass.deleted() + pass.pseudonymised();
        if (change > 0) {
          found.put(
              name,
              "a link to "
                  + link.toRealPath()
                  + ", which Lethe never rewrites through or over: "
                  + change
                  + " line(s) there "
                  + (step.action() == Policy.Action.DELETE ? "past their time" : "to pseudonymise")
                  + " are left");
        }
      }
    } catch (IOException e) {
      throw new StoreException(
          "store '" + store.name() + "': cannot list " + store.directory() + ": " + e.getMessage(),
          e);
    }
    return found;
  }

  /**
   * A file's commit, in the folder's lock: its reserved new contents and its record, then the state
   * file and the rename.
   */
  private WindowOutcome commit(
      Path file,
      String name,
      LogContent content,
      List<String> lines,
      FilePass.Pass pass,
      WindowOutcome outcome,
      dev.lethe.store.Outbox.Entry entry,
      java.util.TreeSet<String> done)
      throws IOException {
    if (entry != null) {
      SafeRewrite.reserve(file, entry.id());
      store.outbox().write(entry, lines);
    }
    if (pass.changes()) {
      // what every policy knows of the old contents follows the lines to the new ones
      var entries = new java.util.HashMap<>(state.carriedOver(lines, pass.origins()));
      if (once()) {
        entries.put(
            stateKey(step),
            new PassState.Entry(
                rules.pseudonymiseBefore().orElseThrow(),
                pass.kept().size(),
                new HashSet<>(pass.sparedDue())));
      }
      state.record(entries, pass.kept());
    }
    try {
      FilePass.apply(pass, content, SafeRewrite.Crash.NEVER, entry == null ? null : entry.id());
    } catch (SafeRewrite.ChangedMeanwhile e) {
      // nothing changed: the file is taken again from its start at the next window, and left
      // to its writer after a few tries
      if (entry != null) {
        store.outbox().dropped(entry.id());
      }
      LOG.warn("store {}, policy {}: {}", store.name(), step.policy().name(), e.getMessage());
      if (changedMeanwhile.merge(name, 1, Integer::sum) >= 3) {
        left.toItsWriter(name, "it kept changing while Lethe rewrote it");
      }
      done.remove(name);
      return new WindowOutcome(List.copyOf(done), false, 0, 0, 0, 0, 0, 0, java.util.Map.of());
    }
    if (!pass.unparsable().isEmpty()) {
      LOG.warn(
          "store {}, policy {}: {} line(s) of {} do not parse ({}): lines {}",
          store.name(),
          step.policy().name(),
          pass.unparsable().size(),
          name,
          // lines naming a spared subject stay where the others go
          step.policy().logs().removeUnparsable()
              ? "removed, but those a hold, request or restriction keeps"
              : "kept",
          pass.unparsable().size() > 20
              ? pass.unparsable().subList(0, 20) + " and more"
              : pass.unparsable());
    }
    return entry == null ? outcome : outcome.withRecord(entry.id());
  }

  /** Whether a pass must know what an earlier one transformed (a token of a token breaks joins). */
  private boolean once() {
    return once(step, rules);
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
    var unreadable = new ArrayList<String>();
    for (var file : files()) {
      Optional<LogContent> content;
      try {
        content = readOrGone(file);
      } catch (IOException damaged) {
        // as the run does: the others are counted, this one is named
        unreadable.add(
            file.getFileName()
                + " ("
                + damaged.getClass().getSimpleName()
                + (damaged.getMessage() == null ? "" : ": " + damaged.getMessage())
                + ")");
        continue;
      }
      if (content.isEmpty()) {
        continue;
      }
      var lines = content.get().lines();
      try {
        // what is recorded of the contents follows them through the earlier steps' passes, as
        // the run records it
        var known = state.entriesOf(lines);
        for (var e : earlier) {
          var earlierRules = rules(store, e, scope);
          var before =
              once(e, earlierRules)
                  ? Optional.ofNullable(known.get(stateKey(e)))
                  : Optional.<PassState.Entry>empty();
          var pass =
              FilePass.compute(
                  file,
                  lines,
                  earlierRules,
                  sparedFor.apply(e.policy().name()),
                  scope.tokens(),
                  before);
          if (pass.changes()) {
            known = new java.util.HashMap<>(PassState.carriedOver(known, pass.origins()));
            if (once(e, earlierRules)) {
              known.put(
                  stateKey(e),
                  new PassState.Entry(
                      earlierRules.pseudonymiseBefore().orElseThrow(),
                      pass.kept().size(),
                      new HashSet<>(pass.sparedDue())));
            }
          }
          lines = pass.kept();
        }
        var before =
            once()
                ? Optional.ofNullable(known.get(stateKey(step)))
                : Optional.<PassState.Entry>empty();
        var pass = FilePass.compute(file, lines, rules, spared, scope.tokens(), before);
        var others = LogFiles.otherNames(file);
        if ((pass.changes() || (pass.kept().isEmpty() && pass.lines() > 0)) && others > 0) {
          // as the run does: left and named, its lines counted nowhere
          unreadable.add(
              file.getFileName()
                  + " ("
                  + LeftFiles.otherNamesReason(others, "its due lines")
                  + ")");
          continue;
        }
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
    // as the run does at the step's end: links to files of the store's own are done as those
    linksWithDueLines(spared).forEach((name, why) -> unreadable.add(name + " (" + why + ")"));
    return new PlanCounts(
        total, due, change, holds, requests, restrictions, 0, List.copyOf(unreadable));
  }

  /**
   * What the state records a stage's tokens under: the fields it makes tokens of, not the policy's
   * name, so that renaming the policy does not make tokens of tokens (validate lets only one policy
   * make tokens of a field).
   */
  /**
   * What the state says this stage's tokens did to these contents: under its fields, or, as written
   * before the state was kept by field, under the policy's name.
   */
  private Optional<PassState.Entry> recorded(List<String> lines) throws IOException {
    var entry = state.of(stateKey(step), lines);
    return entry.isPresent() ? entry : state.of(step.policy().name(), lines);
  }

  static String stateKey(PolicyStep step) {
    var fields = new java.util.TreeSet<String>();
    step.stage()
        .transforms()
        .forEach(
            (field, transform) -> {
              if (transform instanceof dev.lethe.transform.Transform.Hmac) {
                fields.add(field);
              }
            });
    return "hmac:" + String.join(",", fields);
  }

  private static boolean once(PolicyStep step, FilePass.Rules rules) {
    return step.action() == Policy.Action.PSEUDONYMISE && !rules.transforms().repeatable();
  }

  /** The file's contents; empty where it is gone; what else fails reading it, thrown. */
  private static Optional<LogContent> readOrGone(Path file) throws IOException {
    try {
      return Optional.of(LogFiles.read(file));
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
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
