package dev.lethe.store.logs;

import dev.lethe.store.SparedSubjects;
import dev.lethe.transform.Tokens;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One policy stage's pass over one log file: lines whose delete time has come go, lines whose
 * pseudonymise time has come get their fields transformed, lines of spared subjects stay as they
 * are, and a line that does not parse is counted with its number and kept or removed as the policy
 * says. Lines are looked at one by one: a log is not in time order. The pass is worked out first
 * ({@link #compute}), so that a guard can veto it, then applied: the file is rewritten only when
 * something changed, and removed when no line is left.
 *
 * <p>A token of a token would break every join. Where a transform is not repeatable (hmac), the
 * {@link PassState.Entry} of the file's contents says which lines an earlier pass transformed:
 * those before its cutoff, among its first lines, whose subject it did not spare.
 */
public final class FilePass {

  /** What a policy stage does to a log's lines. */
  /**
   * @param subjectField the policy's subject field: whose rows the audit counts
   * @param subjectFields the subject fields of every policy on the store, the policy's first: a
   *     line is each of their subjects', and a hold on any of them spares it (a hold on a user did
   *     not spare the user's lines from a policy by client address: an outside attack)
   */
  public record Rules(
      LineFormat format,
      String subjectField,
      List<String> subjectFields,
      Optional<Instant> deleteBefore,
      Optional<Instant> pseudonymiseBefore,
      FieldTransforms transforms,
      boolean removeUnparsable) {

    /** Rules of a store with this one policy. */
    public Rules(
        LineFormat format,
        String subjectField,
        Optional<Instant> deleteBefore,
        Optional<Instant> pseudonymiseBefore,
        FieldTransforms transforms,
        boolean removeUnparsable) {
      this(
          format,
          subjectField,
          List.of(subjectField),
          deleteBefore,
          pseudonymiseBefore,
          transforms,
          removeUnparsable);
    }
  }

  /**
   * The pass worked out: the lines to keep, and what it does, by reason.
   *
   * @param origins for each kept line, its place among the lines the pass read (kept lines keep
   *     their order), so that what other policies recorded of the old contents can follow them
   */
  public record Pass(
      Path file,
      List<String> kept,
      int[] origins,
      long lines,
      long due,
      long deleted,
      long pseudonymised,
      long heldByHolds,
      long heldByRequests,
      long heldByRestrictions,
      List<Integer> unparsable,
      Map<String, Long> changedBySubject,
      Set<Long> sparedDue) {

    public boolean changes() {
      return deleted > 0 || pseudonymised > 0;
    }
  }

  private FilePass() {}

  public static Pass compute(
      Path file,
      List<String> lines,
      Rules rules,
      SparedSubjects spared,
      Optional<Tokens> tokens,
      Optional<PassState.Entry> before) {
    // a line whose subject field a stage made a token is spared under the token too
    var held = withTokens(spared.held(), tokens);
    var requested = withTokens(spared.requested(), tokens);
    var restricted = withTokens(spared.restricted(), tokens);
    var mentions = new Mentions(held, requested, restricted);
    var kept = new ArrayList<String>(lines.size());
    var origins = new int[lines.size()];
    var unparsable = new ArrayList<Integer>();
    var bySubject = new HashMap<String, Long>();
    var sparedDue = new HashSet<Long>();
    long due = 0, deleted = 0, pseudonymised = 0, holds = 0, requests = 0, restrictions = 0;
    for (int i = 0; i < lines.size(); i++) {
      var text = lines.get(i);
      // a line ended by CR LF is parsed without its CR, and keeps it
      boolean cr = text.endsWith("\r");
      var body = cr ? text.substring(0, text.length() - 1) : text;
      var parsed = rules.format().parse(body);
      if (parsed.isEmpty()) {
        unparsable.add(i + 1);
        if (rules.removeUnparsable()) {
          // a line whose time cannot be read may still say whose it is; one that cannot be read
          // at all may mention a spared key: either way a spared subject's line stays
          var fields = rules.format().fields(body);
          var key = fields.map(l -> l.key(rules.subjectField())).orElse(null);
          int spare =
              fields.isPresent()
                  ? spareOf(fields.get(), body, rules, held, requested, restricted, mentions)
                      .reason()
                  : mentions.which(body, rules.format().escapes());
          if (spare < 0) {
            deleted++;
            count(bySubject, key);
            continue;
          }
          if (spare == 0) {
            holds++;
          } else if (spare == 1) {
            requests++;
          } else {
            restrictions++;
          }
        }
        origins[kept.size()] = i;
        kept.add(text);
        continue;
      }
      var line = parsed.get();
      boolean toDelete = rules.deleteBefore().map(line.time()::isBefore).orElse(false);
      boolean toTransform =
          !toDelete
              && rules.pseudonymiseBefore().map(line.time()::isBefore).orElse(false)
              && !transformedBefore(before, i, line, tokens, rules.subjectFields());
      if (!toDelete && !toTransform) {
        origins[kept.size()] = i;
        kept.add(text);
        continue;
      }
      due++;
      var subject = line.key(rules.subjectField());
      var spare = spareOf(line, body, rules, held, requested, restricted, mentions);
      if (spare.reason() == 0) {
        holds++;
      } else if (spare.reason() == 1) {
        requests++;
      } else if (spare.reason() == 2) {
        restrictions++;
      } else if (toDelete) {
        deleted++;
        count(bySubject, subject);
        continue;
      } else {
        var changed =
            rules
                    .transforms()
                    .apply(
                        line,
                        tokens.orElseThrow(
                            () ->
                                new IllegalStateException(
                                    "this stage makes tokens (hmac) and no pseudonymisation key is"
                                        + " configured. Fix: set lethe.pseudonymisation.key-id,"
                                        + " and the key in LETHE_HMAC_KEY, a key-file or the key"
                                        + " ring")))
                + (cr ? "\r" : "");
        if (!changed.equals(text)) {
          pseudonymised++;
          count(bySubject, subject);
        }
        origins[kept.size()] = i;
        kept.add(changed);
        continue;
      }
      // spared: kept as it is; a later pass transforms it once it is no longer spared
      if (toTransform && tokens.isPresent() && spare.key() != null) {
        sparedDue.add(prefix(tokens.get(), spare.key()));
      }
      origins[kept.size()] = i;
      kept.add(text);
    }
    return new Pass(
        file,
        kept,
        java.util.Arrays.copyOf(origins, kept.size()),
        lines.size(),
        due,
        deleted,
        pseudonymised,
        holds,
        requests,
        restrictions,
        List.copyOf(unparsable),
        bySubject,
        sparedDue);
  }

  /**
   * Why a line is spared: 0 a hold, 1 a request, 2 a restriction, -1 not; and the key that spares
   * it, as found in any of the store's subject fields.
   */
  private record Spare(int reason, String key) {}

  private static Spare spareOf(
      LogLine line,
      String body,
      Rules rules,
      Set<String> held,
      Set<String> requested,
      Set<String> restricted,
      Mentions mentions) {
    List<Set<String>> sets = List.of(held, requested, restricted);
    String known = null;
    for (int reason = 0; reason < sets.size(); reason++) {
      for (var field : rules.subjectFields()) {
        var key = line.key(field);
        if (key != null && sets.get(reason).contains(key)) {
          return new Spare(reason, key);
        }
        if (known == null) {
          known = key;
        }
      }
    }
    // a subject field holding a list or an object: whose the line is cannot be told, and a
    // spared key mentioned anywhere in it keeps it (recorded under the line's own subject where
    // it has one). Not for lines whose subjects can be read: "42" held would keep every line of
    // 42 bytes
    if (rules.subjectFields().stream().noneMatch(line::unreadable)) {
      return new Spare(-1, null);
    }
    int mentioned = mentions.which(body, rules.format().escapes());
    return new Spare(mentioned, mentioned < 0 ? null : known);
  }

  static Set<String> withTokens(Set<String> subjects, Optional<Tokens> tokens) {
    if (subjects.isEmpty() || tokens.isEmpty()) {
      return subjects;
    }
    var all = new HashSet<String>(subjects);
    for (var under : tokens.get().everyKey()) {
      subjects.forEach(s -> all.add(under.text(s)));
    }
    return all;
  }

  /** Whether an earlier pass over these contents transformed line {@code index}. */
  private static boolean transformedBefore(
      Optional<PassState.Entry> before,
      int index,
      LogLine line,
      Optional<Tokens> tokens,
      List<String> subjectFields) {
    if (before.isEmpty() || index >= before.get().lines()) {
      return false;
    }
    var entry = before.get();
    if (!line.time().isBefore(entry.cutoff())) {
      return false;
    }
    if (tokens.isEmpty()) {
      return true;
    }
    // spared then by the key of one of the store's subject fields, under whichever key was
    // current: a rotation since does not make it transformed; passes before subjects were keys
    // recorded the subject's value as written
    var spared = new ArrayList<String>();
    for (var field : subjectFields) {
      var key = line.key(field);
      if (key != null) {
        spared.add(key);
      }
    }
    var written = line.value(subjectFields.get(0));
    if (written != null) {
      spared.add(written);
    }
    for (var under : tokens.get().everyKey()) {
      for (var key : spared) {
        if (entry.spared().contains(prefix(under, key))) {
          return false;
        }
      }
    }
    return true;
  }

  static long prefix(Tokens tokens, String subject) {
    return ByteBuffer.wrap(tokens.raw(subject)).getLong();
  }

  private static void count(Map<String, Long> bySubject, String subject) {
    if (subject != null && !subject.isEmpty() && !subject.equals("-")) {
      bySubject.merge(subject, 1L, Long::sum);
    }
  }

  /**
   * Applies a pass to the contents it was worked out from: the file rewritten, or removed when
   * nothing is left, or left alone.
   */
  public static void apply(Pass pass, LogContent read, SafeRewrite.Crash crash) throws IOException {
    apply(pass, read, crash, null);
  }

  /** As above, the change's record {@code recordId} (null: none; see {@link SafeRewrite}). */
  static void apply(Pass pass, LogContent read, SafeRewrite.Crash crash, java.util.UUID recordId)
      throws IOException {
    if (pass.kept().isEmpty() && pass.lines() > 0) {
      SafeRewrite.remove(pass.file(), read, recordId);
    } else if (pass.changes()) {
      SafeRewrite.replace(pass.file(), read.with(pass.kept()), crash, recordId);
    }
  }
}
