package dev.lethe.store.logs;

import dev.lethe.policy.Policy;
import dev.lethe.store.HoldCheck;
import dev.lethe.store.RequestKeepers;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreException;
import dev.lethe.store.SubjectData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A subject's lines in a log store: every line whose subject field holds the key, in every file
 * (the one being written too when the policy may rewrite it). An erasure removes them.
 */
final class LogSubjectData implements SubjectData {

  private final LogStore store;
  private final Policy policy;
  private final List<String> policiesOnStore;
  private final RetentionScope scope;
  private final List<String> subjectFields;

  LogSubjectData(LogStore store, Policy policy, RetentionScope scope) {
    this.scope = scope;
    this.store = store;
    this.policy = policy;
    this.subjectFields =
        policy == null ? List.of() : store.subjectFields(policy, scope.allPolicies());
    this.policiesOnStore =
        scope.allPolicies().stream()
            .filter(p -> p.store().equals(store.name()))
            .map(Policy::name)
            .toList();
  }

  @Override
  public boolean fits(String subject) {
    // combined and common fields end at a space; a JSON or regex field may hold one ("john doe")
    return !subject.isBlank()
        && (!(store.format() instanceof LineFormat.Apache)
            || subject.chars().noneMatch(Character::isWhitespace));
  }

  @Override
  public String subjectColumn() {
    return "field '"
        + policy.subject()
        + "' of the lines ("
        + (store.format() instanceof LineFormat.Apache ? "text without spaces" : "text")
        + ")";
  }

  @Override
  public String tableIdentity() {
    return "logs:" + store.directory().toAbsolutePath();
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

  @Override
  public List<Map<String, Object>> rows(String subject) {
    var keys = FilePass.withTokens(Set.of(subject), scope.tokens());
    var mentions = new Mentions(keys);
    var rows = new ArrayList<Map<String, Object>>();
    var files = new ArrayList<Path>();
    try {
      files.addAll(store.files().list());
      files.addAll(store.files().links());
    } catch (IOException e) {
      throw new StoreException("reading " + store.directory() + " failed: " + e.getMessage(), e);
    }
    for (var file : files) {
      var name = file.getFileName().toString();
      boolean link = Files.isSymbolicLink(file);
      List<String> lines;
      try {
        lines = LogContent.readAsWritten(file).lines();
      } catch (java.nio.file.NoSuchFileException gone) {
        continue; // rotated away since it was listed
      } catch (IOException e) {
        // one file that cannot be read (a damaged rotation) is said, and the others are read
        rows.add(notRead(name, "the file cannot be read (" + cause(e) + ")" + NOT_TOLD));
        continue;
      }
      for (int i = 0; i < lines.size(); i++) {
        var text = lines.get(i);
        var body = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        var line = store.format().fields(body);
        boolean subjects = line.isPresent() && isSubjects(line.get(), keys);
        if (subjects && !link) {
          var row = new LinkedHashMap<String, Object>();
          row.put("file", name);
          row.put("line", i + 1);
          row.put("text", LogContent.decoded(text));
          rows.add(row);
        } else if (subjects || unknown(line) && mentions.any(body, store.format().escapes())) {
          // whose it is cannot be told, or it is read through a link to outside the store's
          // folder: said, without its text
          var row = notRead(name, link ? IN_A_LINK : UNREADABLE);
          row.put("line", i + 1);
          rows.add(row);
        }
      }
    }
    return rows;
  }

  private static LinkedHashMap<String, Object> notRead(String file, String why) {
    var row = new LinkedHashMap<String, Object>();
    row.put("file", file);
    row.put("unreadable", why);
    return row;
  }

  private static String cause(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  @Override
  public List<String> contacts(String subject, RequestKeepers keepers) {
    return List.of();
  }

  @Override
  public ErasureOutcome erase(
      String subject, HoldCheck holds, RequestKeepers keepers, Recorder recorder) {
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
              "a file that cannot be read (" + cause(e) + "), counted as one" + NOT_TOLD);
          continue;
        }
        var lines = content.lines();
        var kept = new ArrayList<String>(lines.size());
        var origins = new int[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
          var text = lines.get(i);
          var body = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
          var line = store.format().fields(body);
          var subjects = line.isPresent() && isSubjects(line.get(), keys);
          if (!subjects && unknown(line) && mentions.any(body, store.format().escapes())) {
            // whose it is cannot be told: left, and said, for a person to look at
            unreadable++;
            left.putIfAbsent(file.getFileName().toString(), UNREADABLE);
            origins[kept.size()] = i;
            kept.add(text);
          } else if (subjects) {
            if (heldOther(line.get(), heldOthers, keys)) {
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
        if (kept.size() < lines.size()) {
          var writer = OpenWriters.of(file);
          if (writer.isPresent() && (writer.get().known() || store.files().isActive(file))) {
            // what a writer appends next would be lost: tried again at the next run
            long lines0 = lines.size() - kept.size();
            deleted -= lines0;
            leftLines += lines0;
            left.put(
                file.getFileName().toString(),
                "held open for writing by "
                    + writer.get().who()
                    + ": a rewrite would lose what it writes next");
            continue;
          }
          // the last look before the file changes: a hold placed meanwhile keeps the lines of
          // this file and those after it; what went before it is said
          var heldNow =
              policiesOnStore.stream().filter(holds.heldBeforeCommit()::contains).sorted().toList();
          if (!heldNow.isEmpty()) {
            deleted -= lines.size() - kept.size();
            heldMidway = String.join(", ", heldNow);
            break;
          }
          // a line made a token before stays known as one in the file's new contents
          state.record(
              state.carriedOver(lines, java.util.Arrays.copyOf(origins, kept.size())), kept);
          // the file's record beside the logs, before the change it records; it stands only
          // where the contents it replaces are gone
          var record =
              recorder.recordOf(
                  new ErasureOutcome(lines.size() - kept.size(), 0, 0, null, 0, null));
          if (record != null) {
            store.outbox().write(record, lines);
          }
          try {
            if (kept.isEmpty()) {
              SafeRewrite.remove(file, content.read());
            } else {
              SafeRewrite.replace(file, content.with(kept), SafeRewrite.Crash.NEVER);
            }
          } catch (SafeRewrite.ChangedMeanwhile e) {
            if (record != null) {
              store.outbox().dropped(record.id());
              recorder.undone(record.id());
            }
            long lines0 = lines.size() - kept.size();
            deleted -= lines0;
            leftLines += lines0;
            left.put(file.getFileName().toString(), "it changed while Lethe rewrote it");
          }
        }
      }
      // the file being written, where the policy leaves it to its writer: its lines of the
      // subject are still there, and the outcome says so
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
              "a link to a file that cannot be read (" + cause(e) + "), counted as one" + NOT_TOLD);
          continue;
        }
        if (inLink > 0) {
          leftLines += inLink;
          left.put(link.getFileName().toString(), IN_A_LINK);
        }
      }
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

