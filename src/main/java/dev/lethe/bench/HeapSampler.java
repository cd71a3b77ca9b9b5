package dev.lethe.bench;

import java.lang.management.ManagementFactory;

/**
 * The most heap in use at once during a run, sampled every few milliseconds. Not the sum of each
 * memory pool's own peak (those peaks come at different moments, and their sum can exceed the
 * heap's limit): what a {@code -Xmx} must leave room for, garbage not yet collected included.
 */
final class HeapSampler implements AutoCloseable {

  private final Thread thread;
  private volatile boolean running = true;
  private volatile long peak;

  HeapSampler() {
    System.gc(); // start from the live set, not from what the generation left
    var memory = ManagementFactory.getMemoryMXBean();
    peak = memory.getHeapMemoryUsage().getUsed();
    thread =
        new Thread(
            () -> {
              while (running) {
                peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "lethe-bench-heap");
    thread.setDaemon(true);
    thread.start();
  }

  /** The most heap in use at once since this sampler started, in MiB. */
  long peakMiB() {
    return peak / (1024 * 1024);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
