/**
 * Policy and job files: read from YAML with the line of every field kept, checked against their
 * schema, and turned into values the rest of Lethe runs on.
 */
package dev.lethe.policy;
