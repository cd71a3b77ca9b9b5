package dev.lethe.schedule;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** The fire times the cluster handled, the latest first: what the console's dashboard shows. */
public interface ScheduledFires extends JpaRepository<ScheduledFire, ScheduledFire.Key> {

  List<ScheduledFire> findTop20ByOrderByFireTimeDescJobAsc();
}
