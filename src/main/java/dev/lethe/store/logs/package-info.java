/**
 * A directory of log files as a store ({@code kind: logfiles}): lines read in their format with the
 * place of every field, fields rewritten in place, files replaced safely, and what was made a token
 * recorded beside the logs so that no line is transformed twice (docs/decisions/0012).
 */
package dev.lethe.store.logs;
