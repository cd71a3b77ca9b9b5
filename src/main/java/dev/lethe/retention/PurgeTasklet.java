package dev.lethe.retention;

import dev.lethe.audit.AuditTrail;
import dev.lethe.hold.SubjectFlags;
import dev.lethe.policy.JobDefinition.Guards;
import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.store.HeldBack;
import dev.lethe.store.Outbox;
import dev.lethe.store.RetentionTarget;
import dev.lethe.store.RetentionTarget.Survey;
import dev.lethe.store.RetentionTarget.WindowCheck;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.WindowOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Purges one policy's expired rows in keyset windows, a few at once where the store can ({@code
 * lethe.parallel-windows}). Each call is one chunk: the store's windows commit, then Spring Batch
 * commits the position reached, the counts and the windows' audit entries in the step's execution
 * context, so a restart continues after the last committed window.
 *
 * <p>Beside the first windows, on a connection of its own, the store surveys the expired rows:
 * where the last one is (the windows need it only to stop early) and how many the spared subjects
 * hold. Those rows are never deleted, so the survey's count is what the windows hold back, unless
 * holds or restrictions change during the run; then the held-back rows are counted again after the
 * last window, with every subject spared at any time since the run began.
 *
 * <p>The two commits are in two databases. Should a crash fall between them, the window is done
 * again on restart: its DELETE finds nothing more to delete, so nothing is deleted twice, but the
 * rows of that one window go uncounted (docs/decisions/0002).
 */
