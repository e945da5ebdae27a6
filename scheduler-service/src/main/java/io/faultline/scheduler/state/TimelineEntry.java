package io.faultline.scheduler.state;

import io.faultline.events.lifecycle.TargetSummary;
import java.time.Instant;
import java.util.List;

/**
 * One lifecycle event of a run's fault, as shown in the run's timeline.
 *
 * @param targets the ids of the targets the event lists: at most a sample of them (ADR 0009)
 * @param ssmCommandIds the command ids the event lists, likewise a sample
 * @param targetSummary the counts of every target and command of the fault at that event (the
 *     event's own summary, or counted from its lists when it had none); null for entries stored
 *     before it existed and for events without targets
 */
public record TimelineEntry(
    String faultId,
    String stage,
    long sequence,
    Instant occurredAt,
    String producer,
    String reason,
    String detail,
    List<String> targets,
    List<String> ssmCommandIds,
    TargetSummary targetSummary,
    String traceId) {}
