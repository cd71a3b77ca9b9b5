package dev.lethe.store.mariadb;

import dev.lethe.store.Outbox;
import dev.lethe.store.StoreException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A MariaDB store's outbox: the table {@code lethe_outbox} in the store's database (MariaDB's
 * schemas are databases: a table beside the store's needs no more rights than a table), written by
 * each window in its own transaction.
 */
final class MariaOutbox implements Outbox {

  static final String TABLE = "lethe_outbox";

  private final String store;
  private final DataSource dataSource;
  private volatile boolean prepared;

  MariaOutbox(String store, DataSource dataSource) {
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
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + TABLE
              + " (id BINARY(16) PRIMARY KEY, written_at DATETIME(6) NOT NULL DEFAULT"
              + " CURRENT_TIMESTAMP(6), payload LONGBLOB NOT NULL) ENGINE=InnoDB");
      prepared = true;
    } catch (SQLException e) {
      var message =
          "store '"
              + store
              + "': Lethe keeps each window's audit record in the table "
              + TABLE
              + " of the store, in the window's own transaction, and cannot create it ("
              + MariaErrors.describe(e)
              + "). Fix: have the database's owner run: CREATE TABLE "
              + TABLE
              + " (id BINARY(16) PRIMARY KEY, written_at DATETIME(6) NOT NULL DEFAULT"
              + " CURRENT_TIMESTAMP(6), payload LONGBLOB NOT NULL) ENGINE=InnoDB; GRANT SELECT,"
              + " INSERT, DELETE ON "
              + TABLE
              + " TO <lethe's user>";
      // 1142: the command is denied to the user: a setting to fix, not a failure of the run
      if (e.getErrorCode() == 1142 || e.getErrorCode() == 1044) {
        throw new dev.lethe.system.BadInputException(message);
      }
      throw new StoreException(message, e);
    }
  }

  static byte[] bytes(UUID id) {
    return ByteBuffer.allocate(16)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .array();
  }

  private static UUID id(byte[] bytes) {
    var buffer = ByteBuffer.wrap(bytes);
    return new UUID(buffer.getLong(), buffer.getLong());
  }

  /** Writes a window's record on the window's own connection, before it commits. */
  static void write(Connection window, Entry entry) throws SQLException {
    try (var ps =
        window.prepareStatement("INSERT INTO " + TABLE + " (id, payload) VALUES (?, ?)")) {
      ps.setBytes(1, bytes(entry.id()));
      ps.setBytes(2, entry.payload());
      ps.executeUpdate();
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
        entries.add(new Entry(id(rs.getBytes(1)), rs.getBytes(2)));
      }
      return entries;
    } catch (SQLException e) {
      throw new StoreException(
          "store '" + store + "': reading " + TABLE + " failed: " + MariaErrors.describe(e), e);
    }
  }

  @Override
  public void taken(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    try (var c = dataSource.getConnection();
        var ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?")) {
      for (var id : ids) {
        ps.setBytes(1, bytes(id));
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new StoreException(
          "store '" + store + "': clearing " + TABLE + " failed: " + MariaErrors.describe(e), e);
    }
  }
}
