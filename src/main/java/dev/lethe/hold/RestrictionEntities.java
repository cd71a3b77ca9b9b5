package dev.lethe.hold;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** The restrictions as entities, one in force per subject (a unique index sees to it). */
interface RestrictionEntities extends JpaRepository<RestrictionEntity, Long> {

  List<RestrictionEntity> findAllByOrderByIdAsc();

  List<RestrictionEntity> findByLiftedAtIsNullOrderByIdAsc();

  Optional<RestrictionEntity> findBySubjectAndLiftedAtIsNull(String subject);
}
