package dev.lethe;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * Each capability is a module: others use only its top package, and no two depend on each other.
 */
class ModuleStructureTests {

  @Test
  void capabilitiesDependOnEachOtherOnlyThroughTheirFacesAndWithoutCycles() {
    ApplicationModules.of("dev.lethe").verify();
  }
}
