package io.faultline.scheduler.engine;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.Keys;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunFault;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.RunWave;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.state.TenantState;
import io.faultline.scheduler.state.TimelineEntry;
import io.faultline.scheduler.state.Wave;
import io.faultline.scheduler.state.WaveStatus;
import io.faultline.telemetry.FaultLogContext;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.opentelemetry.api.trace.Span;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one partition's commands and lifecycle events to its stores and fires its due schedules.
 * Everything it writes (stores and output topics) commits atomically with its input offsets under
 * {@code exactly_once_v2}, so a schedule fire survives a crash exactly once; when a crash aborts a
 * transaction, the next owner re-fires the same fire time with the same (deterministic) ids.
 */
final class EngineProcessor implements Processor<String, byte[], String, byte[]> {
  private static final Logger log = LoggerFactory.getLogger(EngineProcessor.class);
  static final URI SOURCE = URI.create("/faultline/scheduler-service");
  static final String SCHEDULER = "scheduler-service";
  static final String NOT_STARTED = "not_started";

  private final Clock clock;
  private final EngineSettings settings;
  private final PublishTelemetry telemetry;
  private final PoisonRecords poison;
  private final EventCodec codec = EventCodec.standard();
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> experiments;
  private KeyValueStore<String, byte[]> schedules;
  private KeyValueStore<String, byte[]> runs;
  private KeyValueStore<String, byte[]> tenants;
  private KeyValueStore<String, byte[]> timelines;

  EngineProcessor(
      Clock clock, EngineSettings settings, PublishTelemetry telemetry, PoisonRecords poison) {
    this.clock = clock;
    this.settings = settings;
    this.telemetry = telemetry;
    this.poison = poison;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> processorContext) {
    this.context = processorContext;
    experiments = processorContext.getStateStore(StoreNames.EXPERIMENTS);
    schedules = processorContext.getStateStore(StoreNames.SCHEDULES);
    runs = processorContext.getStateStore(StoreNames.RUNS);
    tenants = processorContext.getStateStore(StoreNames.TENANTS);
    timelines = processorContext.getStateStore(StoreNames.TIMELINES);
    processorContext.schedule(
        settings.tick(), PunctuationType.WALL_CLOCK_TIME, ignored -> fireDueSchedules());
  }

  /**
   * Applies one record; a record that cannot be read or applied (poison: missing or null-valued
   * headers, an unreadable, empty or oversized value, another event family, a failure while
   * applying it) is counted, logged once with its offset and skipped, so it never stalls the
   * tenant's partition. A {@link StreamsException} is not the record's fault (a store or the
   * producer failed): it propagates, the transaction aborts and the record is processed again.
   */
  @Override
  public void process(Record<String, byte[]> record) {
    Optional<RecordMetadata> metadata = context.recordMetadata();
    String topic = metadata.map(RecordMetadata::topic).orElse("");
    try {
      if (topic.equals(Topics.FAULT_LIFECYCLE.name())) {
        onLifecycle(record);
      } else {
        onCommand(record);
      }
    } catch (StreamsException e) {
      throw e;
    } catch (RuntimeException e) {
      poison.skipped(
          topic,
          metadata.map(RecordMetadata::partition).orElse(-1),
          metadata.map(RecordMetadata::offset).orElse(-1L),
          e);
    }
  }

  // ---------------------------------------------------------------- commands

  private void onCommand(Record<String, byte[]> record) {
    SchedulerCommand command = readCommand(record);
    // Per-run work (a run id is the command's id for run commands) logs with its tenant and trace.
    try (FaultLogContext ignored =
        FaultLogContext.open(command.tenantId(), null, remoteSpan(command.traceparent()))) {
      apply(command);
    }
  }

