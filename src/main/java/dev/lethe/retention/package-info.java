/**
 * The purge: a job definition becomes a Spring Batch job with a step per policy, purging in keyset
 * windows; the dry-run, guards, the run's identity and its lock.
 */
package dev.lethe.retention;
