package dev.lethe.store.logs;

import dev.lethe.transform.Tokens;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One policy's pass over one log file: lines whose delete time has come go, lines whose
 * pseudonymise time has come get their fields transformed, lines of spared subjects stay as they
 * are, and a line that does not parse is counted with its number and kept or removed as the policy
 * says. Lines are looked at one by one: a log is not in time order. The file is rewritten only when
 * something changed, and removed when no line is left.
 */
public final class FilePass {

  /** What a policy does to a log's lines. */
  public record Rules(
      LineFormat format,
      String subjectField,
      Optional<Instant> deleteBefore,
      Optional<Instant> pseudonymiseBefore,
      Optional<Instant> transformedBefore,
      FieldTransforms transforms,
      boolean removeUnparsable) {}

  /** What the pass did to one file. */
  public record Outcome(
      Path file,
      long lines,
      long deleted,
      long pseudonymised,
      long spared,
      List<Integer> unparsable,
      boolean removed,
      boolean rewritten) {}

  private FilePass() {}

  public static Outcome run(
      Path file, Rules rules, Set<String> spared, Optional<Tokens> tokens, SafeRewrite.Crash crash)
      throws IOException {
    var lines = LogFiles.read(file);
    var kept = new ArrayList<String>(lines.size());
    var unparsable = new ArrayList<Integer>();
    long deleted = 0;
    long pseudonymised = 0;
    long sparedLines = 0;
    for (int i = 0; i < lines.size(); i++) {
      var text = lines.get(i);
      var parsed = rules.format().parse(text);
      if (parsed.isEmpty()) {
        unparsable.add(i + 1);
        if (rules.removeUnparsable()) {
          deleted++;
        } else {
          kept.add(text);
        }
        continue;
      }
      var line = parsed.get();
      boolean due =
          rules.deleteBefore().map(line.time()::isBefore).orElse(false)
              || rules.pseudonymiseBefore().map(line.time()::isBefore).orElse(false);
      var subject = line.value(rules.subjectField());
      if (due && subject != null && spared.contains(subject)) {
        sparedLines++;
        kept.add(text);
      } else if (rules.deleteBefore().map(line.time()::isBefore).orElse(false)) {
        deleted++;
      } else if (rules.pseudonymiseBefore().map(line.time()::isBefore).orElse(false)
          && !rules.transformedBefore().map(line.time()::isBefore).orElse(false)) {
        var changed =
            rules
                .transforms()
                .apply(
                    line, tokens.orElseThrow(() -> new IllegalStateException("no key for hmac")));
        if (!changed.equals(text)) {
          pseudonymised++;
        }
        kept.add(changed);
      } else {
        kept.add(text);
      }
    }
    boolean removed = false;
    boolean rewritten = false;
    if (kept.isEmpty() && !lines.isEmpty()) {
      SafeRewrite.remove(file);
      removed = true;
    } else if (deleted > 0 || pseudonymised > 0) {
      SafeRewrite.replace(file, kept, crash);
      rewritten = true;
    }
    return new Outcome(
        file,
        lines.size(),
        deleted,
        pseudonymised,
        sparedLines,
        List.copyOf(unparsable),
        removed,
        rewritten);
  }
}