  /**
   * A command as the API wrote it: no null-valued header (the contract's codec refuses those too),
   * a value of at most the commands topic's event limit, JSON of a complete command, keyed by its
   * tenant (another key would put a tenant's state in a task that does not own it).
   */
  static SchedulerCommand readCommand(Record<String, byte[]> record) {
    for (Header header : record.headers()) {
      if (header.value() == null) {
        throw new IllegalArgumentException("header '" + header.key() + "' has no value");
      }
    }
    byte[] value = record.value();
    if (value == null || value.length == 0) {
      throw new IllegalArgumentException("the command has no value");
    }
    if (value.length > Topics.SCHEDULER_COMMANDS.maxEventBytes()) {
      throw new IllegalArgumentException(
          "the command is "
              + value.length
              + " bytes; at most "
              + Topics.SCHEDULER_COMMANDS.maxEventBytes()
              + " are accepted");
    }
    SchedulerCommand command = StateJson.read(value, SchedulerCommand.class);
    if (!command.tenantId().equals(record.key())) {
      throw new IllegalArgumentException(
          "the command of tenant '"
              + command.tenantId()
              + "' is keyed "
              + (record.key() == null ? "without a key" : "'" + record.key() + "'"));
    }
    return command;
  }

  private void apply(SchedulerCommand c) {
    Instant now = clock.instant();
    String key = Keys.of(c.tenantId(), c.id() == null ? "" : c.id());
    switch (c.kind()) {
      case PUT_EXPERIMENT -> experiments.put(c.experiment().key(), StateJson.write(c.experiment()));
      case DELETE_EXPERIMENT -> experiments.delete(key);
      case PUT_SCHEDULE -> putSchedule(c, now);
      case DELETE_SCHEDULE -> schedules.delete(key);
      case ENABLE_SCHEDULE, DISABLE_SCHEDULE ->
          read(schedules, key, Schedule.class)
              .ifPresent(
                  s ->
                      schedules.put(
                          key,
                          StateJson.write(
                              s.withEnabled(
                                  c.kind() == CommandKind.ENABLE_SCHEDULE,
                                  now,
                                  c.issuedBy(),
                                  c.commandId()))));
      case START_RUN ->
          startRun(
              c.experiment(), c.id(), null, null, c.issuedBy(), c.commandId(), c.traceparent());
      case ABORT_RUN -> abortRun(c, key, now);
      case PUT_POLICY -> putPolicy(c, now);
      case REGISTER_ACCOUNT, REMOVE_ACCOUNT -> changeAccounts(c, now);
    }
  }

  private void putSchedule(SchedulerCommand c, Instant now) {
    Schedule requested = c.schedule();
    Optional<Schedule> existing = read(schedules, requested.key(), Schedule.class);
    int fired = existing.map(Schedule::firedRuns).orElse(0);
    Schedule merged =
        new Schedule(
            requested.tenantId(),
            requested.scheduleId(),
            requested.experimentId(),
            requested.cron(),
            requested.timeZone(),
            requested.at(),
            requested.enabled(),
            requested.endAt(),
            requested.maxRuns(),
            requested.missedFirePolicy(),
            fired,
            null,
            existing.map(Schedule::lastFireAt).orElse(null),
            existing.map(Schedule::lastRunId).orElse(null),
            null,
            now,
            c.issuedBy(),
            c.commandId());
    schedules.put(
        merged.key(),
        StateJson.write(merged.withNextFireAt(merged.enabled() ? merged.firstFireAt(now) : null)));
  }

  private void putPolicy(SchedulerCommand c, Instant now) {
    TenantState state =
        read(tenants, c.tenantId(), TenantState.class)
            .orElse(new TenantState(c.tenantId(), List.of(), null, null));
    TenantPolicy p = c.policy();
    TenantPolicy published =
        new TenantPolicy(
            p.tenantId(),
            nextRevision(state),
            state.accounts(),
            p.allowedFaultTypes(),
            p.protectedTargets(),
            p.windows(),
            p.bounds(),
            p.concurrency(),
            p.cooldownSeconds(),
            p.dryRunOnly(),
            now,
            c.issuedBy());
    tenants.put(
        c.tenantId(),
        StateJson.write(new TenantState(c.tenantId(), state.accounts(), published, c.commandId())));
    publish(Topics.TENANT_POLICIES, policyEventId(published), published, c.traceparent());
  }

