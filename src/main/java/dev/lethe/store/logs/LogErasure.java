package dev.lethe.store.logs;

import dev.lethe.policy.Policy;
import dev.lethe.store.HoldCheck;
import dev.lethe.store.RequestKeepers;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreException;
import dev.lethe.store.SubjectData.ErasureOutcome;
import dev.lethe.store.SubjectData.Recorder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An erasure in a log store: file by file, the subject's lines go (those a keeping policy keeps, or
 * another subject's hold, stay), each file's record written beside the logs before it is rewritten;
 * what cannot be done (a file being written, one that cannot be read, a link) is left and said, the
 * other files done.
 */
final class LogErasure {

  private final LogStore store;
  private final Policy policy;
  private final List<String> policiesOnStore;
  private final RetentionScope scope;
  private final SubjectLines lines;

  LogErasure(
      LogStore store,
      Policy policy,
      List<String> policiesOnStore,
      RetentionScope scope,
      SubjectLines lines) {
    this.store = store;
    this.policy = policy;
    this.policiesOnStore = policiesOnStore;
    this.scope = scope;
    this.lines = lines;
  }

  private List<Path> files() throws IOException {
    var all = new ArrayList<Path>();
    for (var file : store.files().list()) {
      if (!store.files().isActive(file) || policy.logs().rewriteActive()) {
        all.add(file);
      }
    }
    return all;
  }

