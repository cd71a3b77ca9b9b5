/**
 * The console of {@code lethe serve}: pages for compliance officers, analysts, operators and
 * viewers, and the same under {@code /api} as JSON (statistics also as CSV), behind sign-in and
 * roles. Off unless users are configured.
 */
package dev.lethe.console;