final class PurgeTasklet implements Tasklet, StepExecutionListener {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PurgeTasklet.class);

  static final String LAST = "lethe.last";
  static final String AFTER = "lethe.after";
  static final String TOTAL = "lethe.totalRows";
  static final String NOTHING_EXPIRED = "lethe.nothingExpired";
  static final String SINCE = "lethe.since";
  static final String FLAGS_VERSION = "lethe.flagsVersion";
  static final String FLAGS_CHANGED = "lethe.flagsChanged";
  static final String SURVEYED_HELD = "lethe.surveyedHeld";
  static final String SURVEYED_REQUESTED = "lethe.surveyedRequested";
  static final String SURVEYED_RESTRICTED = "lethe.surveyedRestricted";

  /** Set once the parts of the table that go whole (partitions) are done: windows come next. */
  static final String PARTS_DONE = "lethe.wholePartsDone";

  /**
   * The outbox records whose counts this step has added: a record taken again after a failed chunk
   * (its trail entry rolled back, the step's counts not) is not counted twice.
   */
  static final String RECOVERED = "lethe.recoveredRecords";

  private final PolicyStep step;
  private final Policy policy;
  private final RetentionTarget target;
  private final Guards guards;
  private final SubjectFlags flags;
  private final int windowSize;
  private final int parallelWindows;
  private final ProgressListener progress;
  private final Clock clock;
  private final OutboxRecovery recovery;

  // whole partitions hold the same subjects, one after the other: their prefixes once
  private final WindowRecords windowRecords;

  private final AuditTrail audit;
  private final Outbox outbox;

  /** The other policies on this policy's table: a hold on any of them keeps its rows too. */
  private final List<Policy> sameRows;

  private final WaitedWindows waitedWindows;

  /** The run's policies: a hold naming none of them was placed under a name given since. */
  private final List<Policy> allPolicies;

  private CompletableFuture<Survey> survey;
  private boolean recovered;

  PurgeTasklet(
      PolicyStep step,
      RetentionTarget target,
      Guards guards,
      SubjectFlags flags,
      int windowSize,
      int parallelWindows,
      ProgressListener progress,
      Clock clock,
      AuditTrail audit,
      Outbox outbox,
      List<Policy> sameRows,
      List<Policy> allPolicies) {
    this.sameRows = sameRows;
    this.allPolicies = allPolicies;
    this.audit = audit;
    this.outbox = outbox;
    this.step = step;
    this.policy = step.policy();
    this.windowRecords = new WindowRecords(audit, step);
    this.target = target;
    this.guards = guards;
    this.flags = flags;
    this.windowSize = windowSize;
    this.parallelWindows = parallelWindows;
    this.progress = progress;
    this.clock = clock;
    this.waitedWindows = new WaitedWindows(target, step.name());
    this.recovery =
        new OutboxRecovery(
            outbox, audit, policy.store(), step.name(), policy.name(), step.action().yamlName());
  }

  /**
   * The step's first moments, before its first chunk: Batch stores the step's context once before
   * the first chunk, so the base of the max-share guard is the table as it was before any row went,
   * also where the process dies in the first chunk after a part of the table went. (Batch calls it:
   * a step's tasklet that is a listener is registered as one.)
   */
  @Override
  public void beforeStep(StepExecution stepExecution) {
    var context = stepExecution.getExecutionContext();
    if (!context.containsKey(SINCE)) {
      begin(context);
    }
  }

  @Override
  public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext)
      throws InterruptedException {
    var execution = chunkContext.getStepContext().getStepExecution();
    var context = execution.getExecutionContext();
    // whole parts first: the survey then reads only what they leave, and holds no lock on them
    boolean parts = !context.containsKey(PARTS_DONE);
    if (!parts
        && !context.containsKey(LAST)
        && !context.containsKey(NOTHING_EXPIRED)
        && survey == null) {
      startSurvey(context);
    }
    if (!recovered) {
      recovery.recover(execution, context);
      recovered = true;
    }
    var last = parts ? Optional.<List<String>>empty() : last(context);
    if (!parts && context.containsKey(NOTHING_EXPIRED)) {
      return RepeatStatus.FINISHED;
    }
    // no hold or restriction is placed between this look at them and the windows' commits: one
    // placed while they run waits for them, and the next chunk sees it
    var gate = flags.passWindowsGate();
    var spared = flags.sparedFor(policy, sameRows, allPolicies);
    if (spared.version() != context.getLong(FLAGS_VERSION)) {
      context.put(FLAGS_CHANGED, true);
    }
    var before = Counts.read(context);
    var running = new PolicyProgress[] {before};
    var records = new java.util.concurrent.ConcurrentHashMap<java.util.UUID, WindowRecord>();
    var prepared =
        java.util.Collections.synchronizedMap(
            new java.util.IdentityHashMap<WindowOutcome, WindowRecords.Made>());
    WindowCheck check =
        new WindowCheck() {
          @Override
          public void prepare(WindowOutcome window) {
            prepared.put(window, windowRecords.make(window, execution));
          }

          @Override
          public Outbox.Entry check(WindowOutcome window) {
            if (step.action() == Policy.Action.DELETE) {
              GuardTrippedException.check(
                  guards,
                  step.name(),
                  policy.table(),
                  running[0].changed(),
                  window.changed(),
                  context.containsKey(TOTAL)
                      ? java.util.OptionalLong.of(context.getLong(TOTAL))
                      : java.util.OptionalLong.empty());
            }
            running[0] = Counts.add(running[0], window);
            // the window's record goes into its store, in the window's own transaction
            var made = prepared.remove(window);
            if (made == null) {
              made = windowRecords.make(window, execution);
            }
            if (made.record() == null) {
              return null;
            }
            records.put(made.record().id(), made.record());
            return made.entry();
          }

          @Override
          public void lastLook() {
            // a lost control connection frees the gate: a hold could land before this commits
            gate.confirm();
          }
        };
    List<WindowOutcome> outcomes;
    boolean retrying = context.containsKey(WaitedWindows.RETRYING);
    if (retrying) {
      outcomes = List.of(); // the last window is done: this chunk tries again those that waited
    } else if (parts) {
      outcomes = target.purgeWholePart(spared, check).map(List::of).orElse(List.of());
      if (outcomes.isEmpty()) {
        context.put(PARTS_DONE, true);
        windowRecords.partsDone();
      }
    } else {
      outcomes =
          target.purgeNextWindows(after(context), last, windowSize, parallelWindows, spared, check);
    }
    var now = before;
    WindowOutcome reached = null;
    var taken = new ArrayList<java.util.UUID>();
    for (var outcome : outcomes) {
      now = take(outcome, records, taken, context, now);
      if (outcome.beyondFailure()) {
        continue; // the next call starts at the window that failed, before this one
      }
      if (!outcome.upTo().isEmpty()) {
        context.put(AFTER, new ArrayList<>(outcome.upTo()));
      }
      reached = outcome;
    }
    boolean finished = retrying || (reached != null && reached.last());
    if (finished && !retrying && WaitedWindows.any(context)) {
      // the windows that waited are tried again in a chunk of their own, after this one has
      // committed its windows' counts and entries: a retry that fails (a guard it trips) then
      // leaves the run's report counting every row the windows before it took
      context.put(WaitedWindows.RETRYING, true);
      finished = false;
    } else if (finished) {
      // the windows that met a lock, once more now that the others are done; what still waits
      // is left for the next run, counted
      now =
          waitedWindows.retry(
              context,
              spared,
              check,
              now,
              (outcome, counted) -> take(outcome, records, taken, context, counted));
      now = Counts.add(now, heldBack(context));
    }
    Counts.write(context, now);
    OutboxRecovery.forgetOnCommit(outbox, policy.store(), taken);
    contribution.incrementWriteCount(now.changed() - before.changed());
    contribution.incrementFilterCount(
        now.examined() - before.examined() - (now.changed() - before.changed()));
    progress.windowDone(step.name(), 1, 1, now); // the job factory fills in the place
    return finished ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
  }

  /**
   * A committed or waiting window taken into the chunk: its record appended to the trail (once),
   * its counts added, its lines that do not parse noted, a wait remembered for a retry.
   */
  private PolicyProgress take(
      WindowOutcome outcome,
      Map<java.util.UUID, WindowRecord> records,
      List<java.util.UUID> taken,
      ExecutionContext context,
      PolicyProgress now) {
    if (outcome.record() != null) {
      var record = records.get(outcome.record());
      if (record != null) {
        if (!audit.appendOnce(record.draft(), record.id())) {
          // a run of another job took the record from the outbox first, and appended it as
          // recovered by that run: counted here, so a restart of this step must not count it
          // again when it finds the entry
          countedHere(context, record.id());
        }
        taken.add(record.id());
      }
    }
    if (outcome.waited() != null) {
      WaitedWindows.note(context, outcome.waited());
    }
    if (!outcome.unparsable().isEmpty()) {
      Counts.addUnparsable(context, outcome.unparsable());
    }
    return Counts.add(now, outcome);
  }

  /** Notes in the step's context that {@code id}'s counts are in the step's counts. */
  @SuppressWarnings("unchecked")
  private static void countedHere(ExecutionContext context, java.util.UUID id) {
    var counted =
        new ArrayList<String>(
            context.containsKey(RECOVERED) ? (List<String>) context.get(RECOVERED) : List.of());
    if (!counted.contains(id.toString())) {
      counted.add(id.toString());
      context.put(RECOVERED, counted);
    }
  }

  /**
   * The step's first moments: since when holds count, and the table's size, before any row goes.
   */
  private void begin(ExecutionContext context) {
    // an hour's margin for the clocks of other machines that place or release holds
    context.putString(SINCE, clock.instant().minus(Duration.ofHours(1)).toString());
    context.putLong(FLAGS_VERSION, flags.sparedFor(policy, sameRows, allPolicies).version());
    if (guards.maxShare().isPresent() && !context.containsKey(TOTAL)) {
      context.putLong(TOTAL, target.totalRows());
    }
  }

  /** Starts the survey, once per run (again after a restart that lost it). */
  private void startSurvey(ExecutionContext context) {
    SparedSubjects spared = flags.sparedFor(policy, sameRows, allPolicies);
    context.putLong(FLAGS_VERSION, spared.version());
    survey = CompletableFuture.supplyAsync(() -> target.survey(spared));
  }

  /** The last expired row once the survey found it; empty while it is still looking. */
  private Optional<List<String>> last(ExecutionContext context) throws InterruptedException {
    if (!context.containsKey(LAST) && survey != null && survey.isDone()) {
      var found = surveyed();
      found
          .last()
          .ifPresentOrElse(
              last -> context.put(LAST, new ArrayList<>(last)),
              () -> context.put(NOTHING_EXPIRED, true));
      context.putLong(SURVEYED_HELD, found.spared().byHolds());
      context.putLong(SURVEYED_REQUESTED, found.spared().byRequests());
      context.putLong(SURVEYED_RESTRICTED, found.spared().byRestrictions());
    }
    return context.containsKey(LAST) ? Optional.of(strings(context.get(LAST))) : Optional.empty();
  }

  /**
   * After the last window, what the windows held back without counting it: the survey's count where
   * it is known and the flags stayed as they were, else a count made now.
   */
  private HeldBack heldBack(ExecutionContext context) throws InterruptedException {
    if (target.countsAsItGoes()) {
      return HeldBack.NONE;
    }
    last(context);
    if (context.containsKey(SURVEYED_HELD) && !context.containsKey(FLAGS_CHANGED)) {
      return new HeldBack(
          context.getLong(SURVEYED_HELD),
          context.getLong(SURVEYED_REQUESTED),
          context.getLong(SURVEYED_RESTRICTED));
    }
    if (survey != null) {
      survey.cancel(true);
    }
    return target.heldBack(
        flags.sparedSince(policy, sameRows, Instant.parse(context.getString(SINCE))));
  }

  private Survey surveyed() throws InterruptedException {
    try {
      return survey.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static Optional<List<String>> after(ExecutionContext context) {
    return context.containsKey(AFTER) ? Optional.of(strings(context.get(AFTER))) : Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object value) {
    return (List<String>) value;
  }
}