  /** The subject's lines a keeping policy does not keep, and those that mention its key. */
  private long subjectsLines(
      List<String> lines,
      Set<String> keys,
      Map<String, java.util.Optional<java.time.Instant>> keeping,
      Mentions mentions) {
    long n = 0;
    for (var text : lines) {
      var body = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      var line = store.format().fields(body);
      if (line.isPresent() && isSubjects(line.get(), keys)
          ? keeperOf(line.get(), keeping).isEmpty()
          : unknown(line) && mentions.any(body, store.format().escapes())) {
        n++;
      }
    }
    return n;
  }

  /** What a file that cannot be read leaves untold. */
  private static final String NOT_TOLD =
      ": whether it holds lines of the subject cannot be told. Fix: restore it from a backup, or"
          + " remove it if it is damaged beyond use (gzip -t tells)";

  /** Why the lines of a file that is a link were left. */
  static final String IN_A_LINK =
      "a link, which Lethe reads but never rewrites through or over, nor shows (a rewrite would"
          + " replace the link with a copy and leave its target as it was): point the store's"
          + " directory and files at the log files themselves";

  /** Why a line that mentions the subject's key and cannot be read was not taken. */
  static final String UNREADABLE =
      "lines that cannot be read as the log's format (too long, malformed, a member named twice)"
          + " mention the key: whose they are cannot be told, so they were left for a person to"
          + " look at";

  /** Why a line of the subject that is also a held subject's was not taken. */
  static final String HELD_OTHER =
      "the lines are also another subject's (another policy's subject field), held under a legal"
          + " hold: left until the hold is released";

  private boolean isSubjects(LogLine line, Set<String> keys) {
    for (var field : subjectFields) {
      var key = line.key(field);
      if (key != null && keys.contains(key)) {
        return true;
      }
    }
    return false;
  }

  /** Whether whose the line is cannot be told: unreadable, or a subject field holds a list. */
  private boolean unknown(java.util.Optional<LogLine> line) {
    return line.isEmpty() || subjectFields.stream().anyMatch(line.get()::unreadable);
  }

  /** Whether a subject field names a held subject other than the one asked about. */
  private boolean heldOther(LogLine line, Set<String> held, Set<String> keys) {
    if (held.isEmpty()) {
      return false;
    }
    for (var field : subjectFields) {
      var key = line.key(field);
      if (key != null && held.contains(key) && !keys.contains(key)) {
        return true;
      }
    }
    return false;
  }

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
