package dev.lethe.hold;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** The holds as entities: what the console and the {@code hold} commands list and change. */
interface HoldEntities extends JpaRepository<HoldEntity, Long> {

  List<HoldEntity> findAllByOrderByIdAsc();

  List<HoldEntity> findByReleasedAtIsNullOrderByIdAsc();

  long countByReleasedAtIsNull();
}
