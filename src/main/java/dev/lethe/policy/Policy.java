package dev.lethe.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One data category in one table: how long its rows are kept, from which moment, under which legal
 * basis, and what happens when their time is up. Parsed from one file in {@code
 * retention-policies/}; {@code lines} keeps the line of each field for errors found later against
 * the store's catalog.
 */
public record Policy(
    String name,
    String description,
    String category,
    LegalBasis legalBasis,
    String store,
    String table,
    List<String> key,
    String subject,
    String clock,
    Retention retain,
    Action action,
    List<Condition> where,
    boolean allowCascade,
    Path file,
    Map<String, Integer> lines) {

  /** What happens to a row whose retention has run out. */
  public enum Action {
    DELETE
  }

  public int lineOf(String field) {
    return lines.getOrDefault(field, 1);
  }
}
