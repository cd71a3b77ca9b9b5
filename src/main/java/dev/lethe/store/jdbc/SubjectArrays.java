package dev.lethe.store.jdbc;

import dev.lethe.transform.Tokens;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Subject keys, as kept in the control database (text), made into an array of a column's kind. */
final class SubjectArrays {

  private SubjectArrays() {}

  /**
   * Subject keys as an array of a subject column's kind, with their tokens under every key of the
   * ring where the column may hold tokens. A key that cannot be of that kind matches no row, so it
   * is left out.
   */
  static Sql.ArrayParam of(
      ColumnType.Family family, Set<String> subjects, Optional<Tokens> subjectTokens) {
    return of(family, false, subjects, subjectTokens);
  }

  /**
   * As above; {@code foldsCase}: the column compares text whatever its case (citext), and a stage
   * makes the token of the key in lower case ({@link #tokenKey}), so the key's tokens are of both.
   */
  static Sql.ArrayParam of(
      ColumnType.Family family,
      boolean foldsCase,
      Set<String> subjects,
      Optional<Tokens> subjectTokens) {
    // Where a pseudonymise stage turned the subject column into tokens, the rows it transformed
    // carry the token of the key: spare those too, or a later delete would take them.
    var withTokens = subjectTokens.orElse(null);
    return switch (family) {
      case INTEGER, BIGINT -> {
        var keys = subjects.stream().map(Tokens::wholeNumber).flatMap(Optional::stream);
        if (withTokens != null) {
          // the token a stage made of the number as the column writes it: 08 is 8
          for (var under : withTokens.everyKey()) {
            keys =
                java.util.stream.Stream.concat(
                    keys,
                    subjects.stream()
                        .map(s -> Tokens.wholeNumber(s).map(n -> Long.toString(n)).orElse(s.trim()))
                        .map(under::number));
          }
        }
        yield new Sql.ArrayParam("int8", keys.mapToLong(Long::longValue).toArray());
      }
      case UUID -> {
        var keys = subjects.stream().map(SubjectArrays::parseUuid).flatMap(Optional::stream);
        if (withTokens != null) {
          for (var under : withTokens.everyKey()) {
            keys =
                java.util.stream.Stream.concat(
                    keys, subjects.stream().map(s -> under.uuid(s.trim())));
          }
        }
        yield new Sql.ArrayParam("uuid", keys.toArray(UUID[]::new));
      }
      default -> {
        var keys = subjects.stream();
        if (withTokens != null) {
          for (var under : withTokens.everyKey()) {
            keys = java.util.stream.Stream.concat(keys, subjects.stream().map(under::text));
            if (foldsCase) {
              keys =
                  java.util.stream.Stream.concat(
                      keys,
                      subjects.stream()
                          .flatMap(
                              s ->
                                  java.util.stream.Stream.of(
                                      under.text(tokenKey(s, true)),
                                      under.text(Tokens.caseFoldedBefore(s)))));
            }
          }
        }
        yield new Sql.ArrayParam("text", keys.toArray(String[]::new));
      }
    };
  }

  /**
   * What a stage makes the token of, where it makes tokens of the subject column: the key without
   * the blanks around it ("x1" and " x1" are one subject), in lower case where the column compares
   * text whatever its case (citext: Alice and alice are one subject, and a hold placed on alice
   * after the stage found none of the rows tokenised from Alice).
   */
  static String tokenKey(String value, boolean foldsCase) {
    return foldsCase ? Tokens.caseFolded(value) : value.trim();
  }

  private static Optional<UUID> parseUuid(String s) {
    try {
      return Optional.of(UUID.fromString(s.trim()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