  ErasureOutcome erase(String subject, HoldCheck holds, RequestKeepers keepers, Recorder recorder) {
    var heldPolicies = holds.heldPolicies();
    var held = policiesOnStore.stream().filter(heldPolicies::contains).sorted().toList();
    if (!held.isEmpty()) {
      return ErasureOutcome.held(String.join(", ", held));
    }
    // a line is kept while a keeping policy on the store still keeps it: its time is not before
    // that policy's delete cutoff (a policy that never deletes keeps all, against an erasure)
    var keeping = new java.util.LinkedHashMap<String, java.util.Optional<java.time.Instant>>();
    for (var p : scope.allPolicies()) {
      if (p.store().equals(store.name()) && keepers.keeps(p)) {
        var cutoff = p.deleteStage().map(d -> d.after().cutoff(scope.now()).toInstant());
        if (cutoff.isPresent() || keepers.unlessReleased()) {
          keeping.put(p.name(), cutoff);
        }
      }
    }
    var keptBy = new java.util.TreeMap<String, Long>();
    long keptLines = 0;
    long deleted = 0;
    // lines whose subject field a stage made a token are the subject's too
    var keys = FilePass.withTokens(Set.of(subject), scope.tokens());
    var mentions = new Mentions(keys);
    var state = new PassState(store.directory());
    var left = new java.util.TreeMap<String, String>();
    long leftLines = 0;
    long unreadable = 0;
    long heldByOthers = 0;
    var heldOthers = holds.heldSubjects();
    String heldMidway = null;
    java.nio.file.Path current = store.directory();
    try {
      for (var file : files()) {
        current = file;
        LogContent content;
        try {
          content = LogFiles.read(file);
        } catch (java.nio.file.NoSuchFileException gone) {
          continue; // rotated away since it was listed
        } catch (LogContent.KeepsChanging busy) {
          // a writer appending to it all the while: tried again at the next run, the other
          // files done; counted as one line of the subject's, as it may hold some
          leftLines++;
          left.put(
              file.getFileName().toString(),
              "a file that changed every time Lethe read it (a writer keeps appending), counted"
                  + " as one: whether it holds lines of the subject cannot be told yet");
          continue;
        } catch (IOException e) {
          // a file that cannot be read (a damaged rotation) is left and said, counted as one
          // line of the subject's, as it may hold some: the other files are done
          leftLines++;
          left.put(
              file.getFileName().toString(),
              "a file that cannot be read ("
                  + LogSubjectData.cause(e)
                  + "), counted as one"
                  + LogSubjectData.NOT_TOLD);
          continue;
        }
        var read = content.lines();
        var kept = new ArrayList<String>(read.size());
        var origins = new int[read.size()];
        for (int i = 0; i < read.size(); i++) {
          var text = read.get(i);
          var body = SubjectLines.body(text);
          var line = lines.fields(body);
          var subjects = line.isPresent() && lines.isSubjects(line.get(), keys);
          if (!subjects && lines.unknown(line) && lines.mentions(body, mentions)) {
            // whose it is cannot be told: left, and said, for a person to look at
            unreadable++;
            left.putIfAbsent(file.getFileName().toString(), LogSubjectData.UNREADABLE);
            origins[kept.size()] = i;
            kept.add(text);
          } else if (subjects) {
            if (lines.heldOther(line.get(), heldOthers, keys)) {
              // also another subject's line (a user's, where this is a client's), under a hold
              heldByOthers++;
              left.putIfAbsent(file.getFileName().toString(), HELD_OTHER);
              origins[kept.size()] = i;
              kept.add(text);
              continue;
            }
            var keeper = keeperOf(line.get(), keeping);
            if (keeper.isPresent()) {
              keptLines++;
              keptBy.merge(keeper.get(), 1L, Long::sum);
              origins[kept.size()] = i;
              kept.add(text);
            } else {
              deleted++;
            }
          } else {
            origins[kept.size()] = i;
            kept.add(text);
          }
        }
        if (kept.size() < read.size()) {
          var writer = OpenWriters.of(file);
          if (writer.isPresent() && (writer.get().known() || store.files().isActive(file))) {
            // what a writer appends next would be lost: tried again at the next run
            long lines0 = read.size() - kept.size();
            deleted -= lines0;
            leftLines += lines0;
            left.put(
                file.getFileName().toString(),
                "held open for writing by "
                    + writer.get().who()
                    + ": a rewrite would lose what it writes next");
            continue;
          }
          var others = LogFiles.otherNames(file);
          if (others > 0) {
            // a rewrite would leave the subject's lines under the file's other names
            long lines0 = read.size() - kept.size();
            deleted -= lines0;
            leftLines += lines0;
            left.put(
                file.getFileName().toString(),
                LeftFiles.otherNamesReason(others, "the subject's lines")
                    + "; remove the other names (find / -xdev -samefile FILE lists them) if they are"
                    + " copies");
            continue;
          }
          // the last look before the file changes and its change, in one stretch that keeps new
          // holds out (and no longer: a hold placed while another file was rewritten is seen
          // here), keeps the lines of this file and those after it; what went before is said
          var rewrite = new FileRewrite(file, content, read, kept, origins);
          Part part;
          try {
            part =
                holds.partBeforeCommit(
                    heldAtLastLook -> {
                      var now =
                          policiesOnStore.stream()
                              .filter(heldAtLastLook::contains)
                              .sorted()
                              .toList();
                      if (!now.isEmpty()) {
                        return new Part(String.join(", ", now), false);
                      }
                      try {
                        return new Part(null, !rewrite.apply(store, state, recorder));
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    });
          } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
          }
          if (part.heldBy() != null) {
            deleted -= read.size() - kept.size();
            heldMidway = part.heldBy();
            break;
          }
          if (part.changedMeanwhile()) {
            long lines0 = read.size() - kept.size();
            deleted -= lines0;
            leftLines += lines0;
            left.put(file.getFileName().toString(), "it changed while Lethe rewrote it");
          }
        }
      }
      for (var link : store.files().links()) {
        // never rewritten through or over: the subject's lines there are left, and said
        long inLink;
        try {
          inLink = subjectsLines(LogContent.readAsWritten(link).lines(), keys, keeping, mentions);
        } catch (java.nio.file.NoSuchFileException gone) {
          continue;
        } catch (IOException e) {
          leftLines++;
          left.put(
              link.getFileName().toString(),
              "a link to a file that cannot be read ("
                  + LogSubjectData.cause(e)
                  + "), counted as one"
                  + LogSubjectData.NOT_TOLD);
          continue;
        }
        if (inLink > 0) {
          leftLines += inLink;
          left.put(link.getFileName().toString(), LogSubjectData.IN_A_LINK);
        }
      }
      // the file being written, where the policy leaves it to its writer: its lines of the
      // subject are still there, and the outcome says so
      var active = store.files().active();
      if (active.isPresent() && !policy.logs().rewriteActive()) {
        long inActive =
            subjectsLines(LogContent.readAsWritten(active.get()).lines(), keys, keeping, mentions);
        if (inActive > 0) {
          leftLines += inActive;
          left.put(
              active.get().getFileName().toString(),
              "the file being written, which the policy leaves to its writer (no rewrite-active):"
                  + " they go once logrotate has rotated it");
        }
      }
    } catch (IOException e) {
      throw new StoreException(
          "erasing in " + store.directory() + " failed: " + SafeRewrite.describe(current, e), e);
    }

    leftLines += unreadable + heldByOthers;
    var by = new ArrayList<String>();
    keptBy.forEach((name, n) -> by.add(keepers.describe(name) + ": " + n));
    return new ErasureOutcome(
        deleted,
        0,
        0,
        heldMidway,
        keptLines,
        by.isEmpty() ? null : String.join(", ", by),
        leftLines,
        left.isEmpty() ? null : describe(left));
  }

