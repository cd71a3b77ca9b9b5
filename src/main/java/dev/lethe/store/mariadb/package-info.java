/**
 * MariaDB databases (10.2 or later) as stores (issue #8); a MySQL server is refused, as it has no
 * {@code DELETE ... RETURNING} (see {@code MariaServer}). Delete and pseudonymise stages on tables
 * with a unique key of one or more columns, sparing held, requested and restricted subjects and
 * rows still referenced; clocks and conditions on the table or another one; statistics; erasure,
 * export and withdrawal of consent: what PostgreSQL stores do, in SQL MariaDB has
 * (docs/decisions/0013).
 */
package dev.lethe.store.mariadb;
