package dev.lethe.subject;

import dev.lethe.policy.Definitions;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Carries out the requests not yet done, one per call (one chunk): the ids handled are committed in
 * the step's execution context with it, so a restart goes on with the next, and a request a hold
 * keeps partly done is tried once per run, not over and over.
 */
public final class RequestTasklet implements Tasklet {

  /** The step's name in a run. */
  public static final String STEP = "requests";

  static final String HANDLED = "lethe.requests.handled";

  private final RequestRunner runner;
  private final RequestService requests;
  private final Definitions definitions;
  private final ZonedDateTime now;

  public RequestTasklet(
      RequestRunner runner, RequestService requests, Definitions definitions, ZonedDateTime now) {
    this.runner = runner;
    this.requests = requests;
    this.definitions = definitions;
    this.now = now;
  }

  @Override
  public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
    var step = chunkContext.getStepContext().getStepExecution();
    var context = step.getExecutionContext();
    var handled = handled(context);
    var next = requests.pending().stream().filter(id -> !handled.contains(id)).findFirst();
    if (next.isEmpty()) {
      return RepeatStatus.FINISHED;
    }
    runner.carryOut(next.get(), definitions, now, step.getJobExecutionId());
    var updated = new ArrayList<String>();
    handled.forEach(id -> updated.add(Long.toString(id)));
    updated.add(Long.toString(next.get()));
    context.put(HANDLED, updated);
    contribution.incrementWriteCount(1);
    return RepeatStatus.CONTINUABLE;
  }

  /** The requests the step has carried out so far in this run. */
  @SuppressWarnings("unchecked")
  public static List<Long> handled(ExecutionContext context) {
    var value = (List<String>) context.get(HANDLED);
    return value == null ? List.of() : value.stream().map(Long::valueOf).toList();
  }
}
