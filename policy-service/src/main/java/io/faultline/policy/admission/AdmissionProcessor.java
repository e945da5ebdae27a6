package io.faultline.policy.admission;

import io.faultline.events.decision.RuleCode;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.policy.escrow.Ask;
import io.faultline.policy.escrow.EscrowDesk;
import io.faultline.policy.escrow.Grant;
import io.faultline.policy.leases.LeaseBook;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The one place admission is decided. One runs on each partition of the admission log, which holds
 * every command of its tenants, so every tenant, account and target rule (an account belongs to one
 * tenant) and idempotency see every earlier decision and release of their tenant. The platform
 * limit is held in escrow (ADR 0012): this partition's share ({@link
 * io.faultline.policy.escrow.Share}), topped up by asking its peers while requests wait ({@link
 * EscrowDesk}, {@link EscrowBook}). For each command it asks {@link Admission} for the outcome,
 * then writes it: to {@link AdmissionState}, whose changelogged stores commit in the same
 * exactly-once transaction as the decisions (the in-memory {@link LeaseBook} is only an index over
 * them, rebuilt whenever the task (re)starts), and through {@link AdmissionOutput}.
 */
final class AdmissionProcessor
    extends ContextualProcessor<String, AdmissionCommand, String, Outbound> {

  /**
   * How long a decided fault id and a target's last end are remembered: as long as the requests
   * topic keeps a request, so a redelivered request is always recognised. Longer cooldowns are not
   * supported.
   */
  static final Duration MEMORY = Topics.FAULT_REQUESTS.retention();

  private final AdmissionSettings settings;
  private final AdmissionTelemetry telemetry;
  private final Admission admission;
  private AdmissionState state;
  private final Desk desk = new Desk();
  private EscrowBook book;
  private EscrowDesk<EscrowBook.Parked> escrow;
  private AdmissionOutput output;

  /**
   * The latest heartbeat append time read (ADR 0007): leases expire by it, never by this service's
   * own clock. Not stored: after a restart it starts again at the first heartbeat read, which can
   * only delay an expiry.
   */
  private long heartbeatClockMs;

  AdmissionProcessor(AdmissionSettings settings, AdmissionTelemetry telemetry) {
    this.settings = settings;
    this.telemetry = telemetry;
    this.admission = new Admission(settings);
  }

  @Override
  public void init(ProcessorContext<String, Outbound> context) {
    super.init(context);
    // init runs again when a task is revived after an aborted transaction: a new state forgets
    // the index, which is rebuilt from the stores on first use.
    book = new EscrowBook(context, settings);
    state = new AdmissionState(context, book, settings.startHalted());
    escrow = new EscrowDesk<>(book, desk);
    output = new AdmissionOutput(context, settings, telemetry);
    context.schedule(
        settings.leaseCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::expireLeases);
    context.schedule(Duration.ofHours(1), PunctuationType.WALL_CLOCK_TIME, this::forget);
  }

  @Override
  public void process(Record<String, AdmissionCommand> record) {
    state.load();
    Instant now = Instant.ofEpochMilli(context().currentSystemTimeMs());
    desk.now = now;
    try {
      switch (record.value()) {
        case null -> throw new IllegalArgumentException("the admission command has no value");
        case AdmissionCommand.Decide decide -> decide(decide, record.timestamp(), now);
        case AdmissionCommand.RejectInvalid invalid ->
            rejectInvalid(invalid, record.timestamp(), now);
        case AdmissionCommand.PolicyChanged change ->
            apply(admission.changePolicy(change, state), now);
        case AdmissionCommand.HaltChanged halt -> apply(admission.changeHalt(halt), now);
        case AdmissionCommand.Progress progress -> apply(admission.progress(progress, state), now);
        case AdmissionCommand.Claim claim -> apply(admission.claim(claim, state, now), now);
        case AdmissionCommand.Heartbeat heartbeat -> {
          heartbeatClockMs = Math.max(heartbeatClockMs, record.timestamp());
          admission
              .heartbeat(heartbeat, state, record.timestamp())
              .forEach(renewed -> apply(renewed, now));
        }
        case AdmissionCommand.EscrowAsked asked -> escrow.answer(asked.ask());
        case AdmissionCommand.EscrowGranted granted -> escrow.receive(granted.grant());
      }
      escrow.settle();
    } catch (KafkaException e) {
      // Kafka Streams' own failures (a fenced producer, a migrated task, a store that cannot
      // write): the task must fail and recover, never skip the command.
      throw e;
    } catch (RuntimeException e) {
      // Commands are checked when they are read (CommandSerde), so this is a command intake never
      // writes: skip it rather than fail on it forever.
      output.skipped(e);
    }
    output.activeLeases(state.activeOnPlatform());
  }

  private void decide(AdmissionCommand.Decide command, long requestedAtMs, Instant now) {
    FaultRequested request = command.request();
    String faultId = request.faultId().value();
    Optional<Outcome.Refused> refused = admission.refused(command, state, requestedAtMs);
    if (refused.isPresent()) {
      apply(refused.get(), now);
      return;
    }
    if (book.isParked(request.tenantId().value(), faultId)) {
      apply(new Outcome.Ignored(faultId, "waits for a platform token; duplicate ignored"), now);
      return;
    }
    if (repeated(request.tenantId().value(), faultId, now)) {
      return;
    }
    escrow.admit(new EscrowBook.Parked(command, requestedAtMs));
  }

  private void decideNow(AdmissionCommand.Decide command, long requestedAtMs, Instant now) {
    FaultRequested request = command.request();
    String faultId = request.faultId().value();
    output.traced(
        request.tenantId().value(),
        faultId,
        command.traceparent(),
        span -> {
          output.describe(span, request);
          String traceparent = TraceContexts.traceparentOf(span);
          decided(admission.decide(request, traceparent, state, now), span, requestedAtMs, now);
        });
  }

  private void rejectInvalid(
      AdmissionCommand.RejectInvalid command, long requestedAtMs, Instant now) {
    Optional<Outcome.Refused> refused = admission.refused(command, state, requestedAtMs);
    if (refused.isPresent()) {
      apply(refused.get(), now);
      return;
    }
    if (repeated(command.tenantId(), command.faultId(), now)) {
      return;
    }
    output.traced(
        command.tenantId(),
        command.faultId(),
        command.traceparent(),
        span -> {
          String traceparent = TraceContexts.traceparentOf(span);
          decided(admission.rejectInvalid(command, traceparent, now), span, requestedAtMs, now);
        });
  }

  /** The admission side of the escrow: rules and decisions of this partition, messages out. */
  private final class Desk implements EscrowDesk.Port<EscrowBook.Parked> {
    private Instant now = Instant.EPOCH;

    @Override
    public int active() {
      return state.activeOnPlatform();
    }

    @Override
    public boolean shortOfTokensOnly(EscrowBook.Parked parked) {
      return admission.decide(parked.command().request(), null, state, now)
              instanceof Outcome.Rejected rejected
          && rejected.verdict().failed().stream()
              .allMatch(o -> o.code() == RuleCode.PLATFORM_CONCURRENCY_LIMIT);
    }

    @Override
    public void decide(EscrowBook.Parked parked) {
      decideNow(parked.command(), parked.requestedAtMs(), now);
    }

    @Override
    public void send(Ask ask) {
      output.escrow(new AdmissionCommand.EscrowAsked(ask), now);
    }

    @Override
    public void send(Grant grant) {
      output.escrow(new AdmissionCommand.EscrowGranted(grant), now);
    }
  }

  /** Asked before the decision's span opens: a redelivered request gets neither. */
  private boolean repeated(String tenantId, String faultId, Instant now) {
    Optional<Outcome.Ignored> repeated = admission.repeated(tenantId, faultId, state);
    repeated.ifPresent(ignored -> apply(ignored, now));
    return repeated.isPresent();
  }

  private void decided(Outcome.Decision decision, Span span, long requestedAtMs, Instant now) {
    boolean registered = state.policy(decision.event().tenantId().value()) != null;
    output.decided(decision, span, requestedAtMs, now, registered);
    apply(decision, now);
  }

  private void apply(Outcome outcome, Instant now) {
    state.apply(outcome, now);
    output.publish(outcome, now);
  }

  private void expireLeases(long wallClockMs) {
    state.load();
    Instant now = Instant.ofEpochMilli(wallClockMs);
    if (heartbeatClockMs == 0) {
      return;
    }
    admission
        .expire(state, Instant.ofEpochMilli(heartbeatClockMs), now)
        .forEach(expired -> apply(expired, now));
    desk.now = now;
    escrow.settle();
  }

  /** Forgets decisions and cooldowns older than {@link #MEMORY}, so the stores stay bounded. */
  private void forget(long wallClockMs) {
    state.load();
    state.forgetBefore(wallClockMs - MEMORY.toMillis());
  }
}
