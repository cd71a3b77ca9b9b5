package dev.lethe.subject;

import org.springframework.data.jpa.repository.JpaRepository;

/** The requests as entities, for cancelling them. */
interface RequestEntities extends JpaRepository<RequestEntity, Long> {}
