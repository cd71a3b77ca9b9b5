package dev.lethe.store.jdbc;

import dev.lethe.store.Outbox;
import dev.lethe.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A PostgreSQL store's outbox: {@code lethe.outbox} in the store's database, written by each window
 * in its own transaction. Lethe creates the schema and table where its user may; otherwise they are
 * created once by the store's owner (README shows how).
 */
final class PostgresOutbox implements Outbox {

  static final String TABLE = "lethe.outbox";

  private final String store;
  private final DataSource dataSource;
  private volatile boolean prepared;

  PostgresOutbox(String store, DataSource dataSource) {
    this.store = store;
    this.dataSource = dataSource;
  }

  @Override
  public void prepare() {
    if (prepared) {
      return;
    }
    try (var c = dataSource.getConnection();
        var s = c.createStatement()) {
      if (!exists(c)) {
        // one creator at a time: CREATE ... IF NOT EXISTS races itself in the catalog
        c.setAutoCommit(false);
        s.execute("SELECT pg_advisory_xact_lock(hashtext('lethe.outbox'))");
        s.execute("CREATE SCHEMA IF NOT EXISTS lethe");
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + TABLE
                + " (id uuid PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now(),"
                + " payload bytea NOT NULL)");
        c.commit();
      }
      prepared = true;
    } catch (SQLException e) {
      var message =
          "store '"
              + store
              + "': Lethe keeps each window's audit record in "
              + TABLE
              + " of the store, in the window's own transaction, and cannot create it ("
              + StoreErrors.describe(e)
              + "). Fix: have the database's owner run: CREATE SCHEMA lethe; CREATE TABLE "
              + TABLE
              + " (id uuid PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now(), payload"
              + " bytea NOT NULL); GRANT USAGE ON SCHEMA lethe TO <lethe's user>; GRANT SELECT,"
              + " INSERT, DELETE ON "
              + TABLE
              + " TO <lethe's user>";
      // no right to create them is a setting to fix, not a failure of the run
      if ("42501".equals(e.getSQLState())) {
        throw new dev.lethe.system.BadInputException(message);
      }
      throw new StoreException(message, e);
    }
  }

  private static boolean exists(Connection c) throws SQLException {
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** Writes a window's record on the window's own connection, before it commits. */
  static void write(Connection window, Entry entry) throws SQLException {
    try (var ps =
        window.prepareStatement("INSERT INTO " + TABLE + " (id, payload) VALUES (?, ?)")) {
      ps.setObject(1, entry.id());
      ps.setBytes(2, entry.payload());
      ps.executeUpdate();
    }
  }

  /**
   * Whether the store has the record: asked on a connection of its own after a window's commit
   * failed, to tell a commit that happened (its reply lost) from one that did not.
   */
  static boolean has(javax.sql.DataSource dataSource, UUID id) throws SQLException {
    try (var c = dataSource.getConnection();
        var ps = c.prepareStatement("SELECT count(*) FROM " + TABLE + " WHERE id = ?")) {
      ps.setObject(1, id);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  @Override
  public List<Entry> pending() {
    prepare();
    try (var c = dataSource.getConnection();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT id, payload FROM " + TABLE + " ORDER BY written_at, id")) {
      var entries = new ArrayList<Entry>();
      while (rs.next()) {
        entries.add(new Entry(rs.getObject(1, UUID.class), rs.getBytes(2)));
      }
      return entries;
    } catch (SQLException e) {
      throw new StoreException(
          "store '" + store + "': reading " + TABLE + " failed: " + StoreErrors.describe(e), e);
    }
  }

  @Override
  public void taken(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    try (var c = dataSource.getConnection();
        var ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ANY(?)")) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      ps.executeUpdate();
    } catch (SQLException e) {
      // taken again by the next run, which finds them in the trail already
      throw new StoreException(
          "store '" + store + "': clearing " + TABLE + " failed: " + StoreErrors.describe(e), e);
    }
  }
}
