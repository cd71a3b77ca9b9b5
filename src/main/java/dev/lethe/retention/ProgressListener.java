package dev.lethe.retention;

/** Told after every committed window, so that a terminal can show how a long run is going. */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener SILENT = (policy, progress) -> {};

  void windowDone(String policy, PolicyProgress progress);
}
