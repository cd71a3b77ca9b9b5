package dev.lethe.system;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.jpa.repository.JpaRepository;

/**
 * What the services that edit Lethe's records as entities share (docs/decisions/0004): writing a
 * change out while its transaction can still say why it failed, and "now" as the database keeps it.
 */
public final class Records {

  private Records() {}

  /**
   * Writes the transaction's changes out now, so that a record someone else changed since it was
   * read (its version moved on) fails here, as bad input saying what happened, and the whole
   * transaction (its trail entry included) rolls back.
   */
  public static void flush(JpaRepository<?, ?> records, Supplier<String> changedMeanwhile) {
    try {
      records.flush();
    } catch (OptimisticLockingFailureException e) {
      throw new BadInputException(changedMeanwhile.get());
    }
  }

  /**
   * The clock's instant in microseconds, as PostgreSQL keeps a timestamp: an entity returned after
   * a change shows what a later read of it finds.
   */
  public static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
