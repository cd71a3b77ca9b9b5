/**
 * Directories of log files as a store, in the making (issue #8): lines read in their formats with
 * the place of every field, fields rewritten in place, and files replaced safely. Not yet a {@link
 * dev.lethe.store.Store}: the next step wires these into one.
 */
package dev.lethe.store.logs;
