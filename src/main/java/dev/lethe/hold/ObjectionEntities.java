package dev.lethe.hold;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** The objections as entities, one in force per subject and purpose (a unique index sees to it). */
interface ObjectionEntities extends JpaRepository<ObjectionEntity, Long> {

  List<ObjectionEntity> findAllByOrderByIdAsc();

  List<ObjectionEntity> findByLiftedAtIsNullOrderByIdAsc();

  Optional<ObjectionEntity> findBySubjectAndPurposeAndLiftedAtIsNull(
      String subject, String purpose);
}
