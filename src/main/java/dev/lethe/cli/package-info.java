/** The command line: one class per command, each starting only the context it needs. */
package dev.lethe.cli;
