package dev.lethe;

import dev.lethe.policy.PolicyCatalogue;
import dev.lethe.retention.Validator;
import dev.lethe.store.StoreRegistry;
import dev.lethe.system.LetheProperties;
import dev.lethe.transform.Keys;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * What every command needs: settings, the stores and the policy files. Starts no database of
 * Lethe's own, so that {@code validate} stays quick.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LetheProperties.class)
@Import({StoreRegistry.class, PolicyCatalogue.class, Validator.class})
public class CoreConfiguration {

  /**
   * The keys, checked against the fingerprints of the control database where the command has one
   * (the check is looked up at the keys' first use, so that the beans that record it can use them).
   */
  @Bean
  Keys keys(LetheProperties properties, ObjectProvider<Keys.KeyCheck> checks) {
    var settings = properties.pseudonymisation();
    return new Keys(
        settings.keyId(),
        settings.keyFile(),
        settings.keyRing(),
        System.getenv(),
        () -> checks.getIfAvailable(() -> Keys.KeyCheck.NONE));
  }

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
