/**
 * MariaDB and MySQL databases as stores (issue #8): delete and pseudonymise stages on tables with a
 * unique key of one or more columns, sparing held, requested and restricted subjects and rows still
 * referenced; conditions on the table's own columns; statistics; requests reach their rows. Clocks
 * and conditions in other tables, browser-family dimensions and erasure that pseudonymises are
 * refused by validate until they are built (docs/decisions/0013).
 */
package dev.lethe.store.mariadb;
