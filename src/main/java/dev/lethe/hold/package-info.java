/** Legal holds and restriction flags, and the subjects a purge must spare because of them. */
package dev.lethe.hold;
