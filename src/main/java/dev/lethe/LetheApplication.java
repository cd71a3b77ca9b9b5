package dev.lethe;

import dev.lethe.cli.Lethe;

/** Lethe's entry point: the command line decides what to start. */
public final class LetheApplication {

  private LetheApplication() {}

  public static void main(String[] args) {
    Lethe.main(args);
  }
}
