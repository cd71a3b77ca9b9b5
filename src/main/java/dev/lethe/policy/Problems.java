package dev.lethe.policy;

import dev.lethe.system.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem found, so that {@code validate} reports all of them at once. */
public final class Problems {

  private final List<Problem> errors = new ArrayList<>();
  private final List<Problem> warnings = new ArrayList<>();

  public void error(Path file, int line, String field, String message, String fix) {
    errors.add(new Problem(file, line, field, message, fix));
  }

  public void warn(Path file, int line, String field, String message, String fix) {
    warnings.add(new Problem(file, line, field, message, fix));
  }

  public List<Problem> errors() {
    return List.copyOf(errors);
  }

  public List<Problem> warnings() {
    return List.copyOf(warnings);
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Throws when anything is wrong, with every error in the message. */
  public void throwIfAny() {
    if (hasErrors()) {
      throw new BadInputException(errors.stream().map(Problem::toString).toList());
    }
  }
}
