package dev.lethe.store.jdbc;

import dev.lethe.store.StatisticCatalogChecks;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A column as the catalog gives it: its SQL type (as PostgreSQL prints it), its family, and the
 * schema of its type (quoted where it must be), where the type's operators are too.
 */
record ColumnType(String name, String sqlType, Family family, boolean notNull, String typeSchema)
    implements StatisticCatalogChecks.Column {

  @Override
  public String typeName() {
    return sqlType;
  }

  @Override
  public boolean isTime() {
    return family.isTime();
  }

  @Override
  public boolean isNumber() {
    return family.isNumber();
  }

  @Override
  public boolean holdsSubjectKeys() {
    return family.isWholeNumber() || family == Family.TEXT || family == Family.UUID;
  }

  @Override
  public boolean isText() {
    return family == Family.TEXT;
  }

  private static final Pattern LENGTH =
      Pattern.compile("^(character varying|character)\\((\\d+)\\)$");

  /** The most characters a text column takes; empty when it takes any number. */
  OptionalInt maxLength() {
    var m = LENGTH.matcher(sqlType);
    return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(2))) : OptionalInt.empty();
  }

  /** The kinds of column Lethe reasons about. */
  enum Family {
    INTEGER,
    BIGINT,
    TEXT,
    UUID,
    DATE,
    TIMESTAMP,
    TIMESTAMPTZ,
    NUMERIC,
    FLOAT,
    INET,
    BOOLEAN,
    OTHER;

    static Family of(String typname) {
      return switch (typname) {
        case "int2", "int4" -> INTEGER;
        case "int8" -> BIGINT;
        case "text", "varchar", "bpchar", "citext" -> TEXT;
        case "uuid" -> UUID;
        case "date" -> DATE;
        case "timestamp" -> TIMESTAMP;
        case "timestamptz" -> TIMESTAMPTZ;
        case "numeric" -> NUMERIC;
        case "float4", "float8" -> FLOAT;
        case "inet", "cidr" -> INET;
        case "bool" -> BOOLEAN;
        default -> OTHER;
      };
    }

    boolean isTime() {
      return this == DATE || this == TIMESTAMP || this == TIMESTAMPTZ;
    }

    boolean isWholeNumber() {
      return this == INTEGER || this == BIGINT;
    }

    boolean isNumber() {
      return isWholeNumber() || this == NUMERIC || this == FLOAT;
    }
  }
}
