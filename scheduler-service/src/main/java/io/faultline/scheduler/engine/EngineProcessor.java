package io.faultline.scheduler.engine;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleFields;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.signing.RequestSigner;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.Keys;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.TenantState;
import io.faultline.scheduler.web.Durations;
import io.faultline.telemetry.FaultLogContext;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.opentelemetry.api.trace.Span;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one partition's commands, lifecycle events and run events to its stores and fires its due
 * schedules. Everything it writes (stores and output topics) commits atomically with its input
 * offsets under {@code exactly_once_v2}, so a schedule fire survives a crash exactly once; when a
 * crash aborts a transaction, the next owner re-fires the same fire time with the same
 * (deterministic) ids.
 *
 * <p>It reads the time and the {@link EngineStores}, and writes back what {@link Commands}, {@link
 * ScheduleFiring} and {@link RunFlow} decide; {@link Dispatch} publishes.
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
  private final RequestSigner signer;
  private final EventCodec codec = EventCodec.standard();
  private ProcessorContext<String, byte[]> context;
  private EngineStores stores;
  private Dispatch dispatch;
  private AbortTombstones aborts;
  private RunFlow runs;

  /**
   * @param signer signs the fault requests it publishes; null: unsigned
   */
  EngineProcessor(
      Clock clock,
      EngineSettings settings,
      PublishTelemetry telemetry,
      PoisonRecords poison,
      RequestSigner signer) {
    this.clock = clock;
    this.settings = settings;
    this.telemetry = telemetry;
    this.poison = poison;
    this.signer = signer;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> processorContext) {
    this.context = processorContext;
    stores = new EngineStores(processorContext);
    dispatch = new Dispatch(processorContext, telemetry, signer);
    aborts = new AbortTombstones(stores, dispatch);
    runs = new RunFlow(clock, stores, dispatch, aborts, telemetry);
    processorContext.schedule(
        settings.tick(),
        PunctuationType.WALL_CLOCK_TIME,
        ignored -> {
          fireDueSchedules();
          dropEndedOverlaps(clock.instant());
        });
    processorContext.schedule(
        WatchTimeouts.CHECK_EVERY,
        PunctuationType.WALL_CLOCK_TIME,
        ignored -> endUnansweredWatches());
    processorContext.schedule(
        settings.runRetentionSweep(),
        PunctuationType.WALL_CLOCK_TIME,
        ignored -> {
          deleteExpiredRuns(clock.instant());
          expireAborts(clock.instant());
        });
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
      } else if (topic.equals(Topics.RUN_EVENTS.name())) {
        onRunEvent(record);
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

  private void onCommand(Record<String, byte[]> record) {
    SchedulerCommand command = Commands.read(record);
    // Per-run work (a run id is the command's id for run commands) logs with its tenant and trace.
    try (FaultLogContext ignored =
        FaultLogContext.open(command.tenantId(), null, remoteSpan(command.traceparent()))) {
      apply(command);
    }
  }

  private void apply(SchedulerCommand c) {
    Instant now = clock.instant();
    String key = Keys.of(c.tenantId(), c.id() == null ? "" : c.id());
    switch (c.kind()) {
      case PUT_EXPERIMENT -> stores.put(c.experiment());
      case DELETE_EXPERIMENT -> stores.deleteExperiment(key);
      case PUT_SCHEDULE ->
          stores.put(
              Commands.putSchedule(c, stores.schedule(c.schedule().key()).orElse(null), now));
      case DELETE_SCHEDULE -> stores.deleteSchedule(key);
      case ENABLE_SCHEDULE, DISABLE_SCHEDULE -> {
        boolean enabled = c.kind() == CommandKind.ENABLE_SCHEDULE;
        stores
            .schedule(key)
            .ifPresent(s -> stores.put(s.withEnabled(enabled, now, c.issuedBy(), c.commandId())));
      }
      case START_RUN -> runs.start(c.experiment(), c.id(), RunPlanner.Origin.runNow(c));
      case ABORT_RUN -> stores.run(key).ifPresent(run -> runs.abort(c, run, now));
      case ABORT_FAULT -> {
        dispatch.faultAborted(c, now);
        aborts.faultAborted(c.tenantId(), c.id(), now);
      }
      case PUT_POLICY -> {
        TenantState next = Commands.putPolicy(c, tenantState(c.tenantId()), now);
        stores.put(next);
        dispatch.policy(next.policy(), c.traceparent());
      }
      case REGISTER_ACCOUNT, REMOVE_ACCOUNT -> {
        TenantState next = Commands.changeAccounts(c, tenantState(c.tenantId()), now);
        if (next.policy() != null) {
          dispatch.policy(next.policy(), c.traceparent());
        }
        stores.put(next);
      }
      case ROTATE_EXTERNAL_ID, END_EXTERNAL_ID_OVERLAP -> {
        TenantState before = tenantState(c.tenantId());
        storeTenant(before, Commands.changeExternalId(c, before, now), c.traceparent());
      }
      case ADD_PUBLISHER_KEY, REVOKE_PUBLISHER_KEY -> {
        TenantState before = tenantState(c.tenantId());
        storeTenant(before, Commands.changePublisherKeys(c, before, now), c.traceparent());
      }
    }
  }

  /**
   * Stores a tenant's state and publishes its policy when {@link Commands} moved it to a new
   * revision (a command that changed nothing keeps the stored policy, which is not published
   * again).
   */
  private void storeTenant(TenantState before, TenantState next, String traceparent) {
    if (next.policy() != null
        && (before.policy() == null || next.policy().revision() != before.policy().revision())) {
      dispatch.policy(next.policy(), traceparent);
    }
    stores.put(next);
  }

  private TenantState tenantState(String tenantId) {
    return stores.tenant(tenantId).orElseGet(() -> Commands.noTenantState(tenantId));
  }

  private void expireAborts(Instant now) {
    try {
      aborts.expire(now, settings.abortRetention());
    } catch (StreamsException e) {
      throw e;
    } catch (RuntimeException e) {
      // A late tombstone costs only a record on the controls topic; the next sweep tries again.
      log.error("could not tombstone expired aborts; retried at the next sweep", e);
    }
  }

  /** Ends the runs whose steady state, bake or final check got no reading for its limit. */
  private void endUnansweredWatches() {
    for (Run run : stores.watchedRuns()) {
      try (FaultLogContext ignored = FaultLogContext.open(run.tenantId(), null, null)) {
        runs.checkWatch(run, settings.readingTimeout());
      } catch (StreamsException e) {
        throw e;
      } catch (RuntimeException e) {
        log.error("could not check run {}'s watch; retried at the next check", run.key(), e);
      }
    }
  }

  private void fireDueSchedules() {
    Instant now = clock.instant();
    for (Schedule s : stores.schedules(s -> ScheduleFiring.isDue(s, now))) {
      try (FaultLogContext ignored = FaultLogContext.open(s.tenantId(), null, null)) {
        fire(s, now);
      } catch (RuntimeException e) {
        log.error("schedule {} could not fire; it is retried at the next tick", s.key(), e);
      }
    }
  }

  /**
   * After a rotation's overlap the previous external id leaves the tenant's state and a new policy
   * revision without it is published (readers already ignore it from the overlap's end on).
   */
  private void dropEndedOverlaps(Instant now) {
    for (TenantState state :
        stores.tenants("previousExternalIdUntil", t -> Commands.hasEndedOverlap(t, now))) {
      try (FaultLogContext ignored = FaultLogContext.open(state.tenantId(), null, null)) {
        storeTenant(state, Commands.dropEndedOverlaps(state, now), null);
        log.info("dropped the previous external id of an account after its rotation overlap");
      } catch (StreamsException e) {
        throw e;
      } catch (RuntimeException e) {
        // Readers ignore an ended overlap anyway; the next tick tries again.
        log.error("could not drop an ended external-id overlap; retried at the next tick", e);
      }
    }
  }

  /**
   * Deletes the ended runs past the retention (time or count, {@link RunRetention}) with their
   * timelines; running runs stay. A lifecycle event arriving later for a deleted run is ignored,
   * like one for a run the scheduler never started.
   */
  private void deleteExpiredRuns(Instant now) {
    try {
      List<RunRetention.Entry> expired =
          RunRetention.expired(
              stores.runEntries(),
              now,
              settings.runRetention(),
              settings.retainedRunsPerTenant(),
              RunRetention.MAX_PER_SWEEP);
      int timelineEntries = 0;
      for (RunRetention.Entry run : expired) {
        timelineEntries += stores.deleteRun(run.key());
      }
      if (!expired.isEmpty()) {
        log.info(
            "deleted {} ended runs ({} timeline entries): kept are runs ended within {} and the"
                + " newest {} ended runs of each tenant",
            expired.size(),
            timelineEntries,
            Durations.text(settings.runRetention()),
            settings.retainedRunsPerTenant());
      }
    } catch (StreamsException e) {
      throw e;
    } catch (RuntimeException e) {
      // Nothing depends on the deletion being on time; the next sweep tries again.
      log.error("could not delete expired runs; retried at the next sweep", e);
    }
  }

  private void fire(Schedule s, Instant now) {
    ScheduleFiring.Fire fire = ScheduleFiring.fire(s, now, settings.misfireThreshold());
    Schedule updated = fire.schedule();
    if (fire.startsRun()) {
      Optional<Experiment> experiment = stores.experiment(s.tenantId(), s.experimentId());
      if (experiment.isEmpty()) {
        updated = fire.experimentMissing();
        telemetry.runEnded(s.tenantId(), NOT_STARTED);
      } else {
        try {
          runs.start(
              experiment.get(), fire.runId(), RunPlanner.Origin.scheduled(s, fire.fireTime()));
          updated = fire.started();
        } catch (RuntimeException e) {
          updated = fire.couldNotStart(e);
          telemetry.runEnded(s.tenantId(), NOT_STARTED);
        }
      }
    } else {
      log.info("schedule {} skipped a missed fire at {}", s.key(), s.nextFireAt());
    }
    stores.put(updated);
  }

  static String scheduledRunId(String scheduleId, Instant fireTime) {
    return ScheduleFiring.runId(scheduleId, fireTime);
  }

  /**
   * Most lifecycle events concern the engine only when they end a fault with an abort pending:
   * every decision and step of a fault outside a run, or of another platform's run. Their fields
   * are read without decoding the whole event ({@link LifecycleFields}); only an event of a run
   * this engine holds is decoded whole, for the run's timeline. A record the field reader leaves
   * (structured mode, no {@code ce_type}) is decoded whole.
   */
  private void onLifecycle(Record<String, byte[]> record) {
    Optional<LifecycleFields> read =
        LifecycleFields.read(record.key(), record.headers(), record.value());
    FaultlineEvent<FaultLifecycleEvent> decoded = read.isPresent() ? null : decodeLifecycle(record);
    LifecycleFields fields = read.orElseGet(() -> LifecycleFields.of(decoded.data()));
    aborts.lifecycle(fields.tenantId(), fields.faultId(), fields.stage());
    if (fields.runId() == null) {
      return;
    }
    stores
        .run(Keys.of(fields.tenantId(), fields.runId()))
        .ifPresent(run -> toRun(run, decoded != null ? decoded : decodeLifecycle(record)));
  }

  private FaultlineEvent<FaultLifecycleEvent> decodeLifecycle(Record<String, byte[]> record) {
    // Never null: the lifecycle topic is not compacted, so a record without a value is refused.
    return codec.decode(Topics.FAULT_LIFECYCLE, record.key(), record.headers(), record.value());
  }

  private void toRun(Run run, FaultlineEvent<FaultLifecycleEvent> event) {
    FaultLifecycleEvent e = event.data();
    try (FaultLogContext ignored =
        FaultLogContext.open(
            e.tenantId().value(), e.faultId().value(), remoteSpan(event.traceparent()))) {
      long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(0L);
      runs.lifecycle(run, e, offset, event.traceparent());
    }
  }

  private void onRunEvent(Record<String, byte[]> record) {
    FaultlineEvent<RunEvent> event =
        codec.decode(Topics.RUN_EVENTS, record.key(), record.headers(), record.value());
    if (event == null) {
      return;
    }
    RunEvent e = event.data();
    try (FaultLogContext ignored =
        FaultLogContext.open(e.tenantId().value(), null, remoteSpan(event.traceparent()))) {
      stores
          .run(Keys.of(e.tenantId().value(), e.runId().value()))
          .ifPresent(run -> runs.runEvent(run, e));
    }
  }

  /** The remote span a traceparent names, for log context; invalid (left out) when absent. */
  private static Span remoteSpan(String traceparent) {
    return Span.fromContext(TraceContexts.extract(traceparent));
  }
}
