package dev.lethe;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * {@code lethe serve} with its HTTP port: everything a run needs, plus what Spring Boot configures
 * from the class path: the embedded web server, Actuator's health and Prometheus endpoints, and the
 * meter registry that {@code RunMetrics} records into.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import({RecordsConfiguration.class, dev.lethe.console.ConsoleConfiguration.class})
public class ServeConfiguration {}
