package dev.lethe.store.jdbc;

/** A column as the catalog gives it: its SQL type (as PostgreSQL prints it) and its family. */
record ColumnType(String name, String sqlType, Family family, boolean notNull) {

  /** The kinds of column Lethe reasons about. */
  enum Family {
    INTEGER,
    TEXT,
    UUID,
    DATE,
    TIMESTAMP,
    TIMESTAMPTZ,
    OTHER;

    static Family of(String typname) {
      return switch (typname) {
        case "int2", "int4", "int8" -> INTEGER;
        case "text", "varchar", "bpchar", "citext" -> TEXT;
        case "uuid" -> UUID;
        case "date" -> DATE;
        case "timestamp" -> TIMESTAMP;
        case "timestamptz" -> TIMESTAMPTZ;
        default -> OTHER;
      };
    }

    boolean isTime() {
      return this == DATE || this == TIMESTAMP || this == TIMESTAMPTZ;
    }
  }
}
