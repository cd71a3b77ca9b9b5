package dev.lethe.retention;

/** Told after every committed window, so that a terminal can show how a long run is going. */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener SILENT = (policy, step, steps, progress) -> {};

  /**
   * @param step the policy's place in the run, from 1
   * @param steps how many policies the run has
   */
  void windowDone(String policy, int step, int steps, PolicyProgress progress);

  /** The run has ended, however it ended: whatever a listener shows is finished. */
  default void runEnded() {}
}