  /**
   * What became of one file: kept whole by the holds on these policies (null: none), or left as it
   * was because a writer changed it while Lethe rewrote it.
   */
  private record Part(String heldBy, boolean changedMeanwhile) {}

  /** One file's change: its new contents, without the subject's lines. */
  private record FileRewrite(
      Path file, LogContent content, List<String> read, List<String> kept, int[] origins) {

    /**
     * Rewrites the file, its record beside the logs first; false where the file changed meanwhile
     * (nothing changed, the record dropped).
     */
    boolean apply(LogStore store, PassState state, Recorder recorder) throws IOException {
      // one commit at a time in the folder (FolderLock)
      try (var folder = FolderLock.of(store.directory())) {
        return commit(store, state, recorder);
      }
    }

    private boolean commit(LogStore store, PassState state, Recorder recorder) throws IOException {
      // the file's record beside the logs, before the change it records (its new contents'
      // file first, which tells the change did not happen while it is there)
      var record =
          recorder.recordOf(new ErasureOutcome(read.size() - kept.size(), 0, 0, null, 0, null));
      if (record != null) {
        SafeRewrite.reserve(file, record.id());
        store.outbox().write(record, read);
      }
      // a line made a token before stays known as one in the file's new contents
      state.record(state.carriedOver(read, java.util.Arrays.copyOf(origins, kept.size())), kept);
      try {
        if (kept.isEmpty()) {
          SafeRewrite.remove(file, content, record == null ? null : record.id());
        } else {
          SafeRewrite.replace(
              file,
              content.with(kept),
              SafeRewrite.Crash.NEVER,
              record == null ? null : record.id());
        }
        return true;
      } catch (SafeRewrite.ChangedMeanwhile e) {
        if (record != null) {
          store.outbox().dropped(record.id());
          recorder.undone(record.id());
        }
        return false;
      }
    }
  }

  /** The subject's lines a keeping policy does not keep, and those that mention its key. */
  private long subjectsLines(
      List<String> text,
      Set<String> keys,
      Map<String, java.util.Optional<java.time.Instant>> keeping,
      Mentions mentions) {
    long n = 0;
    for (var each : text) {
      var body = SubjectLines.body(each);
      var line = lines.fields(body);
      if (line.isPresent() && lines.isSubjects(line.get(), keys)
          ? keeperOf(line.get(), keeping).isEmpty()
          : lines.unknown(line) && lines.mentions(body, mentions)) {
        n++;
      }
    }
    return n;
  }

  /** Why a line of the subject that is also a held subject's was not taken. */
  static final String HELD_OTHER =
      "the lines are also another subject's (another policy's subject field), held under a legal"
          + " hold: left until the hold is released";

  /** Where lines were left, and why: "in access.log (the file being written, ...)". */
  private static String describe(java.util.Map<String, String> left) {
    var parts = new ArrayList<String>();
    left.forEach((file, why) -> parts.add("in " + file + " (" + why + ")"));
    return String.join(", ", parts);
  }

  /** The first keeping policy that still keeps the line, if any. */
  private static java.util.Optional<String> keeperOf(
      LogLine line, java.util.Map<String, java.util.Optional<java.time.Instant>> keeping) {
    for (var keeper : keeping.entrySet()) {
      var cutoff = keeper.getValue();
      if (cutoff.isEmpty() || line.time() == null || !line.time().isBefore(cutoff.get())) {
        return java.util.Optional.of(keeper.getKey());
      }
    }
    return java.util.Optional.empty();
  }
}
