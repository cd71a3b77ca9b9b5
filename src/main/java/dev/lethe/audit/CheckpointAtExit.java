package dev.lethe.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Writes a checkpoint as the process ends, where the trail grew while it ran. Runs write their own
 * as they end; this one covers what a command appended otherwise (holds, restrictions, requests).
 */
public class CheckpointAtExit implements InitializingBean, DisposableBean {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointAtExit.class);

  private final Checkpoints checkpoints;
  private long headAtStart = -1;

  public CheckpointAtExit(Checkpoints checkpoints) {
    this.checkpoints = checkpoints;
  }

  @Override
  public void afterPropertiesSet() {
    try {
      headAtStart = checkpoints.head().map(h -> h.getKey()).orElse(0L);
    } catch (RuntimeException e) {
      // no trail yet (a database being migrated): the first run writes the first checkpoint
      headAtStart = -1;
    }
  }

  @Override
  public void destroy() {
    try {
      long head = checkpoints.head().map(h -> h.getKey()).orElse(0L);
      if (head > headAtStart) {
        checkpoints.write();
      }
    } catch (RuntimeException e) {
      LOG.warn("the trail's checkpoint could not be written: {}", e.getMessage());
    }
  }
}
