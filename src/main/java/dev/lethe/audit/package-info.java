/**
 * The audit trail: every change Lethe makes, as entries appended in order and chained by SHA-256,
 * so that an edited, deleted or reordered entry, or an edited report, is found by {@code lethe
 * audit verify}; and what was done to one subject, found through the subject's token.
 */
package dev.lethe.audit;
