package io.faultline.executor.run;

import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.AccountRequest;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.CommandTransport;
import io.faultline.executor.fault.CommandTransport.DocumentVersion;
import io.faultline.executor.fault.CommandTransport.Invocation;
import io.faultline.executor.fault.DocumentCall;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.lifecycle.JournalEntry.JournalTarget;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One fault from approval (or takeover) to its single terminal event. */
final class Execution {
  private static final Logger log = LoggerFactory.getLogger(Execution.class);
  private static final Pattern TRACEPARENT =
      Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$");
  private static final int MAX_DETAIL = 1_000;
  private static final int MAX_POLL_ERRORS = 5;

  record Context(
      FaultRegistry registry,
      AccountConnector connector,
      FaultLedger ledger,
      Controls controls,
      RunSettings settings,
      String executorId,
      RandomGenerator random) {}

  /** The partition moved away; stop without acting or publishing. */
  private static final class Released extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Released() {
      super("released", null, false, false);
    }
  }

  private final FaultApproved approval;
  private final int partition;
  private final long offset;
  private final String traceparent;
  private final String traceId;
  private final Context ctx;
  private final AbortSignal signal = new AbortSignal();
  private final Consumer<Void> onFirstWrite;
  private final JournalEntry recoveredFrom;

  private long nextSequence;
  private Phase phase;
  private String heading;
  private List<Target> targets = List.of();
  private final List<TargetOutcome> resolutionOutcomes = new ArrayList<>();
  private final Map<String, TargetOutcome> targetOutcomes = new LinkedHashMap<>();
  private final Set<String> commandIds = new LinkedHashSet<>();
  private boolean terminal;
  private boolean firstWriteDone;

  private Execution(
      FaultApproved approval,
      int partition,
      long offset,
      String traceparent,
      Context ctx,
      Consumer<Void> onFirstWrite,
      JournalEntry recoveredFrom) {
    this.approval = approval;
    this.partition = partition;
    this.offset = offset;
    this.ctx = ctx;
    this.onFirstWrite = onFirstWrite;
    this.recoveredFrom = recoveredFrom;
    Matcher m = traceparent == null ? null : TRACEPARENT.matcher(traceparent);
    if (m != null && m.matches()) {
      this.traceparent = traceparent;
      this.traceId = m.group(1);
    } else {
      // No incoming trace: start one, so every event of the fault shares a trace id.
      HexFormat hex = HexFormat.of();
      this.traceId =
          hex.toHexDigits(ctx.random().nextLong()) + hex.toHexDigits(ctx.random().nextLong());
      this.traceparent = "00-" + traceId + "-" + hex.toHexDigits(ctx.random().nextLong()) + "-01";
    }
    this.nextSequence = approval.sequence() + 1;
    this.phase = Phase.STARTED;
  }

  static Execution fresh(
      FaultApproved approval,
      int partition,
      long offset,
      String traceparent,
      Context ctx,
      Consumer<Void> onFirstWrite) {
    return new Execution(approval, partition, offset, traceparent, ctx, onFirstWrite, null);
  }

  static Execution recovered(FaultApproved approval, JournalEntry entry, Context ctx) {
    Execution e =
        new Execution(
            approval,
            entry.approvalPartition(),
            entry.approvalOffset(),
            entry.traceparent(),
            ctx,
            v -> {},
            entry);
    e.nextSequence = entry.nextSequence();
    e.phase = entry.phase();
    e.heading = entry.heading();
    e.targets =
        entry.targets().stream().map(t -> new Target(t.id(), t.kind(), Map.of(), "")).toList();
    e.commandIds.addAll(entry.commandIds());
    e.firstWriteDone = true;
    return e;
  }

  FaultApproved approval() {
    return approval;
  }

  int partition() {
    return partition;
  }

  void abort(FailureReason reason) {
    log.info("aborting fault {} ({})", approval.faultId(), reason);
    signal.abort(reason);
  }

  void release() {
    signal.release();
  }

  // ---------------------------------------------------------------- the run

  void run() {
    try {
      if (recoveredFrom != null) {
        recover();
      } else {
        execute();
      }
    } catch (Released e) {
      log.info("fault {} released to the partition's new owner", approval.faultId());
    } catch (RuntimeException | Error e) {
      log.error("fault {} failed unexpectedly", approval.faultId(), e);
      if (!terminal && !signal.released()) {
        finishAfterError(e);
      }
    }
  }

  private void execute() {
    Optional<FailureReason> blocked =
        ctx.controls().blocked(approval.tenantId(), approval.faultId(), approval.runId());
    if (blocked.isPresent()) {
      terminal(
          LifecycleStage.ABORTED,
          blocked.get(),
          blocked.get() == FailureReason.HALTED
              ? "not started: tenant or platform is halted"
              : "not started: fault or run was aborted");
      return;
    }
    emit(LifecycleStage.STARTED, Phase.STARTED, null, "executor " + ctx.executorId(), List.of());

    Fault fault = ctx.registry().find(approval.faultType()).orElse(null);
    if (fault == null) {
      terminal(
          LifecycleStage.FAILED,
          FailureReason.INVALID_REQUEST,
          "this executor cannot run fault type " + approval.faultType());
      return;
    }
    FaultSpec spec;
    try {
      spec = fault.spec(approval.parameters());
    } catch (RuntimeException e) {
      terminal(
          LifecycleStage.FAILED,
          FailureReason.INVALID_REQUEST,
          "parameters refused before any command: " + e.getMessage());
      return;
    }
    AccountSession session;
    try {
      session = ctx.connector().connect(accountRequest());
    } catch (TransportException e) {
      terminal(LifecycleStage.FAILED, FailureReason.ASSUME_ROLE, e.getMessage());
      return;
    }
    if (stopBeforeInject()) {
      return;
    }

    TargetResolution.Resolved resolved;
    try {
      resolved =
          TargetResolution.resolve(
              spec.selector(), session, approval.guard(), approval.maxTargets(), ctx.random());
    } catch (TargetResolution.MissingCluster e) {
      terminal(LifecycleStage.FAILED, FailureReason.PRE_CHECK, e.getMessage());
      return;
    } catch (TransportException e) {
      terminal(LifecycleStage.FAILED, FailureReason.TARGET_SELECTION, e.getMessage());
      return;
    }
    resolutionOutcomes.addAll(
        resolved.outcomes().stream()
            .filter(o -> o.status() != TargetStatus.RESOLVED || o.kind().equals(Target.ECS_CLUSTER))
            .toList());
    List<Target> chosen = resolved.targets();
    String summary = resolved.summary();

    if (!chosen.isEmpty() && ctx.settings().precheckSsmOnline() == RunSettings.Precheck.ENFORCE) {
      Set<String> online;
      try {
        online = session.ssmOnline(chosen.stream().map(Target::id).toList());
      } catch (TransportException e) {
        resolutionOutcomes.clear();
        resolutionOutcomes.addAll(resolved.outcomes());
        terminal(
            LifecycleStage.FAILED,
            FailureReason.PRE_CHECK,
            "cannot confirm the targets are SSM-managed and online (failing closed): "
                + e.getMessage());
        return;
      }
      List<Target> reachable = new ArrayList<>();
      for (Target target : chosen) {
        if (online.contains(target.id())) {
          reachable.add(target);
        } else {
          resolutionOutcomes.add(
              new TargetOutcome(
                  target.id(),
                  target.kind(),
                  TargetStatus.SKIPPED,
                  null,
                  "SSM agent not registered or not online"));
        }
      }
      if (reachable.isEmpty()) {
        terminal(
            LifecycleStage.FAILED, FailureReason.PRE_CHECK, "no target has an online SSM agent");
        return;
      }
      chosen = reachable;
    }
    targets = List.copyOf(chosen);
    for (TargetOutcome o : resolved.outcomes()) {
      if (o.status() == TargetStatus.RESOLVED
          && targets.stream().anyMatch(t -> t.id().equals(o.targetId()))) {
        targetOutcomes.put(o.targetId(), o);
      }
    }
    if (targets.isEmpty()) {
      terminal(
          LifecycleStage.FAILED, FailureReason.TARGET_SELECTION, "no eligible target: " + summary);
      return;
    }
    emit(LifecycleStage.TARGETS_RESOLVED, Phase.RESOLVED, null, summary, allOutcomes());

    if (approval.dryRun()) {
      terminal(LifecycleStage.COMPLETED, null, "dry run: targets resolved, nothing injected");
      return;
    }
    if (stopBeforeInject()) {
      return;
    }
    FaultContext faultContext = new FaultContext(approval.faultId(), traceId);
    DocumentVersion version;
    try {
      version = session.ensureDocument(spec.inject(targets.getFirst(), faultContext).document());
    } catch (TransportException e) {
      terminal(LifecycleStage.FAILED, FailureReason.INJECT, "document: " + e.getMessage());
      return;
    }
    Timing timing = spec.timing();
    if (!signal.await(timing.ramp()) && stopBeforeInject()) {
      return;
    }
    if (stopBeforeInject()) {
      return;
    }

    // Intent before any SendCommand: whoever takes over knows what to roll back.
    phase = Phase.INJECTING;
    journal();
    boolean injected = inject(session, spec, faultContext, version, timing);
    if (signal.released()) {
      throw new Released();
    }
    if (!injected || signal.aborted()) {
      FailureReason reason = signal.aborted() ? signal.reason() : FailureReason.INJECT;
      LifecycleStage end = signal.aborted() ? LifecycleStage.ABORTED : LifecycleStage.FAILED;
      heading = end + ":" + reason;
      rollBackAndFinish(session, spec, faultContext, version, end, reason, false);
      return;
    }
    emit(
        LifecycleStage.INJECTED,
        Phase.HOLDING,
        null,
        "held for " + timing.durationSeconds() + " s",
        allOutcomes());
    boolean fullHold = signal.await(timing.hold());
    if (signal.released()) {
      throw new Released();
    }
    if (!fullHold && signal.aborted()) {
      heading = LifecycleStage.ABORTED + ":" + signal.reason();
      rollBackAndFinish(
          session, spec, faultContext, version, LifecycleStage.ABORTED, signal.reason(), false);
      return;
    }
    heading = LifecycleStage.COMPLETED.name();
    rollBackAndFinish(session, spec, faultContext, version, LifecycleStage.COMPLETED, null, true);
  }

  /** Ends the fault before anything was sent when it was aborted or released meanwhile. */
  private boolean stopBeforeInject() {
    if (signal.released()) {
      throw new Released();
    }
    if (signal.aborted()) {
      terminal(LifecycleStage.ABORTED, signal.reason(), "aborted before anything was injected");
      return true;
    }
    return false;
  }

  private void rollBackAndFinish(
      AccountSession session,
      FaultSpec spec,
      FaultContext faultContext,
      DocumentVersion version,
      LifecycleStage end,
      FailureReason reason,
      boolean rampAfter) {
    emit(
        LifecycleStage.ROLLING_BACK,
        Phase.ROLLING_BACK,
        null,
        end == LifecycleStage.COMPLETED ? "hold over" : "stopping: " + reason,
        allOutcomes());
    RollbackResult result = rollback(session, spec, faultContext, version);
    if (rampAfter && result.ok()) {
      signal.await(spec.timing().ramp());
    }
    if (!result.ok()) {
      terminal(LifecycleStage.FAILED, result.reason(), result.detail());
    } else if (end == LifecycleStage.COMPLETED) {
      terminal(LifecycleStage.COMPLETED, null, "rolled back " + targets.size() + " targets");
    } else {
      terminal(end, reason, describeStop(reason) + "; rolled back " + targets.size() + " targets");
    }
  }

  private static String describeStop(FailureReason reason) {
    return switch (reason) {
      case ABORTED -> "aborted by a control";
      case HALTED -> "aborted: tenant or platform halted";
      case INJECT -> "inject failed on at least one target";
      default -> String.valueOf(reason);
    };
  }

  private void recover() {
    if (phase == Phase.TERMINAL) {
      return;
    }
    if (!phase.mayHaveInjected()) {
      terminal(
          LifecycleStage.FAILED,
          FailureReason.EXECUTOR_LOST,
          "executor " + recoveredFrom.executor() + " was lost before any command was sent");
      return;
    }
    if (phase != Phase.ROLLING_BACK) {
      emit(
          LifecycleStage.ROLLING_BACK,
          Phase.ROLLING_BACK,
          null,
          "executor " + recoveredFrom.executor() + " was lost; " + ctx.executorId() + " rolls back",
          allOutcomes());
    }
    Fault fault = ctx.registry().find(approval.faultType()).orElseThrow();
    FaultSpec spec = fault.spec(approval.parameters());
    FaultContext faultContext = new FaultContext(approval.faultId(), traceId);
    AccountSession session;
    DocumentVersion version;
    try {
      session = ctx.connector().connect(accountRequest());
      version = session.ensureDocument(spec.rollback(targets.getFirst(), faultContext).document());
    } catch (TransportException e) {
      terminal(
          LifecycleStage.FAILED,
          FailureReason.ROLLBACK,
          "cannot reach the account to roll back (host-side timers revert): " + e.getMessage());
      return;
    }
    RollbackResult result = rollback(session, spec, faultContext, version);
    String lost =
        "executor " + recoveredFrom.executor() + " was lost; rolled back by " + ctx.executorId();
    if (!result.ok()) {
      terminal(LifecycleStage.FAILED, result.reason(), lost + ": " + result.detail());
    } else if (LifecycleStage.COMPLETED.name().equals(heading)) {
      terminal(LifecycleStage.COMPLETED, null, lost + " after the full hold");
    } else if (heading != null && heading.startsWith("ABORTED:")) {
      terminal(
          LifecycleStage.ABORTED,
          FailureReason.valueOf(heading.substring(8)),
          lost + " after abort");
    } else if (heading != null && heading.startsWith("FAILED:")) {
      terminal(LifecycleStage.FAILED, FailureReason.valueOf(heading.substring(7)), lost);
    } else {
      terminal(LifecycleStage.FAILED, FailureReason.EXECUTOR_LOST, lost + " during the fault");
    }
  }

  private void finishAfterError(Throwable error) {
    try {
      if (phase.mayHaveInjected() && !targets.isEmpty()) {
        Fault fault = ctx.registry().find(approval.faultType()).orElseThrow();
        FaultSpec spec = fault.spec(approval.parameters());
        FaultContext faultContext = new FaultContext(approval.faultId(), traceId);
        AccountSession session = ctx.connector().connect(accountRequest());
        DocumentVersion version =
            session.ensureDocument(spec.rollback(targets.getFirst(), faultContext).document());
        rollback(session, spec, faultContext, version);
      }
      terminal(
          LifecycleStage.FAILED, FailureReason.INTERNAL, "internal error: " + error.getMessage());
    } catch (RuntimeException again) {
      log.error(
          "fault {} could not be ended; the journal keeps it for takeover",
          approval.faultId(),
          again);
    }
  }

  // ---------------------------------------------------------------- inject and rollback

  private record Pending(String commandId, Target target) {}

  private record RollbackResult(boolean ok, FailureReason reason, String detail) {}

  /**
   * @return true when every target was injected
   */
  private boolean inject(
      AccountSession session,
      FaultSpec spec,
      FaultContext faultContext,
      DocumentVersion version,
      Timing timing) {
    if (timing.sequence() == Timing.Sequence.SERIAL) {
      for (Target target : targets) {
        if (signal.aborted() || signal.released()) {
          return false;
        }
        Map<Pending, Invocation> results =
            sendAndPoll(
                session,
                version,
                Map.of(spec.inject(target, faultContext), List.of(target)),
                true,
                TargetStatus.INJECTED,
                TargetStatus.INJECT_FAILED);
        if (results.values().stream().anyMatch(i -> i.status() != Invocation.Status.SUCCESS)) {
          return false;
        }
      }
      return true;
    }
    Map<DocumentCall, List<Target>> groups = new LinkedHashMap<>();
    for (Target target : targets) {
      groups.computeIfAbsent(spec.inject(target, faultContext), c -> new ArrayList<>()).add(target);
    }
    Map<Pending, Invocation> results =
        sendAndPoll(
            session, version, groups, true, TargetStatus.INJECTED, TargetStatus.INJECT_FAILED);
    return results.size() == targets.size()
        && results.values().stream().allMatch(i -> i.status() == Invocation.Status.SUCCESS);
  }

  private RollbackResult rollback(
      AccountSession session, FaultSpec spec, FaultContext faultContext, DocumentVersion version) {
    Map<DocumentCall, List<Target>> groups = new LinkedHashMap<>();
    if (spec.timing().sequence() == Timing.Sequence.SERIAL) {
      for (Target target : targets) {
        sendAndPoll(
            session,
            version,
            Map.of(spec.rollback(target, faultContext), List.of(target)),
            false,
            TargetStatus.ROLLED_BACK,
            TargetStatus.ROLLBACK_FAILED);
      }
    } else {
      for (Target target : targets) {
        groups
            .computeIfAbsent(spec.rollback(target, faultContext), c -> new ArrayList<>())
            .add(target);
      }
      sendAndPoll(
          session, version, groups, false, TargetStatus.ROLLED_BACK, TargetStatus.ROLLBACK_FAILED);
    }
    List<String> failed =
        targets.stream()
            .filter(
                t -> {
                  TargetOutcome o = targetOutcomes.get(t.id());
                  return o == null || o.status() != TargetStatus.ROLLED_BACK;
                })
            .map(Target::id)
            .toList();
    if (!failed.isEmpty()) {
      return new RollbackResult(
          false,
          FailureReason.ROLLBACK,
          "rollback failed on " + failed + " (host-side timers revert)");
    }
    Map<String, String> unverified;
    try {
      unverified = spec.verify(targets, session);
    } catch (TransportException e) {
      unverified =
          targets.stream()
              .collect(
                  Collectors.toMap(
                      Target::id,
                      t -> "cannot verify: " + e.getMessage(),
                      (a, b) -> a,
                      LinkedHashMap::new));
    }
    if (spec.verifies()) {
      for (Target target : targets) {
        if (!unverified.containsKey(target.id())) {
          targetOutcomes.put(
              target.id(),
              new TargetOutcome(
                  target.id(), target.kind(), TargetStatus.VERIFIED, outcomeCommand(target), null));
        }
      }
    }
    if (!unverified.isEmpty()) {
      for (Target target : targets) {
        String why = unverified.get(target.id());
        if (why != null) {
          targetOutcomes.put(
              target.id(),
              new TargetOutcome(
                  target.id(),
                  target.kind(),
                  TargetStatus.ROLLBACK_FAILED,
                  outcomeCommand(target),
                  why));
        }
      }
      return new RollbackResult(false, FailureReason.VERIFY, "verification failed: " + unverified);
    }
    return new RollbackResult(true, null, null);
  }

  private String outcomeCommand(Target target) {
    TargetOutcome o = targetOutcomes.get(target.id());
    return o == null ? null : o.ssmCommandId();
  }

  /**
   * Sends each call to its targets in batches of at most 50 instances, then polls every invocation
   * with capped exponential backoff until done, timed out, or (when abortable) aborted, in which
   * case the commands still running are cancelled.
   */
  private Map<Pending, Invocation> sendAndPoll(
      CommandTransport transport,
      DocumentVersion version,
      Map<DocumentCall, List<Target>> groups,
      boolean abortable,
      TargetStatus okStatus,
      TargetStatus failStatus) {
    List<Pending> pending = new ArrayList<>();
    Map<Pending, Invocation> results = new LinkedHashMap<>();
    String comment = "faultline trace=" + traceId + " fault=" + approval.faultId();
    for (Map.Entry<DocumentCall, List<Target>> group : groups.entrySet()) {
      List<Target> all = group.getValue();
      for (int i = 0; i < all.size(); i += CommandTransport.MAX_INSTANCES_PER_COMMAND) {
        List<Target> batch =
            all.subList(i, Math.min(all.size(), i + CommandTransport.MAX_INSTANCES_PER_COMMAND));
        try {
          String commandId =
              transport.send(
                  version,
                  batch.stream().map(Target::id).toList(),
                  group.getKey().parameters(),
                  comment);
          commandIds.add(commandId);
          batch.forEach(t -> pending.add(new Pending(commandId, t)));
        } catch (TransportException e) {
          for (Target t : batch) {
            Pending p = new Pending(null, t);
            results.put(p, new Invocation(Invocation.Status.FAILED, "not sent: " + e.getMessage()));
            record(p, results.get(p), okStatus, failStatus);
          }
        }
      }
    }
    Duration wait = ctx.settings().pollInitial();
    Instant deadline = Instant.now().plus(ctx.settings().commandTimeout());
    Map<Pending, Integer> errors = new LinkedHashMap<>();
    while (true) {
      for (Pending p : pending) {
        if (results.containsKey(p)) {
          continue;
        }
        try {
          Invocation invocation = transport.invocation(p.commandId(), p.target().id());
          if (invocation.status().done()) {
            results.put(p, invocation);
            record(p, invocation, okStatus, failStatus);
          }
        } catch (TransportException e) {
          if (errors.merge(p, 1, Integer::sum) >= MAX_POLL_ERRORS) {
            Invocation failed =
                new Invocation(Invocation.Status.FAILED, "cannot read: " + e.getMessage());
            results.put(p, failed);
            record(p, failed, okStatus, failStatus);
          }
        }
      }
      if (pending.stream().allMatch(results::containsKey)) {
        return results;
      }
      if (Instant.now().isAfter(deadline)) {
        for (Pending p : pending) {
          if (!results.containsKey(p)) {
            Invocation timedOut =
                new Invocation(
                    Invocation.Status.TIMED_OUT,
                    "no result within " + ctx.settings().commandTimeout().toSeconds() + " s");
            results.put(p, timedOut);
            record(p, timedOut, okStatus, failStatus);
          }
        }
        return results;
      }
      if (abortable) {
        if (!signal.await(wait)) {
          if (signal.aborted()) {
            cancel(transport, pending.stream().filter(p -> !results.containsKey(p)).toList());
          }
          return results;
        }
      } else {
        try {
          // Polling backoff during rollback, where an abort must not cut the wait short.
          Thread.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return results;
        }
      }
      Duration doubled = wait.multipliedBy(2);
      wait = doubled.compareTo(ctx.settings().pollMax()) > 0 ? ctx.settings().pollMax() : doubled;
    }
  }

  private void cancel(CommandTransport transport, List<Pending> inFlight) {
    for (String commandId : inFlight.stream().map(Pending::commandId).distinct().toList()) {
      try {
        transport.cancel(commandId);
        log.info("cancelled command {} of fault {}", commandId, approval.faultId());
      } catch (TransportException e) {
        // moto (and a throttled SSM) may refuse; rollback runs anyway and the host timer is armed.
        log.warn(
            "CancelCommand {} of fault {} failed, continuing with rollback: {}",
            commandId,
            approval.faultId(),
            e.getMessage());
      }
    }
  }

  private void record(
      Pending p, Invocation invocation, TargetStatus okStatus, TargetStatus failStatus) {
    boolean ok = invocation.status() == Invocation.Status.SUCCESS;
    String detail = resultDetail(invocation);
    if (!ok && detail == null) {
      detail = invocation.status().name().toLowerCase(java.util.Locale.ROOT);
    }
    targetOutcomes.put(
        p.target().id(),
        new TargetOutcome(
            p.target().id(), p.target().kind(), ok ? okStatus : failStatus, p.commandId(), detail));
  }

  /** The script's FAULTLINE_RESULT lines (per PID, per rule), else the first output line. */
  private static String resultDetail(Invocation invocation) {
    List<ResultLine> lines = ResultLine.parseAll(invocation.output());
    String detail;
    if (!lines.isEmpty()) {
      detail =
          lines.stream()
              .map(
                  l ->
                      l.fields().entrySet().stream()
                          .map(e -> e.getKey() + "=" + e.getValue())
                          .collect(Collectors.joining(" ")))
              .collect(Collectors.joining("; "));
    } else if (invocation.status() != Invocation.Status.SUCCESS && !invocation.output().isBlank()) {
      detail = invocation.output().strip().lines().findFirst().orElse("");
    } else {
      return null;
    }
    return detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
  }

  // ---------------------------------------------------------------- events and journal

  private AccountRequest accountRequest() {
    return new AccountRequest(
        approval.faultId(),
        approval.tenantId(),
        approval.experimentId(),
        approval.accountId(),
        approval.region(),
        approval.access());
  }

  private List<TargetOutcome> allOutcomes() {
    List<TargetOutcome> all = new ArrayList<>(resolutionOutcomes);
    all.addAll(targetOutcomes.values());
    return all;
  }

  private void emit(
      LifecycleStage stage,
      Phase next,
      FailureReason reason,
      String detail,
      List<TargetOutcome> outcomes) {
    if (signal.released()) {
      throw new Released();
    }
    FaultLifecycleEvent event =
        new FaultLifecycleEvent(
            approval.faultId(),
            approval.tenantId(),
            approval.experimentId(),
            approval.runId(),
            approval.faultType(),
            approval.accountId(),
            approval.region(),
            stage,
            nextSequence,
            Instant.now(),
            stage.producer(),
            approval.dryRun(),
            approval.parameters().asMap(),
            outcomes,
            List.copyOf(commandIds),
            reason,
            detail == null
                ? null
                : (detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail),
            List.of(),
            traceId);
    nextSequence++;
    phase = next;
    ctx.ledger().write(event, traceparent, entry());
    if (!firstWriteDone) {
      firstWriteDone = true;
      onFirstWrite.accept(null);
    }
    log.info("fault {} {} (seq {})", approval.faultId(), stage, event.sequence());
  }

  private void terminal(LifecycleStage stage, FailureReason reason, String detail) {
    if (terminal) {
      return;
    }
    emit(stage, Phase.TERMINAL, reason, detail, allOutcomes());
    terminal = true;
  }

  private void journal() {
    if (signal.released()) {
      throw new Released();
    }
    ctx.ledger().write(null, null, entry());
  }

  private JournalEntry entry() {
    return new JournalEntry(
        approval.faultId().value(),
        approval.tenantId().value(),
        phase,
        nextSequence,
        partition,
        offset,
        traceparent,
        targets.stream().map(t -> new JournalTarget(t.id(), t.kind())).toList(),
        List.copyOf(commandIds),
        heading,
        ctx.executorId(),
        Instant.now());
  }
}
