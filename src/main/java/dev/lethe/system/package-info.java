/** Cross-cutting set-up: settings, the control database, the embedded PostgreSQL, bad input. */
package dev.lethe.system;
