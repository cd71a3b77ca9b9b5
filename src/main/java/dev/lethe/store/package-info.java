/**
 * Where personal data lives. The policy engine knows a store only through {@link
 * dev.lethe.store.Store} and {@link dev.lethe.store.RetentionTarget}; {@code store.jdbc} is the
 * PostgreSQL kind.
 */
package dev.lethe.store;
