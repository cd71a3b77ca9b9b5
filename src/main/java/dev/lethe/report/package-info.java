/** What a run did, per policy, for compliance: stored, written to files, printed. */
package dev.lethe.report;
