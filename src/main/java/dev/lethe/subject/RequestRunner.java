package dev.lethe.subject;

import dev.lethe.hold.HoldsInForce;
import dev.lethe.policy.Definitions;
import dev.lethe.policy.Policy;
import dev.lethe.store.HoldCheck;
import dev.lethe.store.RequestKeepers;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreRegistry;
import dev.lethe.store.SubjectData;
import dev.lethe.transform.Keys;
import dev.lethe.transform.Tokens;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Carries out one request as far as it can go now, policy by policy, in every store: each policy's
 * change is one transaction in its store, then its outcome is recorded in the control database. A
 * policy whose outcome is final is skipped next time, so a rerun after a crash, or the next night's
 * run of a request a hold kept partly done, applies nothing twice.
 */
public class RequestRunner {

  private final RequestService requests;
  private final StoreRegistry stores;
  private final HoldsInForce holds;
  private final Keys keys;
  private final ExportWriter exports;
  private final org.springframework.jdbc.core.simple.JdbcClient control;
  private final DataSource dataSource;
  private final org.springframework.transaction.support.TransactionTemplate gate;
  private final SuppressionList suppressions;
  private final dev.lethe.hold.TokenisedRows tokenisedRows;
  private final dev.lethe.audit.AuditTrail audit;
  private final java.time.Clock clock;
  private final dev.lethe.hold.SubjectFlags flags;
  private final RequestRecords records;
  private final ReachCheck reach;
  private final RequestOutcomes outcomes;

