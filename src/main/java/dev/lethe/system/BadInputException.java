package dev.lethe.system;

import java.util.List;

/**
 * Input that Lethe refuses before it changes anything: a policy, job, request, configuration or
 * command line that is wrong. Each message names where the problem is and how to fix it; the
 * command line turns this into exit code 2.
 */
public class BadInputException extends RuntimeException {

  private final List<String> problems;

  public BadInputException(List<String> problems) {
    super(String.join(System.lineSeparator(), problems));
    this.problems = List.copyOf(problems);
  }

  public BadInputException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
