/**
 * MariaDB and MySQL databases as stores (issue #8, a first part): delete stages on tables with a
 * one-column key, sparing held, requested and restricted subjects and rows still referenced;
 * requests reach their rows. Pseudonymise stages, conditions and statistics are refused by validate
 * until they are built.
 */
package dev.lethe.store.mariadb;
