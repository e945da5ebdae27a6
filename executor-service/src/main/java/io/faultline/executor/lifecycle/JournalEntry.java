package io.faultline.executor.lifecycle;

import io.faultline.events.cloudevents.Json;
import io.faultline.events.ids.FaultKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The execution journal's state of one fault (key fault key <tenant>/<fault id>, compacted,
 * co-partitioned with the approvals topic). Written before every SendCommand and with every
 * lifecycle event, so the executor that takes over a partition knows what each in-flight fault may
 * have touched.
 *
 * <p>The approval itself is not copied (it holds the tenant's external id); {@code
 * approvalPartition}/{@code approvalOffset} point at it on the approvals topic.
 *
 * @param phase how far the fault got
 * @param nextSequence the lifecycle sequence number of the fault's next event
 * @param traceparent the fault's {@code fault.execute} span (the trace a takeover continues)
 * @param targets every target a command may have reached (id and lifecycle kind)
 * @param commandIds the SSM commands sent so far
 * @param heading the terminal stage the fault was heading to when it started rolling back
 * @param executor the executor instance that wrote this state
 * @param epoch the owner epoch of the fault (ADR 0007 §5): 0 for the executor that started it, one
 *     more for each takeover; a writer whose epoch is lower than one seen for the fault is stale
 * @param holdUntil when the hold ends as planned (set from INJECTED on), so a takeover resumes it
 * @param handedOver whether the writer gave the fault up (graceful shutdown, a fenced ledger, its
 *     own heartbeat deadline passed): whoever owns the partition takes it over at once
 * @param serial where a SEQUENCE=serial run is (the host and its step), so a takeover continues it
 *     from that host; null for every other fault
 */
public record JournalEntry(
    String faultId,
    String tenantId,
    Phase phase,
    long nextSequence,
    int approvalPartition,
    long approvalOffset,
    String traceparent,
    List<JournalTarget> targets,
    List<String> commandIds,
    String heading,
    String executor,
    Instant updatedAt,
    long epoch,
    Instant holdUntil,
    boolean handedOver,
    SerialHost serial) {

  public JournalEntry {
    Objects.requireNonNull(faultId, "faultId");
    Objects.requireNonNull(phase, "phase");
    targets = targets == null ? List.of() : List.copyOf(targets);
    commandIds = commandIds == null ? List.of() : List.copyOf(commandIds);
  }

  /** An entry of epoch 0 with no hold planned, not handed over (a fault refused at intake). */
  public JournalEntry(
      String faultId,
      String tenantId,
      Phase phase,
      long nextSequence,
      int approvalPartition,
      long approvalOffset,
      String traceparent,
      List<JournalTarget> targets,
      List<String> commandIds,
      String heading,
      String executor,
      Instant updatedAt) {
    this(
        faultId,
        tenantId,
        phase,
        nextSequence,
        approvalPartition,
        approvalOffset,
        traceparent,
        targets,
        commandIds,
        heading,
        executor,
        updatedAt,
        0,
        null,
        false,
        null);
  }

  /** This entry as given up by its writer: the partition's owner takes the fault over at once. */
  public JournalEntry handedOver(Instant now) {
    return new JournalEntry(
        faultId,
        tenantId,
        phase,
        nextSequence,
        approvalPartition,
        approvalOffset,
        traceparent,
        targets,
        commandIds,
        heading,
        executor,
        now,
        epoch,
        holdUntil,
        true,
        serial);
  }

  /** How far a fault got. */
  public enum Phase {
    /** STARTED published; targets not yet resolved. */
    STARTED,
    /** TARGETS_RESOLVED published; nothing sent. */
    RESOLVED,
    /** About to send (or sending) inject commands to {@code targets}. */
    INJECTING,
    /** INJECTED published; holding. */
    HOLDING,
    /** ROLLING_BACK published. */
    ROLLING_BACK,
    /** The terminal event is published; nothing left to do. */
    TERMINAL;

    /** Whether a command may have reached a target. */
    public boolean mayHaveInjected() {
      return this == INJECTING || this == HOLDING || this == ROLLING_BACK;
    }
  }

  /** The fault's identity, {@code <tenantId>/<faultId>} (ADR 0007): the journal's record key. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public String faultKey() {
    return FaultKey.of(tenantId, faultId).value();
  }

  /**
   * The host a serial run is at (one of {@code targets}: those before it are rolled back, those
   * after it not reached) and its step there.
   *
   * @param holdUntil when this host's own hold ends (set from {@link SerialStep#HOLDING} on)
   */
  public record SerialHost(String targetId, SerialStep step, Instant holdUntil) {
    public SerialHost {
      Objects.requireNonNull(targetId, "targetId");
      Objects.requireNonNull(step, "step");
    }
  }

  /** A serial run's step on its current host. */
  public enum SerialStep {
    /** The inject is about to be or being sent: its result is unknown to a takeover. */
    INJECTING,
    /** Injected; held until the host's {@code holdUntil}. */
    HOLDING,
    /** The hold is over; the host is being rolled back before the next one is injected. */
    ROLLING_BACK
  }

  /** A target as journaled. */
  public record JournalTarget(String id, String kind) {}

  public byte[] toJson() {
    try {
      return Json.mapper().writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JournalEntry fromJson(byte[] json) {
    try {
      return Json.mapper().readValue(json, JournalEntry.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
