package dev.lethe.policy;

import java.nio.file.Path;

/**
 * One thing wrong in a policy or job file: where it is, which field, what is wrong and how to fix
 * it. Printed as {@code file:line: field 'x': message. Fix: ...} so that editors can jump to it.
 */
public record Problem(Path file, int line, String field, String message, String fix) {

  @Override
  public String toString() {
    var where = line > 0 ? file + ":" + line : file.toString();
    var what = field == null ? message : "field '" + field + "': " + message;
    return where + ": " + what + (fix == null ? "" : ". Fix: " + fix);
  }
}
