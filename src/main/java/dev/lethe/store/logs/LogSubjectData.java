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
 * A subject's lines in a log store ({@link SubjectLines}): every line whose subject field holds the
 * key, in every file (the one being written too when the policy may rewrite it). An export lists
 * them; an erasure ({@link LogErasure}) removes them.
 */
final class LogSubjectData implements SubjectData {

  private final LogStore store;
  private final Policy policy;
  private final List<String> policiesOnStore;
  private final RetentionScope scope;
  private final SubjectLines lines;

  LogSubjectData(LogStore store, Policy policy, RetentionScope scope) {
    this.scope = scope;
    this.store = store;
    this.policy = policy;
    this.lines =
        new SubjectLines(
            store.format(),
            policy == null ? List.of() : store.subjectFields(policy, scope.allPolicies()));
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
      List<String> text;
      try {
        text = LogContent.readAsWritten(file).lines();
      } catch (java.nio.file.NoSuchFileException gone) {
        continue; // rotated away since it was listed
      } catch (IOException e) {
        // one file that cannot be read (a damaged rotation) is said, and the others are read
        rows.add(notRead(name, "the file cannot be read (" + cause(e) + ")" + NOT_TOLD));
        continue;
      }
      for (int i = 0; i < text.size(); i++) {
        var body = SubjectLines.body(text.get(i));
        var line = lines.fields(body);
        boolean subjects = line.isPresent() && lines.isSubjects(line.get(), keys);
        if (subjects && !link) {
          var row = new LinkedHashMap<String, Object>();
          row.put("file", name);
          row.put("line", i + 1);
          row.put("text", LogContent.decoded(text.get(i)));
          rows.add(row);
        } else if (subjects || lines.unknown(line) && lines.mentions(body, mentions)) {
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

  static String cause(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  @Override
  public List<String> contacts(String subject, RequestKeepers keepers) {
    return List.of();
  }

  @Override
  public boolean commitsInParts() {
    return true;
  }

  @Override
  public ErasureOutcome erase(
      String subject, HoldCheck holds, RequestKeepers keepers, Recorder recorder) {
    return new LogErasure(store, policy, policiesOnStore, scope, lines)
        .erase(subject, holds, keepers, recorder);
  }

  /** What a file that cannot be read leaves untold. */
  static final String NOT_TOLD =
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
}
