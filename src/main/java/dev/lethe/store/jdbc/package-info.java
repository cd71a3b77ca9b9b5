/** PostgreSQL stores: catalog reading, policy checks, and the SQL of windows and dry-runs. */
package dev.lethe.store.jdbc;
