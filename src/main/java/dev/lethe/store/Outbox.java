package dev.lethe.store;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Where a store keeps the audit records of the windows it committed, until the control database has
 * them (docs/decisions/0016). A window writes its record in the same transaction as its DELETE or
 * UPDATE (for log files: beside them, before the rename), so a window's rows never leave without
 * their record, whatever fails after: the engine appends the record to the trail, then tells the
 * store it is taken; every run first takes what an earlier one left.
 */
public interface Outbox {

  /** A window's record, as the engine wrote it: opaque to the store. */
  record Entry(UUID id, byte[] payload) {}

  /** Creates what the store needs to keep records, where it is missing and Lethe may. */
  void prepare();

  /**
   * The records not yet taken. For a store that cannot roll a change and its record back together
   * (log files), only those whose change did happen; the others are dropped.
   */
  List<Entry> pending();

  /** The control database has these records: the store may forget them. */
  void taken(Collection<UUID> ids);

  /** A store that keeps no records (one Lethe never changes in windows). */
  Outbox NONE =
      new Outbox() {
        @Override
        public void prepare() {}

        @Override
        public List<Entry> pending() {
          return List.of();
        }

        @Override
        public void taken(Collection<UUID> ids) {}
      };
}
