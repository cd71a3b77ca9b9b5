/** The worked example's data, generated deterministically for {@code lethe demo}. */
package dev.lethe.demo;
