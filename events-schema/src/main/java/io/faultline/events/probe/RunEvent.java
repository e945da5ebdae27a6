package io.faultline.events.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * Something about a watched run: a probe reading, a steady-state, bake or final result, a
 * stop-condition breach, or the verdict. CloudEvents type {@code io.faultline.run.v1} on {@code
 * faultline.run-events.v1}, keyed by tenant id like lifecycle events (per-tenant order). Executors
 * write readings, results and breaches tagged with the watch revision they evaluated; the scheduler
 * writes verdicts. A re-read after a rebalance may repeat a reading or a result: readers keep the
 * first result per run, kind and revision.
 *
 * @param eventId unique per event; also the CloudEvents id
 * @param probe the probe's name when the event is about one probe
 * @param reading the probe's reading ({@code PROBE_READING}, {@code STOP_CONDITION_BREACHED}, and a
 *     failing result's deciding reading)
 * @param watchRevision the {@link RunWatch#revision()} evaluated; null on verdicts
 * @param verdict only on {@code VERDICT}
 * @param detail a short text for people, at most {@value #MAX_DETAIL} characters
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunEvent(
    String eventId,
    TenantId tenantId,
    RunId runId,
    RunEventKind kind,
    String probe,
    ProbeReading reading,
    WatchPhase phase,
    Integer wave,
    Long watchRevision,
    Instant at,
    Verdict verdict,
    String detail) {
  public static final int MAX_DETAIL = 512;

  public RunEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
    detail = ProbeReading.cut(detail, MAX_DETAIL);
    if ((kind == RunEventKind.VERDICT) != (verdict != null)) {
      throw new IllegalArgumentException("a verdict is carried by VERDICT events, and only there");
    }
    if ((kind == RunEventKind.PROBE_READING || kind == RunEventKind.STOP_CONDITION_BREACHED)
        && (probe == null || reading == null)) {
      throw new IllegalArgumentException(kind + " names its probe and reading");
    }
  }
}
