package dev.lethe.store.logs;

import dev.lethe.store.StoreException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The files a step on a log store left as they are this run, with why: the step does every other
 * file, then fails naming them, so that their due lines are not kept in silence. Each kind of
 * reason has its own fix, which the failure says.
 */
final class LeftFiles {

  private enum Why {
    /** It cannot be read (a gzip rotation cut short). */
    UNREADABLE,
    /** A link to a file outside the store, which Lethe never rewrites through or over. */
    LINK,
    /** A writer holds it open, or kept changing it under a rewrite. */
    WRITER,
    /** It has other names (hard links), which a rewrite would leave holding its old lines. */
    OTHER_NAMES
  }

  private record Left(Why why, String reason) {
    @Override
    public String toString() {
      return reason;
    }
  }

  private final Map<String, Left> files = new TreeMap<>();

  boolean contains(String name) {
    return files.containsKey(name);
  }

  void unreadable(String name, IOException damaged) {
    files.put(
        name,
        new Left(
            Why.UNREADABLE,
            "it cannot be read ("
                + damaged.getClass().getSimpleName()
                + (damaged.getMessage() == null ? "" : ": " + damaged.getMessage())
                + ")"));
  }

  void link(String name, String reason) {
    files.put(name, new Left(Why.LINK, reason));
  }

  void otherNames(String name, long others) {
    files.put(name, new Left(Why.OTHER_NAMES, otherNamesReason(others, "its due lines")));
  }

  /** Why a file with other names is left, where it holds {@code lines} ("its due lines"). */
  static String otherNamesReason(long others, String lines) {
    return "it has "
        + others
        + " other name(s) (hard links): a rewrite gives this name new contents and leaves the"
        + " old ones, "
        + lines
        + " with them, under the others";
  }

  void toItsWriter(String name, String reason) {
    files.put(name, new Left(Why.WRITER, reason));
  }

  /** The step's failure, where a file was left, naming each with why and what to do. */
  Optional<StoreException> failure(String store, String step, Predicate<String> isActive) {
    if (files.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new StoreException(
            "store '"
                + store
                + "', step '"
                + step
                + "': "
                + files.size()
                + " file(s) were left as they are, every other file was done: "
                + files
                + (any(Why.UNREADABLE)
                    ? ". A file that cannot be read keeps its lines past their time. Fix: restore"
                        + " it from a backup, or remove it if it is damaged beyond use (gzip -t"
                        + " tells), then run the same job and date again"
                    : "")
                + (any(Why.LINK)
                    ? ". A link keeps the lines of the file it points to past their time. Fix:"
                        + " point the store's directory and files at the log files themselves"
                        + " (or remove the link), then run the same job and date again"
                    : "")
                + (any(Why.OTHER_NAMES)
                    ? ". A file with other names keeps its lines there whatever is done to this"
                        + " one. Fix: remove the other names (find / -xdev -samefile FILE lists them)"
                        + " if they are copies the policy covers, then run the same job and date"
                        + " again"
                    : "")
                + (any(Why.WRITER)
                    ? ". Lethe does not rewrite a file another process holds open for writing:"
                        + " what it writes next would be lost. Fix: let logrotate rotate the file"
                        + " (Lethe then works on the rotation) or stop its writer, then run the"
                        + " same job and date again"
                        + (files.keySet().stream().anyMatch(isActive)
                            ? "; or leave the file being written alone (no rewrite-active)"
                            : "")
                    : ""),
            null));
  }

  private boolean any(Why why) {
    return files.values().stream().anyMatch(l -> l.why() == why);
  }
}
