package dev.lethe.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes: which configuration, policies and jobs to use. */
public class GlobalOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "a YAML or properties file overriding the built-in configuration")
  Path config;

  @Option(
      names = "--policies",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description = "the folder of policy files (default: retention-policies)")
  Path policies;

  @Option(
      names = "--jobs",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description = "the folder of job files (default: jobs)")
  Path jobs;
}