  private void changeAccounts(SchedulerCommand c, Instant now) {
    TenantState state =
        read(tenants, c.tenantId(), TenantState.class)
            .orElse(new TenantState(c.tenantId(), List.of(), null, null));
    List<RegisteredAccount> accounts = new ArrayList<>();
    boolean replaced = false;
    for (RegisteredAccount a : state.accounts()) {
      if (!a.accountId().value().equals(c.id())) {
        accounts.add(a);
      } else if (c.account() != null) {
        // Re-registering keeps the external id: the account's trust policy stays valid.
        RegisteredAccount n = c.account();
        accounts.add(
            new RegisteredAccount(n.accountId(), n.roleArn(), a.externalId(), n.regions()));
        replaced = true;
      }
    }
    if (c.account() != null && !replaced) {
      accounts.add(c.account());
    }
    TenantPolicy policy = state.policy();
    if (policy != null) {
      policy =
          new TenantPolicy(
              policy.tenantId(),
              nextRevision(state),
              accounts,
              policy.allowedFaultTypes(),
              policy.protectedTargets(),
              policy.windows(),
              policy.bounds(),
              policy.concurrency(),
              policy.cooldownSeconds(),
              policy.dryRunOnly(),
              now,
              c.issuedBy());
      publish(Topics.TENANT_POLICIES, policyEventId(policy), policy, c.traceparent());
    }
    tenants.put(
        c.tenantId(),
        StateJson.write(new TenantState(c.tenantId(), accounts, policy, c.commandId())));
  }

  private static long nextRevision(TenantState state) {
    return state.policy() == null ? 1 : state.policy().revision() + 1;
  }

  private static String policyEventId(TenantPolicy policy) {
    return "policy-" + policy.tenantId() + "-" + policy.revision();
  }

  // ---------------------------------------------------------------- schedules

