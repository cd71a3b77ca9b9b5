/**
 * Requests of data subjects: erasure, access and export, withdrawal of consent. Received from the
 * command line, recorded in the control database, carried out by a step of a run across every
 * store, and never applied twice.
 */
package dev.lethe.subject;
