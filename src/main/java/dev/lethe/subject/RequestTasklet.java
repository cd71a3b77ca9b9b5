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
  static final String FAILED = "lethe.requests.failed";
  static final String FAILURE = "lethe.requests.failure";
  static final String WAITED = "lethe.requests.waited";
  static final String RETRIED = "lethe.requests.retried";

  private final RequestRunner runner;
  private final RequestService requests;
  private final Definitions definitions;
  private final ZonedDateTime now;
  private boolean recovered;

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
    if (!recovered) {
      // what earlier runs changed and did not record, of any request, first
      runner.recoverAll(definitions, step.getJobExecutionId());
      recovered = true;
    }
    var handled = handled(context);
    var failed = ids(context, FAILED);
    var waited = ids(context, WAITED);
    var next =
        requests.pending().stream()
            .filter(id -> !handled.contains(id) && !failed.contains(id) && !waited.contains(id))
            .findFirst();
    boolean again = false;
    if (next.isEmpty()) {
      // a request that waited on an application's lock is tried once more when the others are
      // done: the lock is often gone by then
      var retried = ids(context, RETRIED);
      next = waited.stream().filter(id -> !retried.contains(id)).findFirst();
      if (next.isPresent()) {
        context.put(RETRIED, with(retried, next.get()));
        again = true;
      }
    }
    if (next.isEmpty()) {
      if (!failed.isEmpty()) {
        // the others were carried out; the run fails so that it is seen, and the next run
        // (or lethe restart) tries these again where they stopped
        throw new RequestsFailedException(
            "request(s) "
                + failed
                + " could not be carried out: "
                + context.getString(FAILURE, "")
                + ". Fix: see 'lethe request show ID'; the next 'lethe run requests' goes on"
                + " where each stopped");
      }
      return RepeatStatus.FINISHED;
    }
    try {
      runner.carryOut(next.get(), definitions, now, step.getJobExecutionId());
      context.put(HANDLED, with(handled, next.get()));
      contribution.incrementWriteCount(1);
    } catch (dev.lethe.store.StoreException.LockWait e) {
      if (!again) {
        context.put(WAITED, with(waited, next.get()));
      } else {
        failedWith(context, failed, next.get(), e);
      }
    } catch (RuntimeException e) {
      // one request's failure (a store down) does not hold up the others
      failedWith(context, failed, next.get(), e);
    }
    return RepeatStatus.CONTINUABLE;
  }

  private static void failedWith(
      ExecutionContext context, List<Long> failed, long id, RuntimeException e) {
    context.put(FAILED, with(failed, id));
    if (!context.containsKey(FAILURE)) {
      context.putString(FAILURE, String.valueOf(e.getMessage()));
    }
  }

  private static ArrayList<String> with(List<Long> ids, long id) {
    var list = new ArrayList<String>();
    ids.forEach(i -> list.add(Long.toString(i)));
    list.add(Long.toString(id));
    return list;
  }

  /** Requests that failed in this run, carried out as far as they went. */
  static final class RequestsFailedException extends RuntimeException
      implements dev.lethe.system.ExplainedFailure {
    RequestsFailedException(String message) {
      super(message);
    }
  }

  /** The requests the step has carried out so far in this run. */
  public static List<Long> handled(ExecutionContext context) {
    return ids(context, HANDLED);
  }

  /** The requests the step tried so far in this run: carried out, or failed on the way. */
  public static List<Long> attempted(ExecutionContext context) {
    var all = new ArrayList<>(ids(context, HANDLED));
    all.addAll(ids(context, FAILED));
    return all;
  }

  @SuppressWarnings("unchecked")
  private static List<Long> ids(ExecutionContext context, String key) {
    var value = (List<String>) context.get(key);
    return value == null ? List.of() : value.stream().map(Long::valueOf).toList();
  }
}