  private void fireDueSchedules() {
    Instant now = clock.instant();
    List<Schedule> due = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = schedules.all()) {
      while (all.hasNext()) {
        KeyValue<String, byte[]> entry = all.next();
        Schedule s = StateJson.read(entry.value, Schedule.class);
        if (s.enabled() && s.nextFireAt() != null && !s.nextFireAt().isAfter(now)) {
          due.add(s);
        }
      }
    }
    for (Schedule s : due) {
      try (FaultLogContext ignored = FaultLogContext.open(s.tenantId(), null, null)) {
        fire(s, now);
      } catch (RuntimeException e) {
        log.error("schedule {} could not fire; it is retried at the next tick", s.key(), e);
      }
    }
  }

  private void fire(Schedule s, Instant now) {
    Schedule.Tick tick = s.tick(now, settings.misfireThreshold());
    Schedule updated = tick.schedule();
    if (tick.fireTime().isPresent()) {
      Instant fireTime = tick.fireTime().get();
      String runId = scheduledRunId(s.scheduleId(), fireTime);
      Optional<Experiment> experiment =
          read(experiments, Keys.of(s.tenantId(), s.experimentId()), Experiment.class);
      if (experiment.isEmpty()) {
        updated = updated.withRun(null, "experiment " + s.experimentId() + " does not exist");
        telemetry.runEnded(s.tenantId(), NOT_STARTED);
      } else {
        try {
          startRun(
              experiment.get(), runId, s.scheduleId(), fireTime, SCHEDULER, s.commandId(), null);
          updated = updated.withRun(runId, null);
        } catch (RuntimeException e) {
          // E.g. tunables a newer catalogue refuses: record it and move on to the next fire time.
          updated = updated.withRun(null, "run " + runId + " could not start: " + e.getMessage());
          telemetry.runEnded(s.tenantId(), NOT_STARTED);
        }
      }
    } else {
      log.info("schedule {} skipped a missed fire at {}", s.key(), s.nextFireAt());
    }
    schedules.put(updated.key(), StateJson.write(updated));
  }

  /** {@code tenant/run/<offset, 19 digits>}: a prefix scan of {@code tenant/run/} is in order. */
  static String timelineKey(String runKey, long offset) {
    return runKey + "/" + String.format("%019d", offset);
  }

  /** Deterministic from (schedule, fire time): a duplicate fire yields the same fault ids. */
  static String scheduledRunId(String scheduleId, Instant fireTime) {
    return "sch-" + scheduleId + "-" + fireTime.getEpochSecond();
  }

  // ---------------------------------------------------------------- runs and waves

  private void startRun(
      Experiment e,
      String runId,
      String scheduleId,
      Instant fireTime,
      String requestedBy,
      String commandId,
      String traceparent) {
    String key = Keys.of(e.tenantId(), runId);
    if (runs.get(key) != null) {
      log.info("run {} already exists; duplicate start ignored", key);
      return;
    }
    Instant now = clock.instant();
    List<Wave> waves = e.waves().isEmpty() ? List.of(new Wave("all", false, Map.of())) : e.waves();
    List<RunWave> runWaves = new ArrayList<>();
    List<RunFault> faults = new ArrayList<>();
    for (int i = 0; i < waves.size(); i++) {
      Wave w = waves.get(i);
      Map<String, String> merged = new LinkedHashMap<>(e.parameters());
      merged.putAll(w.parameters());
      Map<String, String> canonical =
          FaultCatalogue.standard().validate(FaultType.of(e.faultType()), merged).asMap();
      List<String> ids = new ArrayList<>();
      for (int t = 0; t < e.targets().size(); t++) {
        String faultId = runId + ".w" + i + ".t" + t;
        ids.add(faultId);
        faults.add(
            new RunFault(
                faultId,
                i,
                e.targets().get(t).accountId(),
                e.targets().get(t).region(),
                "PLANNED",
                0,
                null,
                null,
                List.of()));
      }
      runWaves.add(
          new RunWave(i, w.name(), w.dryRun(), canonical, ids, WaveStatus.PENDING, null, null));
    }
    Run run =
        new Run(
            e.tenantId(),
            runId,
            e.experimentId(),
            e.name(),
            e.faultType(),
            scheduleId,
            fireTime,
            requestedBy,
            RunStatus.RUNNING,
            0,
            runWaves,
            faults,
            List.of(),
            null,
            now,
            null,
            commandId,
            traceparent);
    run = startWave(run, e, 0);
    runs.put(key, StateJson.write(run));
  }

  private Run startWave(Run run, Experiment e, int index) {
    Instant now = clock.instant();
    RunWave wave = run.waves().get(index);
    List<RunFault> faults = new ArrayList<>();
    for (RunFault f : run.faults()) {
      if (f.wave() != index) {
        faults.add(f);
        continue;
      }
      FaultRequested request =
          FaultRequested.of(
              FaultId.of(f.faultId()),
              TenantId.of(run.tenantId()),
              ExperimentId.of(run.experimentId()),
              RunId.of(run.runId()),
              FaultType.of(run.faultType()),
              AccountId.of(f.accountId()),
              AwsRegion.of(f.region()),
              wave.parameters(),
              wave.dryRun(),
              run.requestedBy(),
              now,
              trim(
                  (e == null ? run.experimentName() : e.name())
                      + " · wave "
                      + (index + 1)
                      + "/"
                      + run.waves().size()
                      + " ("
                      + wave.name()
                      + ")"));
      publishRequest(request, run.traceparent(), index, run.waves().size());
      faults.add(f.with("REQUESTED", 0, null, null));
    }
    List<RunWave> waves = new ArrayList<>(run.waves());
    waves.set(index, wave.with(WaveStatus.RUNNING, now, null));
    return run.with(RunStatus.RUNNING, index, waves, faults, run.timeline(), null, null);
  }

  private static String trim(String text) {
    return text.length() > 500 ? text.substring(0, 500) : text;
  }

  private void abortRun(SchedulerCommand c, String key, Instant now) {
    Optional<Run> found = read(runs, key, Run.class);
    if (found.isEmpty()) {
      return;
    }
    Run run = found.get();
    if (run.status() == RunStatus.RUNNING) {
      String why = "aborted by " + c.issuedBy() + (c.reason() == null ? "" : ": " + c.reason());
      runs.put(key, StateJson.write(stop(run, RunStatus.ABORTED, why, now)));
      telemetry.runEnded(run.tenantId(), RunStatus.ABORTED);
      log.info("run {} aborted by {}", run.runId(), c.issuedBy());
    }
    FaultControl control =
        new FaultControl(
            c.commandId(),
            ControlAction.ABORT_RUN,
            TenantId.of(c.tenantId()),
            null,
            RunId.of(run.runId()),
            c.reason(),
            c.issuedBy(),
            now);
    publishControl(control, c.traceparent());
  }

  private static Run stop(Run run, RunStatus status, String why, Instant now) {
    List<RunWave> waves = new ArrayList<>();
    for (RunWave w : run.waves()) {
      if (w.status() == WaveStatus.PENDING) {
        waves.add(w.with(WaveStatus.CANCELLED, null, null));
      } else if (w.status() == WaveStatus.RUNNING) {
        waves.add(
            w.with(
                status == RunStatus.FAILED ? WaveStatus.FAILED : WaveStatus.CANCELLED,
                w.startedAt(),
                now));
      } else {
        waves.add(w);
      }
    }
    return run.with(status, run.currentWave(), waves, run.faults(), run.timeline(), why, now);
  }

  // ---------------------------------------------------------------- lifecycle

  private void onLifecycle(Record<String, byte[]> record) {
    FaultlineEvent<FaultLifecycleEvent> event =
        codec.decode(Topics.FAULT_LIFECYCLE, record.key(), record.headers(), record.value());
    if (event == null || event.data().runId() == null) {
      return;
    }
    try (FaultLogContext ignored =
        FaultLogContext.open(
            event.data().tenantId().value(),
            event.data().faultId().value(),
            remoteSpan(event.traceparent()))) {
      applyLifecycle(event);
    }
  }

  private void applyLifecycle(FaultlineEvent<FaultLifecycleEvent> event) {
    FaultLifecycleEvent e = event.data();
    String key = Keys.of(e.tenantId().value(), e.runId().value());
    Optional<Run> found = read(runs, key, Run.class);
    if (found.isEmpty()) {
      return;
    }
    Run run = found.get();
    Optional<RunFault> fault =
        run.faults().stream().filter(f -> f.faultId().equals(e.faultId().value())).findFirst();
    if (fault.isEmpty()) {
      return;
    }
    if (fault.get().hasSeen(e.sequence())) {
      return;
    }
    // One store entry per event, keyed by its lifecycle offset: ordered, and a run record never
    // grows with its timeline (changelog records stay far below the broker's size limit).
    long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(0L);
    timelines.put(timelineKey(key, offset), StateJson.write(entry(e)));
    List<RunFault> faults = new ArrayList<>();
    for (RunFault f : run.faults()) {
      if (!f.faultId().equals(e.faultId().value())) {
        faults.add(f);
        continue;
      }
      RunFault marked = f.markSeen(e.sequence());
      faults.add(
          e.sequence() > f.sequence()
              ? marked.with(
                  e.stage().name(),
                  e.sequence(),
                  e.reason() == null ? null : e.reason().name(),
                  e.detail())
              : marked);
    }
    run =
        run.with(
            run.status(),
            run.currentWave(),
            run.waves(),
            faults,
            List.of(),
            run.stopReason(),
            run.endedAt());
    if (run.status() == RunStatus.RUNNING) {
      run = advance(run, e, event.traceparent());
    }
    runs.put(key, StateJson.write(run));
  }

  private Run advance(Run run, FaultLifecycleEvent e, String traceparent) {
    Instant now = clock.instant();
    LifecycleStage stage = e.stage();
    if (stage == LifecycleStage.FAILED
        || stage == LifecycleStage.ABORTED
        || stage == LifecycleStage.REJECTED) {
      String why =
          "fault "
              + e.faultId()
              + " "
              + stage
              + (e.reason() == null ? "" : " (" + e.reason() + ")")
              + (e.detail() == null ? "" : ": " + e.detail());
      Run stopped =
          stop(
              run,
              stage == LifecycleStage.ABORTED ? RunStatus.ABORTED : RunStatus.FAILED,
              why,
              now);
      // The wave's other faults must not keep running once the run has stopped.
      FaultControl control =
          new FaultControl(
              "stop-" + run.runId(),
              ControlAction.ABORT_RUN,
              TenantId.of(run.tenantId()),
              null,
              RunId.of(run.runId()),
              why.length() > 500 ? why.substring(0, 500) : why,
              SCHEDULER,
              now);
      publishControl(control, traceparent);
      telemetry.runEnded(run.tenantId(), stopped.status());
      log.info("run {} stopped: {}", run.runId(), why);
      return stopped;
    }
    if (stage != LifecycleStage.COMPLETED) {
      return run;
    }
    RunWave current = run.waves().get(run.currentWave());
    Map<String, String> stages = new HashMap<>();
    run.faults().forEach(f -> stages.put(f.faultId(), f.stage()));
    boolean waveDone =
        current.faultIds().stream().allMatch(id -> "COMPLETED".equals(stages.get(id)));
    if (!waveDone) {
      return run;
    }
    List<RunWave> waves = new ArrayList<>(run.waves());
    waves.set(run.currentWave(), current.with(WaveStatus.COMPLETED, current.startedAt(), now));
    Run completedWave =
        run.with(run.status(), run.currentWave(), waves, run.faults(), run.timeline(), null, null);
    int next = run.currentWave() + 1;
    if (next >= run.waves().size()) {
      telemetry.runEnded(run.tenantId(), RunStatus.COMPLETED);
      log.info("run {} completed", run.runId());
      return completedWave.with(
          RunStatus.COMPLETED, run.currentWave(), waves, run.faults(), run.timeline(), null, now);
    }
    Experiment experiment =
        read(experiments, Keys.of(run.tenantId(), run.experimentId()), Experiment.class)
            .orElse(null);
    return startWave(completedWave, experiment, next);
  }

  private static TimelineEntry entry(FaultLifecycleEvent e) {
    return new TimelineEntry(
        e.faultId().value(),
        e.stage().name(),
        e.sequence(),
        e.occurredAt(),
        e.producer(),
        e.reason() == null ? null : e.reason().name(),
        e.detail(),
        e.targets().stream().map(TargetOutcome::targetId).toList(),
        e.ssmCommandIds(),
        e.traceId());
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Publishes one fault request under its own {@code scheduler.publish} span, whose traceparent the
   * request carries: the policy service's decision becomes the span's child.
   */
  private void publishRequest(
      FaultRequested request, String parentTraceparent, int wave, int waves) {
    String eventId = "req-" + request.faultId().value();
    Span span = telemetry.startRequest(request, eventId, parentTraceparent);
    try (FaultLogContext ignored =
        FaultLogContext.open(request.tenantId().value(), request.faultId().value(), span)) {
      publish(
          Topics.FAULT_REQUESTS,
          eventId,
          request,
          PublishTelemetry.traceparent(span, parentTraceparent));
      telemetry.requestPublished(request.tenantId().value());
      log.info(
          "requested fault {} of run {} (wave {}/{}, {} in {}/{})",
          request.faultId().value(),
          request.runId().value(),
          wave + 1,
          waves,
          request.faultType().value(),
          request.accountId().value(),
          request.region().value());
    } finally {
      span.end();
    }
  }

  private void publishControl(FaultControl control, String parentTraceparent) {
    Span span = telemetry.startControl(control, parentTraceparent);
    try {
      publish(
          Topics.FAULT_CONTROLS,
          control.controlId(),
          control,
          PublishTelemetry.traceparent(span, parentTraceparent));
    } finally {
      span.end();
    }
  }

  /** The remote span a traceparent names, for log context; invalid (left out) when absent. */
  private static Span remoteSpan(String traceparent) {
    return Span.fromContext(TraceContexts.extract(traceparent));
  }

  private <T> void publish(Topic<T> topic, String eventId, T data, String traceparent) {
    ProducerRecord<String, byte[]> encoded =
        codec.encode(topic, FaultlineEvent.of(eventId, SOURCE, data, traceparent));
    String sink =
        topic == Topics.FAULT_REQUESTS
            ? SchedulerTopology.REQUESTS_SINK
            : topic == Topics.TENANT_POLICIES
                ? SchedulerTopology.POLICIES_SINK
                : SchedulerTopology.CONTROLS_SINK;
    // Record timestamps are wall time: brokers refuse timestamps far from their own clock, and the
    // scheduling clock may be a test's (or an operator's) controlled one.
    context.forward(
        new Record<>(
            encoded.key(), encoded.value(), context.currentSystemTimeMs(), encoded.headers()),
        sink);
  }

  private static <T> Optional<T> read(KeyValueStore<String, byte[]> store, String key, Class<T> t) {
    byte[] value = store.get(key);
    return value == null ? Optional.empty() : Optional.of(StateJson.read(value, t));
  }
}
