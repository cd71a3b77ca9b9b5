/** {@code lethe bench}: the purge measured against one raw SQL DELETE on the same rows. */
package dev.lethe.bench;
