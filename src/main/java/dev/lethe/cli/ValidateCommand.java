package dev.lethe.cli;

import dev.lethe.retention.Validator;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lethe validate}: checks every policy and job file, and reports every problem at once. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check every policy and job file against its schema and the stores' catalogs.")
class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (var context = Contexts.core(LetheCommand.options(spec))) {
      var result = context.getBean(Validator.class).validate();
      var out = spec.commandLine().getOut();
      var err = spec.commandLine().getErr();
      result.problems().warnings().forEach(w -> out.println("warning: " + w));
      result.problems().errors().forEach(e -> err.println(e));
      if (result.problems().hasErrors()) {
        err.println(result.problems().errors().size() + " error(s); nothing was run.");
        return Lethe.BAD_INPUT;
      }
      // only definitions read whole: a policy file with an error would look removed
      var holds =
          HoldsAgainstDefinitions.check(
              context.getBean(dev.lethe.system.LetheProperties.class), result.definitions());
      if (holds.isPresent() && holds.get().error()) {
        err.println(holds.get().message());
        err.println("1 error(s); nothing was run.");
        return Lethe.BAD_INPUT;
      }
      holds.ifPresent(warning -> out.println("warning: " + warning.message()));
      out.printf(
          Locale.ROOT,
          "ok: %d policies, %d jobs%n",
          result.definitions().policies().size(),
          result.definitions().jobs().size());
      return Lethe.DONE;
    }
  }
}