  public RequestRunner(
      java.time.Clock clock,
      dev.lethe.hold.SubjectFlags flags,
      dev.lethe.audit.AuditTrail audit,
      dev.lethe.hold.TokenisedRows tokenisedRows,
      SuppressionList suppressions,
      RequestService requests,
      RequestOutcomes outcomes,
      StoreRegistry stores,
      HoldsInForce holds,
      Keys keys,
      ExportWriter exports,
      DataSource control,
      org.springframework.transaction.PlatformTransactionManager transactions) {
    this.control = org.springframework.jdbc.core.simple.JdbcClient.create(control);
    this.dataSource = control;
    this.gate = new org.springframework.transaction.support.TransactionTemplate(transactions);
    // the gate is one policy's change long, never the request's or the run's chunk
    gate.setPropagationBehavior(
        org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.clock = clock;
    this.flags = flags;
    this.audit = audit;
    this.records = new RequestRecords(outcomes, stores, audit, control);
    this.reach = new ReachCheck(requests, outcomes, stores);
    this.outcomes = outcomes;
    this.tokenisedRows = tokenisedRows;
    this.suppressions = suppressions;
    this.requests = requests;
    this.stores = stores;
    this.holds = holds;
    this.keys = keys;
    this.exports = exports;
  }

  /** Takes what earlier runs left in every store of any request ({@link RequestRecords}). */
  public void recoverAll(Definitions definitions, Long runId) {
    records.recoverAll(definitions, runId);
  }

  /** The advisory lock of one request: held by its runner, and by a cancel until it commits. */
  static String lockName(long id) {
    return "lethe.request." + id;
  }

  public SubjectRequest carryOut(long id, Definitions definitions, ZonedDateTime now, Long runId) {
    // one runner at a time per request, whichever job or process: the other one leaves it
    var lock = dev.lethe.system.SessionLock.tryAcquire(dataSource, lockName(id));
    if (lock.isEmpty()) {
      return requests.find(id);
    }
    try (var held = lock.get()) {
      return carryOutHeld(id, definitions, now, runId);
    }
  }

  private SubjectRequest carryOutHeld(
      long id, Definitions definitions, ZonedDateTime now, Long runId) {
    var request = requests.find(id);
    if (request.closed()) {
      return request;
    }
    var tokens =
        keys.tokens()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "request "
                            + id
                            + " needs the pseudonymisation key, and none is configured. Fix: set"
                            + " lethe.pseudonymisation.key-id and its key"));
    var scope =
        new RetentionScope(
            now,
            List.copyOf(definitions.policies().values()),
            List.of(),
            keys.tokens(),
            tokenisedRows.all());
    var policies = ordered(policiesFor(request, definitions));
    var finished =
        request.outcomes().stream()
            .filter(SubjectRequest.Outcome::fin)
            .map(SubjectRequest.Outcome::policy)
            .collect(Collectors.toSet());
    String exportFile = null;
    if (request.kind() == RequestKind.EXPORT) {
      exportFile = export(request, policies, scope, now, runId).toString();
    } else {
      erase(request, policies, finished, scope, tokens, runId);
    }
    reach.check(request, policies, runId);
    return requests.settle(id, exportFile);
  }

  /** Erasure: every policy; withdrawal of consent: the policies held by consent for the purpose. */
  static List<Policy> policiesFor(SubjectRequest request, Definitions definitions) {
    return policiesFor(request.kind(), request.purpose(), definitions);
  }

  static List<Policy> policiesFor(RequestKind kind, String purpose, Definitions definitions) {
    var all = definitions.policies().values().stream();
    if (kind == RequestKind.WITHDRAW_CONSENT) {
      all = all.filter(p -> RequestKeepers.ends(p, purpose));
    }
    return all.toList();
  }

  /** Store by store; within one, tables that reference others first, as a purge runs them. */
  private List<Policy> ordered(List<Policy> policies) {
    var byStore = new TreeMap<String, List<Policy>>();
    policies.forEach(p -> byStore.computeIfAbsent(p.store(), s -> new ArrayList<>()).add(p));
    var ordered = new ArrayList<Policy>();
    byStore.forEach((store, list) -> ordered.addAll(stores.store(store).executionOrder(list)));
    return ordered;
  }

  private void erase(
      SubjectRequest request,
      List<Policy> policies,
      Set<String> finished,
      RetentionScope scope,
      Tokens tokens,
      Long runId) {
    var casesByPolicy =
        new HashMap<>(RequestHoldCheck.casesOf(holds.activeOn(request.subject()), scope));
    var keepers =
        request.kind() == RequestKind.WITHDRAW_CONSENT
            ? RequestKeepers.forWithdrawal(scope.allPolicies(), request.purpose())
            : RequestKeepers.forErasure(scope.allPolicies());
    // what an earlier run changed and did not record is recorded first: the outcomes below
    // count it, and the trail has it once
    for (var store : new TreeSet<>(policies.stream().map(Policy::store).toList())) {
      records.recoverIn(store, request.id(), runId);
    }
    RuntimeException failure = null;
    for (var policy : policies) {
      if (finished.contains(policy.name())) {
        continue;
      }
      boolean anyCase = false;
      try {
        var data = stores.store(policy.store()).subjectData(policy, scope);
        anyCase = data.anyCase();
        if (request.kind() == RequestKind.WITHDRAW_CONSENT && policy.contact() != null) {
          // the tokens first, committed before the addresses go: a crash in between loses nothing
          var contacts = data.contacts(request.subject(), keepers);
          suppressions.add(
              request.purpose(),
              tokens.keyId(),
              contacts.stream().map(a -> Suppression.token(tokens, a)).distinct().toList(),
              request.id());
        }
        // the change and its last look at the holds in one stretch of the control database that
        // keeps a new hold on the subject out until the change has committed
        var recorder = new ChangeRecorder(audit, request, policy, runId);
        var check = heldNow(request.subject(), policy, scope);
        var outcome =
            data.commitsInParts()
                ? data.erase(request.subject(), check, keepers, recorder) // each part in a gate
                : inHoldGate(
                    request.subject(),
                    () -> data.erase(request.subject(), check, keepers, recorder));
        var changes = recorder.written();
        records.take(policy.store(), changes);
        var cases = RequestHoldCheck.casesOf(holds.activeOn(request.subject()), scope);
        cases.forEach(casesByPolicy::putIfAbsent);
        // a policy held by a hold on another case of the key (placed while the change worked)
        RequestHoldCheck.casesOf(holds.activeOnAnyCase(request.subject()), scope)
            .forEach(casesByPolicy::putIfAbsent);
        // the outcome speaks of every row the request changed under the policy, in this run and
        // before it: a try that finds nothing left after one that deleted says what was deleted
        var soFar = outcomes.changedSoFar(request.id(), policy.name());
        var standing =
            new SubjectData.ErasureOutcome(
                soFar[0],
                soFar[1],
                outcome.referenced(),
                outcome.heldBy(),
                outcome.kept(),
                outcome.keptBy(),
                outcome.left(),
                outcome.leftBecause(),
                outcome.remaining());
        outcomes.recordStanding(
            request.id(),
            OutcomeWords.of(policy, standing, casesByPolicy, runId),
            !changes.isEmpty(),
            anyCase);
      } catch (dev.lethe.store.StoreException.LockWait wait) {
        throw wait; // an application's lock: the request is tried again once the others are done
      } catch (dev.lethe.store.StoreException e) {
        // a store's refusal leaves the others to be done; the outcome says why, what the
        // request changed under the policy so far, and never that nothing is held. (The control
        // database failing stops the request: nothing after it could be recorded.)
        var soFar = outcomes.changedSoFar(request.id(), policy.name());
        var done = RequestRecord.changes(soFar[0], soFar[1]);
        outcomes.recordStanding(
            request.id(),
            new SubjectRequest.Outcome(
                policy.name(),
                policy.store(),
                false,
                (done.isEmpty() ? "" : done + " so far, then ")
                    + "failed: "
                    + e.getMessage()
                    + "; tried again at the next run",
                0,
                0,
                0,
                0,
                0,
                null,
                runId),
            false,
            anyCase);
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private HoldCheck heldNow(String subject, Policy policy, RetentionScope scope) {
    return new RequestHoldCheck(subject, policy, scope, holds, flags, stores, control, gate);
  }

  /** Runs {@code work} in a transaction of the control database: the subject's gate lasts it. */
  private <T> T inHoldGate(String subject, java.util.function.Supplier<T> work) {
    return gate.execute(status -> work.get());
  }

  /**
   * The export: every row of the subject in every store, grouped by policy, each with its category,
   * legal basis and retention (what art. 15 asks for besides the data). Rows of a table two
   * policies govern are listed under the first and referred to from the second.
   */
  private java.nio.file.Path export(
      SubjectRequest request,
      List<Policy> policies,
      RetentionScope scope,
      ZonedDateTime now,
      Long runId) {
    var document = new LinkedHashMap<String, Object>();
    document.put("request", request.id());
    document.put("subject", request.subject());
    document.put(
        "received",
        java.time.OffsetDateTime.ofInstant(request.receivedAt(), now.getZone()).toString());
    // the moment it was made, not the run's as-of date: a DPO quotes it to the person
    document.put(
        "generated",
        java.time.OffsetDateTime.ofInstant(clock.instant(), now.getZone())
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString());
    var entries = new ArrayList<Map<String, Object>>();
    var listedUnder = new HashMap<String, String>();
    var outcomes = new ArrayList<SubjectRequest.Outcome>();
    var anyCase = new java.util.HashSet<String>();
    for (var policy : policies) {
      var data = stores.store(policy.store()).subjectData(policy, scope);
      if (data.anyCase()) {
        anyCase.add(policy.name());
      }
      var entry = new LinkedHashMap<String, Object>();
      entry.put("policy", policy.name());
      entry.put("description", policy.description());
      entry.put("category", policy.category());
      entry.put("legalBasis", policy.legalBasis().yamlName());
      entry.put("retention", retention(policy));
      entry.put("store", policy.store());
      entry.put("table", policy.table());
      var table = policy.store() + "/" + data.tableIdentity();
      var first = listedUnder.putIfAbsent(table, policy.name());
      long count;
      String text;
      if (first != null) {
        entry.put("rowsListedUnder", first);
        count = 0;
        text = "rows listed under policy " + first;
      } else {
        var rows = data.rows(request.subject());
        entry.put("rows", rows);
        count = rows.size();
        // what could not be read or shown is named in the export: said here too, so that the
        // outcome of an export missing a damaged file does not read as complete
        long untold = rows.stream().filter(r -> r.containsKey("unreadable")).count();
        text =
            count == 0
                ? "no data held"
                : "exported "
                    + count
                    + (untold == 0
                        ? ""
                        : " ("
                            + untold
                            + " of them without their text: lines or files that"
                            + " cannot be read, or in a link; named in the export)");
      }
      entries.add(entry);
      outcomes.add(
          new SubjectRequest.Outcome(
              policy.name(), policy.store(), true, text, 0, 0, count, 0, 0, null, runId));
    }
    document.put("policies", entries);
    var file = exports.write(request.id(), document);
    outcomes.forEach(o -> this.outcomes.record(request.id(), o, anyCase.contains(o.policy())));
    return file;
  }

  /** The policy's stages as a reader understands them: "after P13M: delete". */
  private static List<Map<String, String>> retention(Policy policy) {
    var stages = new ArrayList<Map<String, String>>();
    for (var stage : policy.stages()) {
      var map = new LinkedHashMap<String, String>();
      map.put("after", stage.after().text());
      map.put("action", stage.action().yamlName());
      map.put("from", policy.clock().describe());
      stages.add(map);
    }
    return stages;
  }
}
