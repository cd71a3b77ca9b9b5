package dev.lethe.policy;

import java.util.Arrays;
import java.util.Optional;

/** The GDPR article 6 grounds a policy names for keeping its data. */
public enum LegalBasis {
  CONTRACT("contract"),
  LEGAL_OBLIGATION("legal-obligation"),
  LEGITIMATE_INTEREST("legitimate-interest"),
  CONSENT("consent");

  private final String yamlName;

  LegalBasis(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  static Optional<LegalBasis> of(String text) {
    return Arrays.stream(values()).filter(b -> b.yamlName.equals(text)).findFirst();
  }

  static String names() {
    return String.join(" | ", Arrays.stream(values()).map(LegalBasis::yamlName).toList());
  }
}
